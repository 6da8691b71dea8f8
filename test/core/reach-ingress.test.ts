import { describe, expect, it } from "vitest";
import type { Reach } from "../../src/core/model.js";
import { ingressReach } from "../../src/core/reach/ingress.js";
import { hostMatches, tlsCoversHost } from "../../src/core/reach/tls.js";
import { objectFromYaml } from "../helpers/object.js";

function reachOf(text: string, internalClasses: string[] = []): Reach {
  return ingressReach(objectFromYaml(text), { internalClasses });
}

/** A v1 Ingress; `metadata` lines 5.., then `spec` with `extraSpec` first, then one rule for shop.example.com. */
function ingress(annotations: string, extraSpec = ""): string {
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
${annotations === "" ? "" : `  annotations:\n${annotations}\n`}spec:
${extraSpec}  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: shop
            port:
              number: 80
`;
}

describe("ingressReach: level", () => {
  it.each([
    {
      name: "no class: public, the kind line decides",
      text: ingress(""),
      internalClasses: [],
      expected: { level: "public", levelLine: 2, why: ["no ingress class: the cluster's default controller serves it"], ingressClass: undefined },
    },
    {
      name: "a public class",
      text: ingress("", "  ingressClassName: nginx\n"),
      internalClasses: ["nginx-internal"],
      expected: {
        level: "public",
        levelLine: 6,
        why: ["ingress class nginx is not an internal class"],
        ingressClass: { name: "nginx", line: 6 },
      },
    },
    {
      name: "a class configured as internal",
      text: ingress("", "  ingressClassName: nginx-internal\n"),
      internalClasses: ["nginx-internal"],
      expected: {
        level: "private",
        levelLine: 6,
        why: ["ingress class nginx-internal is configured as internal"],
        ingressClass: { name: "nginx-internal", line: 6 },
      },
    },
    {
      name: "the legacy class annotation",
      text: ingress("    kubernetes.io/ingress.class: nginx-internal"),
      internalClasses: ["nginx-internal"],
      expected: {
        level: "private",
        levelLine: 6,
        why: ["ingress class nginx-internal is configured as internal"],
        ingressClass: { name: "nginx-internal", line: 6 },
      },
    },
    {
      name: "spec.ingressClassName wins over the annotation",
      text: ingress("    kubernetes.io/ingress.class: nginx-internal", "  ingressClassName: nginx\n"),
      internalClasses: ["nginx-internal"],
      expected: {
        level: "public",
        levelLine: 8,
        why: ["ingress class nginx is not an internal class"],
        ingressClass: { name: "nginx", line: 8 },
      },
    },
    {
      name: "alb without a scheme: the controller's default internal",
      text: ingress("", "  ingressClassName: alb\n"),
      internalClasses: [],
      expected: {
        level: "private",
        levelLine: 6,
        why: ["AWS Load Balancer Controller (default scheme internal)"],
        ingressClass: { name: "alb", line: 6 },
      },
    },
    {
      name: "alb with scheme internal",
      text: ingress("    alb.ingress.kubernetes.io/scheme: internal", "  ingressClassName: alb\n"),
      internalClasses: [],
      expected: {
        level: "private",
        levelLine: 6,
        why: ["alb.ingress.kubernetes.io/scheme: internal"],
        ingressClass: { name: "alb", line: 8 },
      },
    },
    {
      name: "alb with scheme internet-facing",
      text: ingress("    kubernetes.io/ingress.class: alb\n    alb.ingress.kubernetes.io/scheme: internet-facing"),
      internalClasses: [],
      expected: {
        level: "public",
        levelLine: 7,
        why: ["alb.ingress.kubernetes.io/scheme: internet-facing"],
        ingressClass: { name: "alb", line: 6 },
      },
    },
    {
      name: "gce-internal",
      text: ingress("    kubernetes.io/ingress.class: gce-internal"),
      internalClasses: [],
      expected: {
        level: "private",
        levelLine: 6,
        why: ["ingress class gce-internal (GKE internal load balancer)"],
        ingressClass: { name: "gce-internal", line: 6 },
      },
    },
    {
      name: "gce is public",
      text: ingress("    kubernetes.io/ingress.class: gce"),
      internalClasses: [],
      expected: {
        level: "public",
        levelLine: 6,
        why: ["ingress class gce is not an internal class"],
        ingressClass: { name: "gce", line: 6 },
      },
    },
  ])("$name", ({ text, internalClasses, expected }) => {
    const reach = reachOf(text, internalClasses);
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why, ingressClass: reach.ingressClass }).toEqual(expected);
  });
});

describe("ingressReach: allow-lists", () => {
  it.each([
    ["nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8,192.168.0.0/16", "private", ["10.0.0.0/8", "192.168.0.0/16"]],
    ["nginx.ingress.kubernetes.io/allowlist-source-range", "10.0.0.0/8", "private", ["10.0.0.0/8"]],
    ["alb.ingress.kubernetes.io/inbound-cidrs", "203.0.113.0/24, 2001:db8::/32", "private", ["203.0.113.0/24", "2001:db8::/32"]],
    ["nginx.ingress.kubernetes.io/whitelist-source-range", "10.0.0.0/8, 0.0.0.0/0", "public", ["10.0.0.0/8", "0.0.0.0/0"]],
    ["alb.ingress.kubernetes.io/inbound-cidrs", "::/0", "public", ["::/0"]],
  ])("%s: %j → %s", (key, value, level, cidrs) => {
    const reach = reachOf(ingress(`    ${key}: "${value}"`, "  ingressClassName: nginx\n"));
    expect({ level: reach.level, allowList: reach.allowList }).toEqual({ level, allowList: { cidrs, source: key, line: 6 } });
    if (level === "private") expect({ levelLine: reach.levelLine, why: reach.why }).toEqual({ levelLine: 6, why: [`allow-list ${cidrs.join(", ")}`] });
    else expect(reach.why).toEqual(["ingress class nginx is not an internal class", `allow-list ${cidrs.join(", ")} admits every address`]);
  });

  it("reads only inbound-cidrs on an alb Ingress: the ALB controller ignores nginx annotations", () => {
    const reach = reachOf(
      ingress(
        `    alb.ingress.kubernetes.io/scheme: internet-facing\n    nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8"`,
        "  ingressClassName: alb\n",
      ),
    );
    expect({ level: reach.level, allowList: reach.allowList }).toEqual({ level: "public", allowList: undefined });
  });

  it("reads allowlist-source-range before its legacy alias", () => {
    const reach = reachOf(
      ingress(
        `    nginx.ingress.kubernetes.io/whitelist-source-range: "0.0.0.0/0"\n    nginx.ingress.kubernetes.io/allowlist-source-range: "10.0.0.0/8"`,
      ),
    );
    expect(reach.allowList).toEqual({ cidrs: ["10.0.0.0/8"], source: "nginx.ingress.kubernetes.io/allowlist-source-range", line: 7 });
    expect(reach.level).toBe("private");
  });
});

