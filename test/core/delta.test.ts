import { describe, expect, it } from "vitest";
import { exposureChanges, isExposureAnnotation, MAX_CHANGE_LINES } from "../../src/core/delta.js";
import type { ManifestObject } from "../../src/core/model.js";

/** exposureChanges reads only kind and body; the rest is filled so the value is a real ManifestObject. */
function manifestObject(kind: "Service" | "Ingress", body: Record<string, unknown>): ManifestObject {
  return {
    apiVersion: kind === "Service" ? "v1" : "networking.k8s.io/v1",
    kind,
    namespace: "default",
    name: "web",
    id: `${kind}/default/web`,
    file: "k8s/web.yaml",
    line: 1,
    body: { apiVersion: "v1", kind, metadata: { name: "web" }, ...body },
    rangeOf: () => ({ line: 1, column: 1, endLine: 1, endColumn: 1 }),
    sourceLines: [],
  };
}

const service = (spec: Record<string, unknown>, annotations?: Record<string, string>) =>
  manifestObject("Service", { metadata: { name: "web", annotations }, spec });
const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>) =>
  manifestObject("Ingress", { metadata: { name: "web", annotations }, spec });

const backend = (name: string, port: number | string) => ({
  service: { name, port: typeof port === "number" ? { number: port } : { name: port } },
});

