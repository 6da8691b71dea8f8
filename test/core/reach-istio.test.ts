import { describe, expect, it } from "vitest";
import type { ManifestObject } from "../../src/core/model.js";
import { istioGatewayReach, splitServerHost } from "../../src/core/reach/istio-gateway.js";
import { serverHostCarries, virtualServiceReach, type ObjectLookup } from "../../src/core/reach/virtual-service.js";
import { objectFromYaml } from "../helpers/object.js";

const INTERNAL = { internalGateways: [{ istio: "ilbgateway" }] };

/** An Istio Gateway in istio-system with `selector` and `servers` as YAML text (indented under spec). */
function gateway(name: string, selector: string, servers: string, apiVersion = "networking.istio.io/v1"): ManifestObject {
  return objectFromYaml(`apiVersion: ${apiVersion}
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-system
spec:
  selector:
${selector}
  servers:
${servers}`);
}

const HTTPS_SERVER = `  - port:
      number: 443
      name: https
      protocol: HTTPS
    hosts:
    - "shop/shop.example.com"
    tls:
      mode: SIMPLE
      credentialName: shop-cert
`;
const REDIRECT_SERVER = `  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*/shop.example.com"
    tls:
      httpsRedirect: true
`;
const PLAIN_SERVER = `  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "shop.example.com"
`;

function lookupOf(...objects: ManifestObject[]): ObjectLookup {
  return {
    find: (kind, namespace, name, group) =>
      objects.find(
        (object) =>
          object.kind === kind &&
          object.namespace === namespace &&
          object.name === name &&
          (group === undefined || object.apiVersion.startsWith(`${group}/`)),
      ),
  };
}

describe("istioGatewayReach", () => {
  it("is public with the ingress gateway selector; one entry point per server host, keyed by host and port", () => {
    const reach = istioGatewayReach(gateway("public", "    istio: ingressgateway", HTTPS_SERVER + PLAIN_SERVER), INTERNAL);
    expect(reach.level).toBe("public");
    expect(reach.levelLine).toBe(7);
    expect(reach.why).toEqual(["selector istio=ingressgateway is not an internal gateway"]);
    expect(reach.entryPoints).toEqual([
      { key: "shop.example.com:443", kind: "port", protocol: "HTTPS", port: 443, host: "shop.example.com", tls: true, line: 15 },
      { key: "shop.example.com:80", kind: "port", protocol: "HTTP", port: 80, host: "shop.example.com", tls: false, line: 24 },
    ]);
  });

  it("is private when the selector holds an istio.internalGateways entry, pointing at that label", () => {
    const reach = istioGatewayReach(gateway("internal", "    app: edge\n    istio: ilbgateway", PLAIN_SERVER), INTERNAL);
    expect(reach.level).toBe("private");
    expect(reach.levelLine).toBe(9);
    expect(reach.why).toEqual(["selector istio=ilbgateway is an internal gateway (istio.internalGateways)"]);
  });

  it("is public when the internal entry holds a label the selector does not", () => {
    const reach = istioGatewayReach(gateway("edge", "    istio: ilbgateway", PLAIN_SERVER), { internalGateways: [{ istio: "ilbgateway", zone: "a" }] });
    expect(reach.level).toBe("public");
  });

  it("counts an https-redirect server as serving nothing in plain text", () => {
    const reach = istioGatewayReach(gateway("public", "    istio: ingressgateway", REDIRECT_SERVER, "networking.istio.io/v1alpha3"), INTERNAL);
    expect(reach.entryPoints).toEqual([
      { key: "shop.example.com:80", kind: "port", protocol: "HTTP", port: 80, host: "shop.example.com", tls: true, redirectsToHttps: true, line: 15 },
    ]);
  });

  it("reads a server host's namespace part off and keeps `*` as the catch-all", () => {
    expect(splitServerHost("shop/Shop.Example.com")).toEqual({ namespace: "shop", host: "shop.example.com" });
    expect(splitServerHost("./api.example.com")).toEqual({ namespace: ".", host: "api.example.com" });
    expect(splitServerHost("*")).toEqual({ host: "*" });
    expect(splitServerHost("*/")).toEqual({ namespace: "*", host: "*" });
  });
});

function virtualService(gateways: string, extra = "", hosts = '  - "shop.example.com"\n'): ManifestObject {
  return objectFromYaml(`apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: store
  namespace: shop
spec:
  hosts:
${hosts}${gateways}  http:
  - match:
    - uri:
        prefix: /api
    - uri:
        exact: /login
    route:
    - destination:
        host: store
        port:
          number: 8080
${extra}`);
}

