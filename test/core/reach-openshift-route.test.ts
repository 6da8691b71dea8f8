import { describe, expect, it } from "vitest";
import { openshiftRouteReach, routeBackends } from "../../src/core/reach/openshift-route.js";
import { objectFromYaml } from "../helpers/object.js";

function route(spec: string, annotations = ""): string {
  return `apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: store
  namespace: shop
${annotations}spec:
${spec}  to:
    kind: Service
    name: store
  port:
    targetPort: http
`;
}

describe("openshiftRouteReach", () => {
  it("is public; host + path with TLS when tls.termination is set", () => {
    const reach = openshiftRouteReach(
      objectFromYaml(route("  host: shop.example.com\n  path: /api\n  tls:\n    termination: edge\n    insecureEdgeTerminationPolicy: Redirect\n")),
    );
    expect(reach).toEqual({
      level: "public",
      levelLine: 2,
      why: ["served by the cluster's default router"],
      entryPoints: [
        { key: "shop.example.com/api", kind: "route", host: "shop.example.com", path: "/api", tls: true, line: 7, backend: { service: "store", port: "http" } },
      ],
    });
  });

  it("adds a plain-HTTP entry point under the same key with insecureEdgeTerminationPolicy: Allow", () => {
    const reach = openshiftRouteReach(objectFromYaml(route("  host: shop.example.com\n  tls:\n    termination: edge\n    insecureEdgeTerminationPolicy: Allow\n")));
    expect(reach.entryPoints.map(({ key, tls, protocol, line }) => ({ key, tls, protocol, line }))).toEqual([
      { key: "shop.example.com/", tls: false, protocol: "HTTP", line: 10 },
      { key: "shop.example.com/", tls: true, protocol: undefined, line: 7 },
    ]);
  });

  it("has no TLS without tls.termination", () => {
    const reach = openshiftRouteReach(objectFromYaml(route("  host: shop.example.com\n")));
    expect(reach.entryPoints.map((entryPoint) => entryPoint.tls)).toEqual([false]);
  });

  it("serves every sibling name with wildcardPolicy: Subdomain", () => {
    const reach = openshiftRouteReach(objectFromYaml(route("  host: www.example.com\n  wildcardPolicy: Subdomain\n")));
    expect(reach.entryPoints.map((entryPoint) => entryPoint.host)).toEqual(["*.example.com"]);
  });

  it("without host, serves the name the router generates, pointing at spec.to", () => {
    const reach = openshiftRouteReach(objectFromYaml(route("")));
    expect(reach.entryPoints.map(({ host, line }) => ({ host, line }))).toEqual([{ host: "store-shop.<router domain>", line: 7 }]);
  });

  it("is private behind a restrictive ip_allowlist (space-separated), public with an open one", () => {
    const restricted = openshiftRouteReach(
      objectFromYaml(route("  host: a.example.com\n", "  annotations:\n    haproxy.router.openshift.io/ip_allowlist: 10.0.0.0/8 192.168.1.7\n")),
    );
    expect(restricted).toMatchObject({
      level: "private",
      levelLine: 7,
      why: ["allow-list 10.0.0.0/8, 192.168.1.7"],
      allowList: { cidrs: ["10.0.0.0/8", "192.168.1.7"], source: "haproxy.router.openshift.io/ip_allowlist", line: 7 },
    });
    const open = openshiftRouteReach(objectFromYaml(route("  host: a.example.com\n", "  annotations:\n    haproxy.router.openshift.io/ip_whitelist: 0.0.0.0/0\n")));
    expect(open).toMatchObject({ level: "public", why: ["allow-list 0.0.0.0/0 admits every address"] });
  });

  it("lists spec.to and the Service alternate backends, with the target port", () => {
    const object = objectFromYaml(
      route("  host: a.example.com\n  alternateBackends:\n  - kind: Service\n    name: store-canary\n    weight: 10\n  - kind: Other\n    name: x\n"),
    );
    expect(routeBackends(object)).toEqual([
      { service: "store", targetPort: "http" },
      { service: "store-canary", targetPort: "http" },
    ]);
  });
});