describe("ingressReach: entry points", () => {
  it("reads every host and path of v1 rules, hosts lowercased, with backends and lines", () => {
    const reach = reachOf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
  - host: Shop.Example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 8080
      - pathType: Prefix
        backend:
          service:
            name: web
            port:
              name: http
  - http:
      paths:
      - path: /health
        pathType: Exact
        backend:
          service:
            name: health
            port:
              number: 9000
  - host: bare.example.com
`);
    expect(reach.entryPoints).toEqual([
      { key: "shop.example.com/api", kind: "route", host: "shop.example.com", path: "/api", backend: { service: "api", port: 8080 }, tls: false, line: 8 },
      { key: "shop.example.com/", kind: "route", host: "shop.example.com", path: "/", backend: { service: "web", port: "http" }, tls: false, line: 8 },
      { key: "*/health", kind: "route", host: "*", path: "/health", backend: { service: "health", port: 9000 }, tls: false, line: 26 },
      { key: "bare.example.com/", kind: "route", host: "bare.example.com", path: "/", tls: false, line: 33 },
    ]);
  });

  it("reads extensions/v1beta1 backends and spec.backend as the catch-all", () => {
    const reach = reachOf(`apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: legacy
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  backend:
    serviceName: fallback
    servicePort: 80
  rules:
  - host: legacy.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: legacy
          servicePort: http
`);
    expect(reach.entryPoints).toEqual([
      { key: "legacy.example.com/", kind: "route", host: "legacy.example.com", path: "/", backend: { service: "legacy", port: "http" }, tls: false, line: 12 },
      { key: "*/", kind: "route", host: "*", path: "/", backend: { service: "fallback", port: 80 }, tls: false, line: 8 },
    ]);
  });

  it("reads spec.defaultBackend as the catch-all", () => {
    const reach = reachOf(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: catch-all
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
`);
    expect(reach.entryPoints).toEqual([
      { key: "*/", kind: "route", host: "*", path: "/", backend: { service: "web", port: 80 }, tls: false, line: 6 },
    ]);
  });
});

