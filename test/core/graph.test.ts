/**
 * The per-side index that lets a reader resolve references across objects, and how the review feeds
 * it: reviewed files and context files, of every kind, context never listed or reported.
 */
import { describe, expect, it } from "vitest";
import { buildObjectIndex, EMPTY_INDEX, namespaceLabels } from "../../src/core/graph.js";
import { parseManifestFile } from "../../src/core/manifest.js";
import type { ManifestObject } from "../../src/core/model.js";
import { isExposureObject, objectId } from "../../src/core/objects.js";
import { review } from "../../src/core/review.js";

function objectsOf(path: string, text: string): ManifestObject[] {
  return parseManifestFile({ path, text }, "head").objects;
}

const gateways = objectsOf(
  "infra/gateways.yaml",
  `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: infra }
spec: { gatewayClassName: envoy, listeners: [] }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: infra }
spec: { selector: { istio: ingressgateway } }
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: shop, exposed: true }
`,
);

describe("buildObjectIndex", () => {
  const index = buildObjectIndex(gateways);

  it("finds an object by kind, namespace and name, and tells API groups apart", () => {
    expect(index.find("Gateway", "infra", "public", "gateway.networking.k8s.io")?.apiVersion).toBe("gateway.networking.k8s.io/v1");
    expect(index.find("Gateway", "infra", "public", "networking.istio.io")?.apiVersion).toBe("networking.istio.io/v1");
    expect(index.find("Gateway", "infra", "public", "example.com")).toBeUndefined();
    expect(index.find("Gateway", "infra", "private")).toBeUndefined();
    expect(index.find("Gateway", "shop", "public")).toBeUndefined();
    // Without a group, the first read.
    expect(index.find("Gateway", "infra", "public")?.apiVersion).toBe("gateway.networking.k8s.io/v1");
  });

  it("lists the objects of a kind, in a group when asked", () => {
    expect(index.ofKind("Gateway").map((object) => object.apiVersion)).toEqual(["gateway.networking.k8s.io/v1", "networking.istio.io/v1"]);
    expect(index.ofKind("Gateway", "networking.istio.io")).toHaveLength(1);
    expect(index.ofKind("HTTPRoute")).toEqual([]);
  });

  it("keeps the first object of an identity (reviewed files are indexed before context files)", () => {
    const copy = objectsOf("other.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: public, namespace: infra }\n");
    const reviewedFirst = buildObjectIndex([...copy, ...gateways]);
    expect(reviewedFirst.find("Gateway", "infra", "public", "gateway.networking.k8s.io")?.file).toBe("other.yaml");
  });

  it("computes per-side derived data once", () => {
    let computed = 0;
    const count = () => {
      computed += 1;
      return computed;
    };
    expect(index.memo("count", count)).toBe(1);
    expect(index.memo("count", count)).toBe(1);
    expect(buildObjectIndex(gateways).memo("count", count)).toBe(2);
  });

  it("reads a Namespace's labels, with the name label the API server adds", () => {
    expect(namespaceLabels(index, "shop")).toEqual({ "kubernetes.io/metadata.name": "shop", team: "shop", exposed: "true" });
    expect(namespaceLabels(index, "infra")).toBeUndefined();
    expect(namespaceLabels(EMPTY_INDEX, "shop")).toBeUndefined();
  });
});

describe("identity with the API group", () => {
  it("qualifies a kind several groups define, and only that", () => {
    expect(objectId("Gateway", "infra", "public", "gateway.networking.k8s.io/v1")).toBe("Gateway.gateway.networking.k8s.io/infra/public");
    expect(objectId("Gateway", "infra", "public", "networking.istio.io/v1beta1")).toBe("Gateway.networking.istio.io/infra/public");
    expect(objectId("HTTPRoute", "shop", "web", "gateway.networking.k8s.io/v1")).toBe("HTTPRoute/shop/web");
    expect(objectId("Service", "shop", "web", "v1")).toBe("Service/shop/web");
    expect(gateways.map((object) => object.id)).toEqual([
      "Gateway.gateway.networking.k8s.io/infra/public",
      "Gateway.networking.istio.io/infra/public",
      "Namespace/default/shop",
    ]);
  });

  it("reads the Gateway API kinds at the versions the contract names", () => {
    for (const kind of ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"]) {
      for (const version of ["v1", "v1beta1", "v1alpha2"]) {
        expect(isExposureObject({ apiVersion: `gateway.networking.k8s.io/${version}`, kind })).toBe(true);
      }
      expect(isExposureObject({ apiVersion: "example.com/v1", kind })).toBe(false);
    }
    expect(isExposureObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway" })).toBe(true);
    expect(isExposureObject({ apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "Gateway" })).toBe(true);
    expect(isExposureObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass" })).toBe(false);
  });
});

describe("review with context files", () => {
  const service = (type: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec:\n  type: ${type}\n  ports: [{ port: 443 }]\n`;
  const brokenContext = { path: "infra/broken.yaml", text: "kind: Service\nmetadata: { name: [\n" };
  const contextService = { path: "infra/lb.yaml", text: service("LoadBalancer").replace("name: web", "name: lb") };

  it("lists only objects of the reviewed files and reports no error of a context file", () => {
    const report = review({
      base: [{ path: "k8s/web.yaml", text: service("ClusterIP") }],
      head: [{ path: "k8s/web.yaml", text: service("NodePort") }],
      context: { base: [contextService, brokenContext], head: [brokenContext] },
    });
    expect(report.objects.map((object) => [object.id, object.apiVersion, object.classification])).toEqual([
      ["Service/shop/web", "v1", "widened"],
    ]);
    expect(report.errors).toEqual([]);
    expect(report.stats.baseFiles).toBe(1);
  });
});