describe("virtualServiceReach", () => {
  const publicGateway = gateway("public", "    istio: ingressgateway", HTTPS_SERVER + REDIRECT_SERVER);
  const plainGateway = gateway("plain", "    istio: ingressgateway", PLAIN_SERVER);
  const internalGateway = gateway("internal", "    istio: ilbgateway", PLAIN_SERVER);

  it("takes the level of its gateway (ns/name) and TLS from the servers that carry its host", () => {
    const reach = virtualServiceReach(virtualService("  gateways:\n  - istio-system/public\n"), INTERNAL, lookupOf(publicGateway));
    expect(reach.level).toBe("public");
    expect(reach.levelLine).toBe(10);
    expect(reach.why).toEqual(["bound to Gateway istio-system/public (public)"]);
    expect(reach.entryPoints).toEqual([
      { key: "shop.example.com/api", kind: "route", host: "shop.example.com", path: "/api", tls: true, line: 8, backend: { service: "store", port: 8080 } },
      { key: "shop.example.com/login", kind: "route", host: "shop.example.com", path: "/login", tls: true, line: 8, backend: { service: "store", port: 8080 } },
    ]);
  });

  it("has no TLS when a plain-HTTP server carries its host", () => {
    const reach = virtualServiceReach(virtualService("  gateways:\n  - istio-system/plain\n"), INTERNAL, lookupOf(plainGateway));
    expect(reach.entryPoints.map((entryPoint) => entryPoint.tls)).toEqual([false, false]);
  });

  it("is cluster with mesh only, or no gateways at all", () => {
    expect(virtualServiceReach(virtualService("  gateways:\n  - mesh\n"), INTERNAL, lookupOf()).level).toBe("cluster");
    const none = virtualServiceReach(virtualService(""), INTERNAL, lookupOf());
    expect(none).toMatchObject({ level: "cluster", levelLine: 2, why: ["no gateways: mesh only"], entryPoints: [] });
  });

  it("takes the highest level of several gateways, and judges TLS on the gateways at that level", () => {
    const reach = virtualServiceReach(
      virtualService("  gateways:\n  - istio-system/internal\n  - istio-system/public\n  - mesh\n"),
      INTERNAL,
      lookupOf(publicGateway, internalGateway),
    );
    expect(reach.level).toBe("public");
    expect(reach.levelLine).toBe(11);
    expect(reach.entryPoints.every((entryPoint) => entryPoint.tls)).toBe(true);
    const internalOnly = virtualServiceReach(virtualService("  gateways:\n  - istio-system/internal\n"), INTERNAL, lookupOf(internalGateway));
    expect(internalOnly.level).toBe("private");
  });

  it("resolves a short gateway name in its own namespace", () => {
    const local = objectFromYaml(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: shop
spec:
  selector:
    istio: ingressgateway
  servers:
${PLAIN_SERVER}`);
    expect(virtualServiceReach(virtualService("  gateways:\n  - edge\n"), INTERNAL, lookupOf(local)).level).toBe("public");
    expect(virtualServiceReach(virtualService("  gateways:\n  - edge\n"), INTERNAL, lookupOf(plainGateway)).why).toEqual([
      "Gateway shop/edge is not in the tree: assumed public, its TLS unknown",
    ]);
  });

  it("assumes public for a gateway outside the tree, with TLS unknown (so no TLS rule fires)", () => {
    const reach = virtualServiceReach(virtualService("  gateways:\n  - istio-system/elsewhere\n"), INTERNAL, lookupOf());
    expect(reach.level).toBe("public");
    expect(reach.entryPoints.map(({ tls, tlsUnknown }) => ({ tls, tlsUnknown }))).toEqual([
      { tls: true, tlsUnknown: true },
      { tls: true, tlsUnknown: true },
    ]);
  });

  it("is not served by a gateway none of whose servers carries its hosts, nor one whose host namespace excludes it", () => {
    const other = virtualService("  gateways:\n  - istio-system/public\n", "", '  - "other.example.com"\n');
    expect(virtualServiceReach(other, INTERNAL, lookupOf(publicGateway))).toMatchObject({
      level: "cluster",
      why: ["Gateway istio-system/public has no server for its hosts", "no gateway serves it: mesh only"],
    });
    const restricted = gateway("restricted", "    istio: ingressgateway", HTTPS_SERVER.replace("shop/shop.example.com", "payments/shop.example.com"));
    expect(virtualServiceReach(virtualService("  gateways:\n  - istio-system/restricted\n"), INTERNAL, lookupOf(restricted)).level).toBe("cluster");
  });

  it("reads tls and tcp routes as TLS and TCP entry points", () => {
    const reach = virtualServiceReach(
      virtualService(
        "  gateways:\n  - istio-system/public\n",
        `  tls:
  - match:
    - sniHosts: ["shop.example.com"]
    route:
    - destination: {host: store}
  tcp:
  - match:
    - port: 5432
    route:
    - destination: {host: db, port: {number: 5432}}
`,
      ),
      INTERNAL,
      lookupOf(publicGateway),
    );
    expect(reach.entryPoints.slice(2)).toEqual([
      { key: "tls:shop.example.com", kind: "route", protocol: "TLS", host: "shop.example.com", path: "/", tls: true, line: 24, backend: { service: "store" } },
      { key: "tcp:5432", kind: "route", protocol: "TCP", host: "*", path: "/", port: 5432, tls: false, line: 28, backend: { service: "db", port: 5432 } },
    ]);
  });

  it("matches server hosts as Istio does", () => {
    expect(serverHostCarries("*", "a.example.com")).toBe(true);
    expect(serverHostCarries("*.example.com", "a.b.example.com")).toBe(true);
    expect(serverHostCarries("*.example.com", "example.com")).toBe(false);
    expect(serverHostCarries("a.example.com", "*.example.com")).toBe(false);
    expect(serverHostCarries("*.example.com", "*.example.com")).toBe(true);
  });
});