describe("ingressReach: TLS", () => {
  const withTls = (tls: string, annotations = "") => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
    kubernetes.io/ingress.class: nginx
${annotations}spec:
${tls}  defaultBackend:
    service: { name: web, port: { number: 80 } }
  rules:
  - host: a.example.com
  - host: a.b.example.com
  - host: example.com
  - host: "*.example.com"
`;
  const tlsByKey = (reach: Reach) => Object.fromEntries(reach.entryPoints.map((entryPoint) => [entryPoint.key, entryPoint.tls]));

  it.each([
    {
      name: "wildcard covers one more label only",
      tls: "  tls:\n  - hosts: [\"*.example.com\"]\n    secretName: wildcard\n",
      annotations: "",
      expected: { "a.example.com/": true, "a.b.example.com/": false, "example.com/": false, "*.example.com/": true, "*/": false },
    },
    {
      name: "exact hosts compare case-insensitively",
      tls: "  tls:\n  - hosts: [EXAMPLE.com, A.B.Example.Com]\n",
      annotations: "",
      expected: { "a.example.com/": false, "a.b.example.com/": true, "example.com/": true, "*.example.com/": false, "*/": false },
    },
    {
      name: "an entry without hosts covers the catch-all only",
      tls: "  tls:\n  - secretName: default-cert\n",
      annotations: "",
      expected: { "a.example.com/": false, "a.b.example.com/": false, "example.com/": false, "*.example.com/": false, "*/": true },
    },
    {
      name: "ALB certificate-arn covers every host",
      tls: "",
      annotations: "    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:1:certificate/x\n",
      expected: { "a.example.com/": true, "a.b.example.com/": true, "example.com/": true, "*.example.com/": true, "*/": true },
    },
    {
      name: "ALB certificate-arn on HTTP-only listen-ports covers nothing",
      tls: "",
      annotations:
        "    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:1:certificate/x\n    alb.ingress.kubernetes.io/listen-ports: '[{\"HTTP\": 80}]'\n",
      expected: { "a.example.com/": false, "a.b.example.com/": false, "example.com/": false, "*.example.com/": false, "*/": false },
    },
    {
      name: "GKE managed certificates cover every host",
      tls: "",
      annotations: "    networking.gke.io/managed-certificates: shop-cert\n",
      expected: { "a.example.com/": true, "a.b.example.com/": true, "example.com/": true, "*.example.com/": true, "*/": true },
    },
  ])("$name", ({ tls, annotations, expected }) => {
    expect(tlsByKey(reachOf(withTls(tls, annotations)))).toEqual(expected);
  });

  it.each([
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "a.b.example.com", false],
    ["*.example.com", "example.com", false],
    ["*.example.com", "*.example.com", true],
    ["Shop.Example.com.", "shop.example.com", true],
    ["*.example.com", "*", false],
  ])("hostMatches(%j, %j) → %s", (certificate, host, expected) => {
    expect(hostMatches(certificate, host)).toBe(expected);
  });

  it("ignores a tls value that is not a list", () => {
    expect(tlsCoversHost({ hosts: ["a.example.com"] }, "a.example.com")).toBe(false);
  });
});
