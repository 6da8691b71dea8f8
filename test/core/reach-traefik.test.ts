import { describe, expect, it } from "vitest";
import { ingressRouteTcpReach } from "../../src/core/reach/ingress-route-tcp.js";
import { ingressRouteReach } from "../../src/core/reach/ingress-route.js";
import { parseMatchRule } from "../../src/core/reach/traefik.js";
import { objectFromYaml } from "../helpers/object.js";

const OPTIONS = { internalEntryPoints: ["internal", "lan"] };

function ingressRoute(entryPoints: string, match: string, tls = "", group = "traefik.io/v1alpha1"): string {
  return `apiVersion: ${group}
kind: IngressRoute
metadata:
  name: store
  namespace: shop
spec:
${entryPoints}  routes:
  - kind: Rule
    match: ${match}
    services:
    - name: store
      port: 80
${tls}`;
}

describe("ingressRouteReach", () => {
  it("is public on a named entry point that is not internal, pointing at it; Host x PathPrefix are the entry points", () => {
    const reach = ingressRouteReach(
      objectFromYaml(ingressRoute("  entryPoints: [internal, websecure]\n", "Host(`shop.example.com`) && (PathPrefix(`/api`) || PathPrefix(`/v2`))")),
      OPTIONS,
    );
    expect(reach).toEqual({
      level: "public",
      levelLine: 7,
      why: ["entry point websecure is not an internal entry point"],
      entryPoints: [
        { key: "shop.example.com/api", kind: "route", host: "shop.example.com", path: "/api", tls: false, line: 10, backend: { service: "store", port: 80 } },
        { key: "shop.example.com/v2", kind: "route", host: "shop.example.com", path: "/v2", tls: false, line: 10, backend: { service: "store", port: 80 } },
      ],
    });
  });

  it("is private when every entry point is internal (older traefik.containo.us group too)", () => {
    const reach = ingressRouteReach(
      objectFromYaml(ingressRoute("  entryPoints:\n  - internal\n  - lan\n", "Host(`shop.internal`)", "", "traefik.containo.us/v1alpha1")),
      OPTIONS,
    );
    expect(reach.level).toBe("private");
    expect(reach.levelLine).toBe(7);
    expect(reach.why).toEqual(["entry points internal, lan are internal (traefik.internalEntryPoints)"]);
  });

  it("is public without entryPoints (every default entry point), the kind line deciding", () => {
    const reach = ingressRouteReach(objectFromYaml(ingressRoute("", "PathPrefix(`/`)")), OPTIONS);
    expect(reach).toMatchObject({ level: "public", levelLine: 2, why: ["no entryPoints: served on every default entry point"] });
    expect(reach.entryPoints.map((entryPoint) => entryPoint.key)).toEqual(["*/"]);
  });

  it("has TLS when spec.tls is set, even empty (the default certificate)", () => {
    const withSecret = ingressRouteReach(objectFromYaml(ingressRoute("", "Host(`a.example.com`)", "  tls:\n    secretName: a-cert\n")), OPTIONS);
    expect(withSecret.entryPoints.map((entryPoint) => entryPoint.tls)).toEqual([true]);
    const empty = ingressRouteReach(objectFromYaml(ingressRoute("", "Host(`a.example.com`)", "  tls: {}\n")), OPTIONS);
    expect(empty.entryPoints.map((entryPoint) => entryPoint.tls)).toEqual([true]);
  });
});

describe("parseMatchRule", () => {
  it.each([
    { rule: "Host(`a.example.com`, `B.example.com`)", hosts: ["a.example.com", "b.example.com"], paths: ["/"] },
    { rule: 'Host("a.example.com") || Host(`c.example.com`) && Path(`/exact`)', hosts: ["a.example.com", "c.example.com"], paths: ["/exact"] },
    { rule: "HostRegexp(`^.+\\.example\\.com$`) && PathPrefix(`/x`)", hosts: ["*"], paths: ["/x"] },
    { rule: "Headers(`X-Env`, `prod`)", hosts: ["*"], paths: ["/"] },
    { rule: "HostSNI(`*`)", hosts: ["*"], paths: ["/"] },
    { rule: "", hosts: ["*"], paths: ["/"] },
  ])("$rule", ({ rule, hosts, paths }) => {
    expect(parseMatchRule(rule)).toEqual({ hosts, paths });
  });
});

describe("ingressRouteTcpReach", () => {
  const tcp = (match: string, tls: string) =>
    objectFromYaml(`apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata:
  name: db
  namespace: data
spec:
  entryPoints: [postgres]
  routes:
  - match: ${match}
    services:
    - name: db
      port: 5432
${tls}`);

  it("plain TCP: protocol TCP, no TLS, the backend port kept for sensitive-port-exposed", () => {
    expect(ingressRouteTcpReach(tcp("HostSNI(`*`)", ""), OPTIONS)).toEqual({
      level: "public",
      levelLine: 7,
      why: ["entry point postgres is not an internal entry point"],
      entryPoints: [{ key: "tcp:*", kind: "route", protocol: "TCP", host: "*", path: "/", tls: false, line: 9, backend: { service: "db", port: 5432 } }],
    });
  });

  it("TLS passthrough: protocol TLS, with TLS, under the same key", () => {
    const reach = ingressRouteTcpReach(tcp("HostSNI(`db.example.com`)", "  tls:\n    passthrough: true\n"), OPTIONS);
    expect(reach.entryPoints).toEqual([
      { key: "tcp:db.example.com", kind: "route", protocol: "TLS", host: "db.example.com", path: "/", tls: true, line: 9, backend: { service: "db", port: 5432 } },
    ]);
  });
});
