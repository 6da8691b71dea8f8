/**
 * The per-side index that lets a reader resolve references across objects, and how the review feeds
 * it: reviewed files and context files, of every kind, context never listed or reported.
 */
import { describe, expect, it } from "vitest";
import {
  attachedListeners,
  attachedRoutes,
  buildObjectIndex,
  EMPTY_INDEX,
  gatewayListeners,
  gatewayParentRefs,
  intersectHostname,
  NAME_LABEL,
  namespaceLabels,
  routesNaming,
  routesOn,
  selectorAdmits,
  type GatewayListener,
  type ParentRef,
} from "../../src/core/graph.js";
import type { ManifestObject } from "../../src/core/model.js";
import { isExposureObject, objectId } from "../../src/core/objects.js";
import { review } from "../../src/core/review.js";
import { objectsFromYaml } from "../helpers/object.js";

const objectsOf = (path: string, text: string): ManifestObject[] => objectsFromYaml(text, path);

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

describe("Gateway API attachment", () => {
  it("intersects hostnames as the Gateway API does: wildcards are suffix matches on either side", () => {
    expect(intersectHostname("shop.example.com", undefined)).toBe("shop.example.com");
    expect(intersectHostname("Shop.Example.com", "shop.example.com")).toBe("shop.example.com");
    expect(intersectHostname("a.b.example.com", "*.example.com")).toBe("a.b.example.com");
    expect(intersectHostname("example.com", "*.example.com")).toBeUndefined();
    expect(intersectHostname("*.example.com", "shop.example.com")).toBe("shop.example.com");
    expect(intersectHostname("*.a.example.com", "*.example.com")).toBe("*.a.example.com");
    expect(intersectHostname("*.example.com", "*.a.example.com")).toBe("*.a.example.com");
    expect(intersectHostname("shop.example.org", "*.example.com")).toBeUndefined();
    expect(intersectHostname("badexample.com", "*.example.com")).toBeUndefined();
  });

  it("evaluates a namespace selector on the Namespace's labels, and admits when they are unknown", () => {
    const selector = { matchLabels: { team: "shop" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["internal"] }] };
    expect(selectorAdmits(selector, "shop", { team: "shop" })).toBe(true);
    expect(selectorAdmits(selector, "shop", { team: "shop", tier: "internal" })).toBe(false);
    expect(selectorAdmits(selector, "blog", { team: "blog" })).toBe(false);
    expect(selectorAdmits(selector, "blog", undefined)).toBe(true);
    // Only the name label: known without the Namespace object.
    const byName = { matchLabels: {}, matchExpressions: [{ key: NAME_LABEL, operator: "In", values: ["shop"] }] };
    expect(selectorAdmits(byName, "shop", undefined)).toBe(true);
    expect(selectorAdmits(byName, "blog", undefined)).toBe(false);
    expect(selectorAdmits({ matchLabels: {}, matchExpressions: [{ key: "x", operator: "Exists", values: [] }] }, "a", {})).toBe(false);
    expect(selectorAdmits({ matchLabels: {}, matchExpressions: [{ key: "x", operator: "DoesNotExist", values: [] }] }, "a", {})).toBe(true);
  });

  const side = objectsOf(
    "gw.yaml",
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: infra }
spec:
  gatewayClassName: envoy
  listeners:
    - { name: http, protocol: HTTP, port: 80, allowedRoutes: { namespaces: { from: All } } }
    - { name: https, protocol: HTTPS, port: 443, hostname: "*.example.com", allowedRoutes: { namespaces: { from: All } } }
    - { name: tcp, protocol: TCP, port: 5432, hostname: ignored.example.com, allowedRoutes: { namespaces: { from: All } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  parentRefs: [{ name: public, namespace: infra }, { name: public, namespace: infra, port: 443 }]
  hostnames: [web.example.com]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: { name: db, namespace: shop }
spec:
  parentRefs: [{ name: public, namespace: infra, sectionName: tcp }]
`,
  );
  const index = buildObjectIndex(side);
  const [gateway, web, db] = side as [ManifestObject, ManifestObject, ManifestObject];

  it("reads listeners: protocol, TLS, hostname only where the protocol routes by name", () => {
    expect(gatewayListeners(gateway).map(({ name, protocol, port, hostname, tls, routesFrom }) => ({ name, protocol, port, hostname, tls, routesFrom }))).toEqual([
      { name: "http", protocol: "HTTP", port: 80, hostname: undefined, tls: false, routesFrom: "All" },
      { name: "https", protocol: "HTTPS", port: 443, hostname: "*.example.com", tls: true, routesFrom: "All" },
      { name: "tcp", protocol: "TCP", port: 5432, hostname: undefined, tls: false, routesFrom: "All" },
    ]);
  });

  it("attaches by port and by the kinds a protocol admits", () => {
    const [all, onlyHttps] = gatewayParentRefs(web) as [ParentRef, ParentRef];
    expect(attachedListeners(web, all, gateway, index).map(({ listener, hostnames }) => [listener.name, hostnames.map((h) => h.host)])).toEqual([
      ["http", ["web.example.com"]],
      ["https", ["web.example.com"]],
    ]);
    expect(attachedListeners(web, onlyHttps, gateway, index).map(({ listener }) => listener.name)).toEqual(["https"]);
    expect(attachedListeners(db, gatewayParentRefs(db)[0]!, gateway, index).map(({ listener }) => listener.name)).toEqual(["tcp"]);
  });

  it("finds the routes attached to a listener, once per side", () => {
    const [http, , tcp] = gatewayListeners(gateway) as [GatewayListener, GatewayListener, GatewayListener];
    expect(routesOn(index, gateway, http).map((route) => route.name)).toEqual(["web"]);
    expect(routesOn(index, gateway, tcp).map((route) => route.name)).toEqual(["db"]);
    expect(routesNaming(index, "infra/public")).toBe(routesNaming(index, "infra/public"));
    // Attachment per Gateway is computed once per side, whichever listener or entry asks.
    expect(attachedRoutes(index, gateway)).toBe(attachedRoutes(index, gateway));
    expect(attachedRoutes(index, gateway).map(({ route, listeners }) => [route.name, listeners.map((listener) => listener.name)])).toEqual([
      ["web", ["http", "https"]],
      ["db", ["tcp"]],
    ]);
  });
});
