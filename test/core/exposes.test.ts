/**
 * Exposure paths resolved on one side: backends → Services → workloads, for each kind that routes
 * traffic. Objects are parsed with the real parser and indexed as the review indexes a side.
 */
import { describe, expect, it } from "vitest";
import { exposesOf } from "../../src/core/exposes.js";
import { buildObjectIndex } from "../../src/core/graph.js";
import { parseManifestFile } from "../../src/core/manifest.js";
import type { Exposure, ManifestObject } from "../../src/core/model.js";
import { readReach } from "../../src/core/reach/index.js";

const ISTIO = { internalGateways: [{ istio: "ilbgateway" }] };

/** Reviews `kind/namespace/name` of a side made of `text` (several documents). */
function exposes(text: string, id: string): Exposure[] | undefined {
  const objects = parseManifestFile({ path: "side.yaml", text }, "head").objects;
  const index = buildObjectIndex(objects);
  const object = objects.find((candidate) => candidate.id === id) as ManifestObject;
  if (!object) throw new Error(`no ${id} in ${objects.map((o) => o.id).join(", ")}`);
  const reach = readReach(object, { internalClasses: [], istio: ISTIO }, index);
  if (!reach) throw new Error(`${id} has no reach`);
  return exposesOf(object, reach, index, { istio: ISTIO });
}

const WORKLOADS = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: 8080 }
  - { name: admin, port: 9000, targetPort: admin }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template: { metadata: { labels: { app: web, version: v2 } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web-cache, namespace: shop }
spec:
  template: { metadata: { labels: { app: web } } }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: shop }
spec:
  template: { metadata: { labels: { app: agent } } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: web-warmup, namespace: shop }
spec:
  jobTemplate: { spec: { template: { metadata: { labels: { app: web } } } } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate, namespace: shop }
spec:
  template: { metadata: { labels: { app: migrate } } }
---
apiVersion: v1
kind: Pod
metadata: { name: web-debug, namespace: shop, labels: { app: web } }
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: web-old, namespace: shop }
spec:
  template: { metadata: { labels: { app: web } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: other }
spec:
  template: { metadata: { labels: { app: web } } }
---
apiVersion: serving.knative.dev/v1
kind: Deployment
metadata: { name: not-a-workload, namespace: shop }
spec:
  template: { metadata: { labels: { app: web } } }
`;
const WEB_WORKLOADS = ["Deployment/shop/web", "StatefulSet/shop/web-cache", "ReplicaSet/shop/web-old", "CronJob/shop/web-warmup", "Pod/shop/web-debug"];

describe("exposesOf: workloads", () => {
  it("a Service lists each port and the workloads of its namespace whose pod template labels hold its selector", () => {
    expect(exposes(WORKLOADS, "Service/shop/web")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true },
      { service: "shop/web", port: 9000, workloads: WEB_WORKLOADS, found: true },
    ]);
  });

  it("a Service without selector selects nothing; an ExternalName Service exposes nothing of the tree", () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: manual, namespace: shop }
spec:
  ports: [{ port: 5432 }]
---
apiVersion: v1
kind: Service
metadata: { name: saas, namespace: shop }
spec: { type: ExternalName, externalName: api.example.net }
---
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: shop, labels: { app: web } }
`;
    expect(exposes(text, "Service/shop/manual")).toEqual([{ service: "shop/manual", port: 5432, workloads: [], found: true }]);
    expect(exposes(text, "Service/shop/saas")).toEqual([]);
  });
});

describe("exposesOf: backends per kind", () => {
  it("Ingress: each backend in the Ingress namespace; a port name resolves through the Service", () => {
    const text = `${WORKLOADS}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - { path: /, pathType: Prefix, backend: { service: { name: web, port: { name: http } } } }
      - { path: /admin, pathType: Prefix, backend: { service: { name: web, port: { number: 9000 } } } }
      - { path: /gone, pathType: Prefix, backend: { service: { name: gone, port: { name: http } } } }
`;
    expect(exposes(text, "Ingress/shop/web")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true },
      { service: "shop/web", port: 9000, workloads: WEB_WORKLOADS, found: true },
      { service: "shop/gone", port: "http", workloads: [], found: false },
    ]);
  });

  it("VirtualService: short, name.ns (when in the tree) and FQDN destinations; external hosts are not Services", () => {
    const text = `${WORKLOADS}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: edge }
spec:
  hosts: [shop.example.com]
  http:
  - route:
    - destination: { host: web.shop.svc.cluster.local, port: { number: 80 } }
      weight: 90
    - destination: { host: web.shop }
      weight: 10
  - route:
    - destination: { host: canary }
    - destination: { host: api.partner.example.net }
`;
    expect(exposes(text, "VirtualService/edge/web")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true },
      { service: "shop/web", workloads: WEB_WORKLOADS, found: true },
      { service: "edge/canary", workloads: [], found: false },
    ]);
  });

  it("Istio Gateway: the VirtualServices it serves, under their name; not one whose hosts it does not carry", () => {
    const text = `${WORKLOADS}---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: { name: public, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers:
  - port: { number: 443, name: https, protocol: HTTPS }
    hosts: ["shop/*.example.com"]
    tls: { mode: SIMPLE, credentialName: wildcard }
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public]
  http:
  - route:
    - destination: { host: web, port: { number: 80 } }
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: other, namespace: shop }
spec:
  hosts: [shop.example.org]
  gateways: [istio-system/public]
  http:
  - route:
    - destination: { host: web, port: { number: 9000 } }
`;
    expect(exposes(text, "Gateway.networking.istio.io/istio-system/public")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true, route: "VirtualService/shop/web" },
    ]);
    expect(exposes(text, "VirtualService/shop/web")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true, gateway: { label: "Gateway istio-system/public", port: 443 } },
    ]);
  });

  it("IngressRoute: Services in another namespace when named; TraefikServices are not followed", () => {
    const text = `${WORKLOADS}---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: web, namespace: edge }
spec:
  routes:
  - match: Host(\`shop.example.com\`)
    services:
    - { name: web, namespace: shop, port: admin }
    - { name: weighted, kind: TraefikService }
`;
    expect(exposes(text, "IngressRoute/edge/web")).toEqual([{ service: "shop/web", port: 9000, workloads: WEB_WORKLOADS, found: true }]);
  });

  it("OpenShift Route: spec.to and alternate backends; targetPort names the pods' port", () => {
    const text = `${WORKLOADS}---
apiVersion: route.openshift.io/v1
kind: Route
metadata: { name: web, namespace: shop }
spec:
  host: shop.apps.example.com
  to: { kind: Service, name: web }
  alternateBackends: [{ kind: Service, name: web-canary }]
  port: { targetPort: admin }
`;
    expect(exposes(text, "Route/shop/web")).toEqual([
      { service: "shop/web", port: 9000, workloads: WEB_WORKLOADS, found: true },
      { service: "shop/web-canary", port: "admin", workloads: [], found: false },
    ]);
    const byNumber = text.replace("port: { targetPort: admin }", "port: { targetPort: 8080 }");
    expect(exposes(byNumber, "Route/shop/web")?.[0]).toEqual({ service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true });
  });
});