describe("exposureChanges: Service", () => {
  it("reads a type change against the ClusterIP default", () => {
    expect(exposureChanges(service({ ports: [{ port: 80 }] }), service({ type: "LoadBalancer", ports: [{ port: 80 }] }))).toEqual([
      "spec.type: ClusterIP → LoadBalancer",
    ]);
  });

  it("names ports by name, and by protocol/port when unnamed", () => {
    const base = service({ ports: [{ name: "http", port: 80 }, { port: 9000, nodePort: 30000 }] });
    const head = service({
      type: "NodePort",
      ports: [{ port: 9000, nodePort: 30001 }, { name: "https", port: 443, protocol: "TCP" }, { name: "http", port: 8080 }],
    });
    expect(exposureChanges(base, head)).toEqual([
      "spec.type: ClusterIP → NodePort",
      "spec.ports[https]: added 443/TCP",
      "spec.ports[9000/TCP].nodePort: 30000 → 30001",
      "spec.ports[http].port: 80 → 8080",
    ]);
  });

  it("shows a swapped unnamed port as removed and added, with the nodePort", () => {
    expect(exposureChanges(service({ ports: [{ port: 80 }] }), service({ ports: [{ port: 5432, nodePort: 30432 }] }))).toEqual([
      "spec.ports: removed 80/TCP",
      "spec.ports: added 5432/TCP (nodePort 30432)",
    ]);
  });

  it("lists source ranges and external IPs by value", () => {
    const base = service({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", "192.168.0.0/16"] });
    const head = service({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"], externalIPs: ["203.0.113.7"] });
    expect(exposureChanges(base, head)).toEqual([
      "spec.loadBalancerSourceRanges: removed 192.168.0.0/16",
      "spec.loadBalancerSourceRanges: added 0.0.0.0/0",
      "spec.externalIPs: added 203.0.113.7",
    ]);
  });

  it("quotes annotation names and values, and ignores annotations that do not bear on exposure", () => {
    const base = service(
      { type: "LoadBalancer" },
      { "service.beta.kubernetes.io/aws-load-balancer-internal": "true", "prometheus.io/scrape": "true" },
    );
    const head = service(
      { type: "LoadBalancer" },
      { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:cert/1", "prometheus.io/scrape": "false" },
    );
    expect(exposureChanges(base, head)).toEqual([
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]: removed (was "true")',
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"]: added "arn:aws:acm:cert/1"',
    ]);
  });

  it("shows scalar fields added, removed and changed", () => {
    const base = service({ type: "ExternalName", externalName: "db.internal" });
    const head = service({ type: "ExternalName", externalName: "db.example.com", loadBalancerClass: "service.k8s.aws/nlb" });
    expect(exposureChanges(base, head)).toEqual([
      "spec.loadBalancerClass: added service.k8s.aws/nlb",
      "spec.externalName: db.internal → db.example.com",
    ]);
  });

  it("is empty when only labels, selectors, target ports, order or written-out defaults change", () => {
    const base = manifestObject("Service", {
      metadata: { name: "web", labels: { app: "web" } },
      spec: { selector: { app: "web" }, ports: [{ name: "a", port: 80, targetPort: 8080 }, { name: "b", port: 81 }] },
    });
    const head = manifestObject("Service", {
      metadata: { name: "web", labels: { app: "web2" } },
      spec: {
        type: "ClusterIP",
        selector: { app: "web2" },
        ports: [{ name: "b", port: 81, protocol: "TCP" }, { name: "a", port: 80, targetPort: 9090 }],
      },
    });
    expect(exposureChanges(base, head)).toEqual([]);
  });
});

describe("exposureChanges: Ingress", () => {
  it("reads class, default backend, rules, paths and TLS changes", () => {
    const base = ingress({
      ingressClassName: "nginx",
      tls: [{ hosts: ["shop.example.com", "api.example.com"], secretName: "shop-tls" }, { hosts: ["old.example.com"] }],
      rules: [
        { host: "shop.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("web", 80) }] } },
        { host: "a.example.com", http: { paths: [] } },
      ],
    });
    const head = ingress({
      tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }],
      defaultBackend: backend("web", "http"),
      rules: [
        { host: "a.example.com", http: { paths: [] } },
        {
          host: "shop.example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: backend("web", 8080) },
              { path: "/api", backend: { serviceName: "api", servicePort: 80 } },
            ],
          },
        },
        { http: { paths: [{ path: "/", backend: backend("web", 80) }] } },
      ],
    });
    expect(exposureChanges(base, head)).toEqual([
      "spec.ingressClassName: removed (was nginx)",
      "spec.defaultBackend: added web:http",
      "spec.rules[*]: added / → web:80",
      "spec.rules[shop.example.com].paths: added /api → api:80",
      "spec.rules[shop.example.com].paths[/].backend: web:80 → web:8080",
      "spec.tls: removed hosts old.example.com",
      "spec.tls[shop-tls].hosts: removed api.example.com",
    ]);
  });

  it("says which hosts lost TLS when the whole tls section goes", () => {
    const rules = [{ host: "shop.example.com", http: { paths: [{ path: "/", backend: backend("web", 80) }] } }];
    expect(
      exposureChanges(ingress({ rules, tls: [{ hosts: ["shop.example.com"], secretName: "shop-tls" }] }), ingress({ rules })),
    ).toEqual(["spec.tls: removed hosts shop.example.com"]);
  });

  it("reads the ingress.class annotation and allow-lists", () => {
    const base = ingress({}, { "kubernetes.io/ingress.class": "nginx-internal" });
    const head = ingress(
      {},
      { "kubernetes.io/ingress.class": "nginx", "nginx.ingress.kubernetes.io/whitelist-source-range": "10.0.0.0/8" },
    );
    expect(exposureChanges(base, head)).toEqual([
      'metadata.annotations["kubernetes.io/ingress.class"]: "nginx-internal" → "nginx"',
      'metadata.annotations["nginx.ingress.kubernetes.io/whitelist-source-range"]: added "10.0.0.0/8"',
    ]);
  });
});

describe("exposureChanges: limits", () => {
  it("is empty for an added or removed object", () => {
    expect(exposureChanges(undefined, service({ type: "LoadBalancer" }))).toEqual([]);
    expect(exposureChanges(service({ type: "LoadBalancer" }), undefined)).toEqual([]);
  });

  it(`keeps at most ${MAX_CHANGE_LINES} lines and says how many more there are`, () => {
    const hosts = Array.from({ length: 14 }, (_, index) => `h${String(index).padStart(2, "0")}.example.com`);
    const head = ingress({ rules: hosts.map((host) => ({ host, http: { paths: [{ path: "/", backend: backend("web", 80) }] } })) });
    const lines = exposureChanges(ingress({}), head);
    expect(lines).toHaveLength(MAX_CHANGE_LINES);
    expect(lines[0]).toBe("spec.rules[h00.example.com]: added / → web:80");
    expect(lines[8]).toBe("spec.rules[h08.example.com]: added / → web:80");
    expect(lines[9]).toBe("… and 5 more");
  });
});

describe("isExposureAnnotation", () => {
  it.each([
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", true],
    ["networking.gke.io/load-balancer-type", true],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", true],
    ["service.beta.kubernetes.io/do-loadbalancer-certificate-id", true],
    ["nginx.ingress.kubernetes.io/allowlist-source-range", true],
    ["alb.ingress.kubernetes.io/inbound-cidrs", true],
    ["nginx.ingress.kubernetes.io/force-ssl-redirect", true],
    ["kubernetes.io/ingress.allow-http", true],
    ["exposure-review.io/allow", true],
    ["prometheus.io/scrape", false],
    ["kubectl.kubernetes.io/last-applied-configuration", false],
  ])("%s → %s", (name, expected) => {
    expect(isExposureAnnotation(name)).toBe(expected);
  });
});
