/**
 * Exposure paths resolved on one side: backends → Services → workloads, for each kind that routes
 * traffic. Objects are parsed with the real parser and indexed as the review indexes a side.
 */
import { describe, expect, it } from "vitest";
import { exposesOf } from "../../src/core/exposes.js";
import { buildObjectIndex } from "../../src/core/graph.js";
import type { Exposure, ManifestObject } from "../../src/core/model.js";
import { readReach } from "../../src/core/reach/index.js";
import { review } from "../../src/core/review.js";
import { exposurePathLine } from "../../src/report/path.js";
import { objectsFromYaml } from "../helpers/object.js";

const ISTIO = { internalGateways: [{ istio: "ilbgateway" }] };

/** Reviews `kind/namespace/name` of a side made of `text` (several documents). */
function exposes(text: string, id: string): Exposure[] | undefined {
  const objects = objectsFromYaml(text, "side.yaml");
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
      {
        service: "shop/web",
        port: 80,
        workloads: WEB_WORKLOADS,
        found: true,
        route: "VirtualService/shop/web",
        via: [{ label: "Gateway istio-system/public", ports: [443] }],
      },
    ]);
    expect(exposes(text, "VirtualService/shop/web")).toEqual([
      { service: "shop/web", port: 80, workloads: WEB_WORKLOADS, found: true, via: [{ label: "Gateway istio-system/public", ports: [443] }] },
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

/** A Service on port 80 and the Deployment it selects, both `namespace/name`, as YAML documents. */
function serviceAndDeployment(namespace: string, name: string): string {
  return `---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec: { selector: { app: ${name} }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec: { template: { metadata: { labels: { app: ${name} } } } }
`;
}

/**
 * A Gateway with three listeners: plain HTTP from every namespace, HTTPS on `*.example.com` from the
 * namespaces labelled for it (shop is, blog is not), and HTTPS on 8443 for shop only; a private
 * Gateway `lan`; the Services and Deployments behind the routes.
 */
const GATEWAYS = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: infra }
spec:
  gatewayClassName: envoy
  listeners:
  - { name: http, protocol: HTTP, port: 80, allowedRoutes: { namespaces: { from: All } } }
  - name: https
    protocol: HTTPS
    port: 443
    hostname: "*.example.com"
    tls: { certificateRefs: [{ name: wildcard }] }
    allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { shared-gateway-access: "true" } } } }
  - name: admin
    protocol: HTTPS
    port: 8443
    tls: { certificateRefs: [{ name: admin }] }
    allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { kubernetes.io/metadata.name: shop } } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: lan, namespace: infra }
spec:
  gatewayClassName: gke-l7-rilb
  listeners:
  - { name: http, protocol: HTTP, port: 8080, allowedRoutes: { namespaces: { from: All } } }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { shared-gateway-access: "true" } }
---
apiVersion: v1
kind: Namespace
metadata: { name: blog }
${serviceAndDeployment("shop", "store")}${serviceAndDeployment("blog", "blog")}`;

/** An HTTPRoute `namespace/name` to Service `backend` (its namespace's) on port 80. */
function httpRoute(namespace: string, name: string, spec: string, backend = namespace === "shop" ? "store" : namespace): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}
  rules: [{ backendRefs: [{ name: ${backend}, port: 80 }] }]
`;
}

/** The path line of each object a review of the added tree lists (every object is new, so public ones show theirs). */
function pathLines(text: string): Record<string, string | undefined> {
  const report = review({ base: [], head: [{ path: "tree.yaml", text }] });
  return Object.fromEntries(report.objects.map((object) => [object.id, exposurePathLine(object)]));
}

describe("exposure paths of Gateway API routes: the listeners the route is really attached to", () => {
  const lines = pathLines(
    GATEWAYS +
      httpRoute("shop", "plain", "  parentRefs: [{ name: public, namespace: infra, sectionName: http }]\n  hostnames: [store.example.com]") +
      httpRoute("shop", "admin", "  parentRefs: [{ name: public, namespace: infra, port: 8443 }]") +
      httpRoute("shop", "both", "  parentRefs: [{ name: public, namespace: infra }]\n  hostnames: [store.example.com]") +
      httpRoute("shop", "other-domain", "  parentRefs: [{ name: public, namespace: infra }]\n  hostnames: [store.example.org]") +
      httpRoute("blog", "blog", "  parentRefs: [{ name: public, namespace: infra }]\n  hostnames: [blog.example.com]") +
      httpRoute("blog", "refused", "  parentRefs: [{ name: public, namespace: infra, sectionName: https }, { name: lan, namespace: infra }]") +
      httpRoute("shop", "elsewhere", "  parentRefs: [{ name: edge, namespace: infra }, { name: edge-tls, namespace: infra, port: 443 }]"),
  );

  const STORE_PATH = "→ Service shop/store:80 → Deployment shop/store";
  it.each([
    ["sectionName: only the named listener's port", "shop/plain", `internet → Gateway infra/public :80 → HTTPRoute shop/plain ${STORE_PATH}`],
    ["port: only the listener on that port", "shop/admin", `internet → Gateway infra/public :8443 → HTTPRoute shop/admin ${STORE_PATH}`],
    // shop may use all three listeners; its host is under *.example.com, and the admin listener takes any host.
    ["no sectionName: every listener that admits it, TLS ports first", "shop/both", `internet → Gateway infra/public :443, :8443, :80 → HTTPRoute shop/both ${STORE_PATH}`],
    [
      "hostname intersection: a host outside *.example.com is not on the HTTPS listener",
      "shop/other-domain",
      `internet → Gateway infra/public :8443, :80 → HTTPRoute shop/other-domain ${STORE_PATH}`,
    ],
    [
      "allowedRoutes refusing the namespace: blog is only on the listener open to all",
      "blog/blog",
      "internet → Gateway infra/public :80 → HTTPRoute blog/blog → Service blog/blog:80 → Deployment blog/blog",
    ],
    [
      "a parentRef that does not attach is not on the path: the Gateway that took the route is",
      "blog/refused",
      "private network → Gateway infra/lan :8080 → HTTPRoute blog/refused → Service blog/blog:80 → Deployment blog/blog",
    ],
    [
      "Gateways outside the tree: named, with the port a parentRef asks for (their listeners are unknown)",
      "shop/elsewhere",
      `internet → Gateway infra/edge or Gateway infra/edge-tls :443 → HTTPRoute shop/elsewhere ${STORE_PATH}`,
    ],
  ])("%s", (_case, route, path) => {
    expect(lines[`HTTPRoute/${route}`]).toBe(path);
  });

  it("a Gateway's entry: the routes attached to it, at the ports of the listeners each is on; not a route it refused", () => {
    const report = review({
      base: [],
      head: [
        {
          path: "tree.yaml",
          text:
            GATEWAYS +
            httpRoute("shop", "plain", "  parentRefs: [{ name: public, namespace: infra, sectionName: http }]") +
            httpRoute("blog", "refused", "  parentRefs: [{ name: public, namespace: infra, sectionName: https }]"),
        },
      ],
    });
    const gateway = report.objects.find((object) => object.id === "Gateway.gateway.networking.k8s.io/infra/public");
    expect(gateway?.exposes).toEqual([
      {
        service: "shop/store",
        port: 80,
        workloads: ["Deployment/shop/store"],
        found: true,
        route: "HTTPRoute/shop/plain",
        via: [{ label: "Gateway infra/public", ports: [80] }],
      },
    ]);
    expect(exposurePathLine(gateway!)).toBe("internet → Gateway infra/public :80 → HTTPRoute shop/plain → Service shop/store:80 → Deployment shop/store");
  });
});
