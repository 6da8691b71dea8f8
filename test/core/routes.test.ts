/**
 * Istio, Traefik and OpenShift routes end to end through review(): each fixture pair under
 * fixtures/routes/<case>/{base,head} is reviewed and compared with the FULL expected list of objects
 * (identity, level, classification, findings with line and message) and their `exposes`. The last
 * test fails when a folder under fixtures/routes/ has no case here.
 */
import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config/schema.js";
import type { Classification, Exposure, Level, RuleId } from "../../src/core/model.js";
import { messages as publicWithoutTls } from "../../src/core/rules/public-without-tls.js";
import { messages as sensitivePort } from "../../src/core/rules/sensitive-port-exposed.js";
import { ROUTE_TERMS } from "../../src/core/rules/terms.js";
import { messages as tlsRemoved } from "../../src/core/rules/tls-removed.js";
import { messages as wildcardHost } from "../../src/core/rules/wildcard-host.js";
import { renderText } from "../../src/report/text.js";
import { findingsOfRule, manifestFixtureNames, reviewFixture } from "../helpers/fixtures.js";

interface ExpectedObject {
  id: string;
  classification: Classification;
  level: [base: Level, head: Level];
  findings: { rule: RuleId; line: number; new?: boolean; message: string }[];
  exposes: Exposure[] | undefined;
  /** The one-line path the text report shows (only for public and widened objects). */
  path?: string;
}

const casesRun = new Set<string>();

async function expectRoutes(caseName: string, expected: ExpectedObject[], options: { config?: ConfigInput; silent?: RuleId[] } = {}) {
  casesRun.add(caseName);
  const { report } = await reviewFixture(`routes/${caseName}`, options.config);
  expect(
    report.objects.map((object) => ({
      id: object.id,
      classification: object.classification,
      level: [object.level.base, object.level.head],
      findings: object.findings.map(({ rule, line, new: isNew, message }) => ({ rule, line, new: isNew, message })),
      exposes: object.exposes,
    })),
  ).toEqual(
    expected.map(({ path: _path, ...object }) => ({
      ...object,
      findings: object.findings.map((finding) => ({ new: true, ...finding })),
    })),
  );
  const text = renderText(report);
  for (const object of expected) {
    if (object.path !== undefined) expect(text).toContain(`  path ${object.path}\n`);
  }
  if (expected.every((object) => object.path === undefined)) expect(text).not.toContain("  path ");
  for (const rule of options.silent ?? []) expect(findingsOfRule(report, rule)).toEqual([]);
  return report;
}

const istioGateway = ROUTE_TERMS["Gateway.networking.istio.io"]!;
const virtualService = ROUTE_TERMS["VirtualService.networking.istio.io"]!;
const ingressRoute = ROUTE_TERMS["IngressRoute.traefik.io"]!;
const openshiftRoute = ROUTE_TERMS["Route.route.openshift.io"]!;
const STORE: Exposure = { service: "shop/store", port: 80, workloads: ["Deployment/shop/store"], found: true };

describe("Istio Gateway", () => {
  it("istio-gateway-plain-http-fires: a public HTTP server, listing the unchanged VirtualService it serves and its path", async () => {
    await expectRoutes("istio-gateway-plain-http-fires", [
      {
        id: "Gateway.networking.istio.io/istio-system/public",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 15,
            message: publicWithoutTls.entryPointWithoutTls({ object: "Gateway istio-system/public", entryPoint: "HTTP/80 shop.example.com", why: istioGateway.noTls }),
          },
        ],
        exposes: [{ ...STORE, route: "VirtualService/shop/store", via: [{ label: "Gateway istio-system/public", ports: [80] }] }],
        path: "internet → Gateway istio-system/public :80 → VirtualService shop/store → Service shop/store:80 → Deployment shop/store",
      },
    ]);
  });

  it("istio-gateway-https-redirect-silent: HTTPS with tls.mode plus a plain server that only redirects", async () => {
    await expectRoutes(
      "istio-gateway-https-redirect-silent",
      [{ id: "Gateway.networking.istio.io/istio-system/public", classification: "public", level: ["none", "public"], findings: [], exposes: [] }],
      { silent: ["public-without-tls", "wildcard-host"] },
    );
  });

  it("istio-gateway-internal-selector-silent: a selector listed in istio.internalGateways is private", async () => {
    await expectRoutes(
      "istio-gateway-internal-selector-silent",
      [{ id: "Gateway.networking.istio.io/istio-system/internal", classification: "widened", level: ["none", "private"], findings: [], exposes: [] }],
      { config: { istio: { internalGateways: [{ istio: "ilbgateway" }] } }, silent: ["public-without-tls", "wildcard-host"] },
    );
  });

  it("istio-gateway-tls-removed-fires: port 443 turns from HTTPS to HTTP, matched by port and host", async () => {
    const entryPoint = "HTTP/443 shop.example.com";
    const object = "Gateway istio-system/public";
    await expectRoutes("istio-gateway-tls-removed-fires", [
      {
        id: "Gateway.networking.istio.io/istio-system/public",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          { rule: "public-without-tls", line: 15, message: publicWithoutTls.entryPointWithoutTls({ object, entryPoint, why: istioGateway.noTls }) },
          { rule: "tls-removed", line: 15, message: tlsRemoved.tlsRemoved({ object, entryPoint }) },
        ],
        exposes: [],
        path: undefined,
      },
    ]);
  });

  it("istio-gateway-tcp-sensitive-port-fires: a public TCP server on 5432, no TLS rule (not HTTP)", async () => {
    await expectRoutes(
      "istio-gateway-tcp-sensitive-port-fires",
      [
        {
          id: "Gateway.networking.istio.io/istio-system/db",
          classification: "public",
          level: ["none", "public"],
          findings: [
            {
              rule: "sensitive-port-exposed",
              line: 15,
              message: sensitivePort.servicePort({ object: "Gateway istio-system/db", product: "PostgreSQL", port: 5432, where: "from the internet" }),
            },
          ],
          exposes: [],
        },
      ],
      { silent: ["public-without-tls", "wildcard-host"] },
    );
  });
});

describe("Istio VirtualService", () => {
  it("virtual-service-gateway-outside-change-fires: level and TLS from an unchanged Gateway in another file", async () => {
    await expectRoutes("virtual-service-gateway-outside-change-fires", [
      {
        id: "VirtualService/shop/store",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 8,
            message: publicWithoutTls.entryPointWithoutTls({ object: "VirtualService shop/store", entryPoint: "shop.example.com/cart", why: virtualService.noTls }),
          },
        ],
        exposes: [{ ...STORE, via: [{ label: "Gateway istio-system/public", ports: [80] }] }],
        path: "internet → Gateway istio-system/public :80 → VirtualService shop/store → Service shop/store:80 → Deployment shop/store",
      },
    ]);
  });

  it("virtual-service-mesh-only-internal: no gateways is the mesh only", async () => {
    await expectRoutes("virtual-service-mesh-only-internal", [
      {
        id: "VirtualService/shop/store",
        classification: "internal",
        level: ["none", "cluster"],
        findings: [],
        exposes: [{ service: "shop/store", workloads: [], found: false }],
      },
    ]);
  });

  it("virtual-service-wildcard-host-fires: a wildcard host added on a public HTTPS gateway", async () => {
    await expectRoutes(
      "virtual-service-wildcard-host-fires",
      [
        {
          id: "VirtualService/shop/store",
          classification: "widened",
          level: ["public", "public"],
          findings: [{ rule: "wildcard-host", line: 9, message: wildcardHost.wildcardHost({ object: "VirtualService shop/store", host: "*.example.com" }) }],
          exposes: [{ service: "shop/store", workloads: [], found: false, via: [{ label: "Gateway istio-system/public", ports: [443] }] }],
          path: "internet → Gateway istio-system/public :443 → VirtualService shop/store → Service shop/store (not in the tree)",
        },
      ],
      { silent: ["public-without-tls"] },
    );
  });

  it("virtual-service-gateway-not-in-tree-assumed: public assumed, TLS unknown so no TLS rule fires", async () => {
    const report = await expectRoutes(
      "virtual-service-gateway-not-in-tree-assumed",
      [
        {
          id: "VirtualService/shop/store",
          classification: "public",
          level: ["none", "public"],
          findings: [],
          exposes: [{ service: "shop/store", port: 80, workloads: [], found: false, via: [{ label: "Gateway istio-system/elsewhere", ports: [] }] }],
          path: "internet → Gateway istio-system/elsewhere → VirtualService shop/store → Service shop/store:80 (not in the tree)",
        },
      ],
      { silent: ["public-without-tls", "tls-removed"] },
    );
    expect(report.objects[0]?.reach.head?.why).toEqual(["Gateway istio-system/elsewhere is not in the tree: assumed public, its TLS unknown"]);
  });
});

describe("Traefik", () => {
  it("traefik-ingressroute-without-tls-fires: public on `web`, no spec.tls; the named port resolves through the Service", async () => {
    await expectRoutes("traefik-ingressroute-without-tls-fires", [
      {
        id: "IngressRoute/shop/store",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 11,
            message: publicWithoutTls.entryPointWithoutTls({ object: "IngressRoute shop/store", entryPoint: "shop.example.com/api", why: ingressRoute.noTls }),
          },
        ],
        exposes: [STORE],
        path: "internet → IngressRoute shop/store → Service shop/store:80 → Deployment shop/store",
      },
    ]);
  });

  it("traefik-ingressroute-plain-host-added-fires: a second plain host is a new finding; the first stays already present", async () => {
    const object = "IngressRoute shop/store";
    const why = ingressRoute.noTls;
    await expectRoutes("traefik-ingressroute-plain-host-added-fires", [
      {
        id: "IngressRoute/shop/store",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          { rule: "public-without-tls", line: 11, new: false, message: publicWithoutTls.entryPointWithoutTls({ object, entryPoint: "shop.example.com/", why }) },
          { rule: "public-without-tls", line: 16, message: publicWithoutTls.entryPointWithoutTls({ object, entryPoint: "admin.example.com/", why }) },
        ],
        exposes: [
          { service: "shop/store", workloads: [], found: false, port: 8080 },
          { service: "shop/store-admin", workloads: [], found: false, port: 8080 },
        ],
        path: "internet → IngressRoute shop/store → Service shop/store:8080 (not in the tree) (+1 more)",
      },
    ]);
  });

  it("traefik-ingressroute-internal-entrypoint-silent: every entry point in traefik.internalEntryPoints", async () => {
    await expectRoutes(
      "traefik-ingressroute-internal-entrypoint-silent",
      [
        {
          id: "IngressRoute/ops/admin",
          classification: "widened",
          level: ["none", "private"],
          findings: [],
          exposes: [{ service: "ops/admin", port: 80, workloads: [], found: false }],
          path: "private network → IngressRoute ops/admin → Service ops/admin:80 (not in the tree)",
        },
      ],
      { config: { traefik: { internalEntryPoints: ["internal"] } }, silent: ["public-without-tls"] },
    );
  });

  it("traefik-ingressroute-tls-removed-fires: spec.tls dropped (traefik.containo.us)", async () => {
    const object = "IngressRoute shop/store";
    const entryPoint = "shop.example.com/";
    await expectRoutes("traefik-ingressroute-tls-removed-fires", [
      {
        id: "IngressRoute/shop/store",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          { rule: "public-without-tls", line: 10, message: publicWithoutTls.entryPointWithoutTls({ object, entryPoint, why: ingressRoute.noTls }) },
          { rule: "tls-removed", line: 10, message: tlsRemoved.tlsRemoved({ object, entryPoint }) },
        ],
        exposes: [{ service: "shop/store", port: 80, workloads: [], found: false }],
        path: "internet → IngressRoute shop/store → Service shop/store:80 (not in the tree)",
      },
    ]);
  });

  it("traefik-ingressroutetcp-sensitive-port-fires: plain TCP to PostgreSQL; no HTTP rule", async () => {
    await expectRoutes(
      "traefik-ingressroutetcp-sensitive-port-fires",
      [
        {
          id: "IngressRouteTCP/data/db",
          classification: "public",
          level: ["none", "public"],
          findings: [
            {
              rule: "sensitive-port-exposed",
              line: 9,
              message: sensitivePort.ingressBackend({
                object: "IngressRouteTCP data/db",
                entryPoint: "/ on any host",
                product: "PostgreSQL",
                port: 5432,
                backend: "db",
                where: "from the internet",
              }),
            },
          ],
          exposes: [{ service: "data/db", port: 5432, workloads: ["StatefulSet/data/postgres"], found: true }],
          path: "internet → IngressRouteTCP data/db → Service data/db:5432 → StatefulSet data/postgres",
        },
      ],
      { silent: ["public-without-tls", "wildcard-host"] },
    );
  });

  it("traefik-ingressroute-catch-all-fires: no entryPoints (public) and no Host matcher", async () => {
    await expectRoutes(
      "traefik-ingressroute-catch-all-fires",
      [
        {
          id: "IngressRoute/shop/store",
          classification: "public",
          level: ["none", "public"],
          findings: [{ rule: "wildcard-host", line: 9, message: wildcardHost.catchAllRoute({ object: "IngressRoute shop/store" }) }],
          exposes: [{ service: "shop/store", port: 80, workloads: [], found: false }],
          path: "internet → IngressRoute shop/store → Service shop/store:80 (not in the tree)",
        },
      ],
      { silent: ["public-without-tls"] },
    );
  });
});

describe("OpenShift Route", () => {
  it("openshift-route-edge-redirect-silent: edge TLS, plain HTTP redirected; the target port resolves to the Service port", async () => {
    await expectRoutes(
      "openshift-route-edge-redirect-silent",
      [
        {
          id: "Route/shop/store",
          classification: "public",
          level: ["none", "public"],
          findings: [],
          exposes: [STORE],
          path: "internet → Route shop/store → Service shop/store:80 → Deployment shop/store",
        },
      ],
      { silent: ["public-without-tls", "wildcard-host"] },
    );
  });

  it("openshift-route-insecure-allow-fires: Redirect → Allow serves plain HTTP, pointing at the policy", async () => {
    const object = "Route shop/store";
    const entryPoint = "shop.apps.example.com/";
    await expectRoutes("openshift-route-insecure-allow-fires", [
      {
        id: "Route/shop/store",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          { rule: "public-without-tls", line: 13, message: publicWithoutTls.entryPointWithoutTls({ object, entryPoint, why: openshiftRoute.noTls }) },
          { rule: "tls-removed", line: 13, message: tlsRemoved.tlsRemoved({ object, entryPoint }) },
        ],
        exposes: [{ service: "shop/store", workloads: [], found: false }],
        path: "internet → Route shop/store → Service shop/store (not in the tree)",
      },
    ]);
  });

  it("openshift-route-wildcard-subdomain-fires: wildcardPolicy Subdomain serves every sibling name", async () => {
    await expectRoutes(
      "openshift-route-wildcard-subdomain-fires",
      [
        {
          id: "Route/saas/tenants",
          classification: "public",
          level: ["none", "public"],
          findings: [{ rule: "wildcard-host", line: 7, message: wildcardHost.wildcardHost({ object: "Route saas/tenants", host: "*.tenants.example.com" }) }],
          exposes: [{ service: "saas/tenants", workloads: [], found: false }],
          path: "internet → Route saas/tenants → Service saas/tenants (not in the tree)",
        },
      ],
      { silent: ["public-without-tls"] },
    );
  });

  it("openshift-route-allowlist-private-silent: a restrictive ip_allowlist makes it private", async () => {
    await expectRoutes(
      "openshift-route-allowlist-private-silent",
      [
        {
          id: "Route/ops/admin",
          classification: "widened",
          level: ["none", "private"],
          findings: [],
          exposes: [{ service: "ops/admin", workloads: [], found: false }],
          path: "private network → Route ops/admin → Service ops/admin (not in the tree)",
        },
      ],
      { silent: ["public-without-tls", "open-source-range"] },
    );
  });

  it("openshift-route-without-tls-fires: no tls.termination", async () => {
    await expectRoutes("openshift-route-without-tls-fires", [
      {
        id: "Route/shop/store",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 7,
            message: publicWithoutTls.entryPointWithoutTls({ object: "Route shop/store", entryPoint: "shop.apps.example.com/cart", why: openshiftRoute.noTls }),
          },
        ],
        exposes: [STORE],
        path: "internet → Route shop/store → Service shop/store:80 → Deployment shop/store",
      },
    ]);
  });
});

describe("every backend of a route", () => {
  /** One route of the split fixtures: its entry point, its two backends and the way in. */
  interface SplitRoute {
    id: string;
    line: number;
    entryPoint: string;
    backends: [name: string, port: number][];
    via?: Exposure["via"];
  }
  const edge = (port: number) => [{ label: "Gateway infra/edge", ports: [port] }];
  const istio = [{ label: "Gateway istio-system/public", ports: [443] }];
  /** The routes of both fixtures, in file order, with the other backend of each. */
  const splitRoutes = (others: [name: string, port: number][]): SplitRoute[] => {
    const rows: Omit<SplitRoute, "backends">[] = [
      { id: "HTTPRoute/shop/store", line: 12, entryPoint: "store.example.com/ (Gateway infra/edge, listener https)", via: edge(443) },
      { id: "GRPCRoute/shop/orders", line: 33, entryPoint: "orders.example.com/shop.Orders/ (Gateway infra/edge, listener https)", via: edge(443) },
      { id: "TLSRoute/shop/search", line: 55, entryPoint: "search.example.com (Gateway infra/edge, listener tls)", via: edge(8443) },
      { id: "TCPRoute/shop/db", line: 71, entryPoint: "TCP/15432 (Gateway infra/edge, listener tcp)", via: edge(15432) },
      { id: "UDPRoute/shop/cache", line: 88, entryPoint: "UDP/10053 (Gateway infra/edge, listener udp)", via: edge(10053) },
      { id: "VirtualService/shop/store", line: 106, entryPoint: "shop.example.com/", via: istio },
      { id: "IngressRoute/shop/store", line: 132, entryPoint: "traefik.example.com/" },
      { id: "Route/shop/store", line: 145, entryPoint: "store.apps.example.com/" },
    ];
    const firsts: [string, number][] = [["store", 80], ["orders", 9090], ["search", 443], ["pgbouncer", 6432], ["dns", 53], ["store", 80], ["store", 80]];
    return rows.map((row, index) => ({ ...row, backends: [firsts[index] ?? others[7]!, others[index]!] }));
  };
  /** The expected object: public, its findings on `sensitive` backends, both backends in `exposes`, the path counting the second. */
  const splitObject = ({ id, line, entryPoint, backends, via }: SplitRoute, sensitive: Record<number, string>): ExpectedObject => {
    const [kind, namespace, name] = id.split("/");
    const [[firstName, firstPort] = ["", 0]] = backends;
    const gateway = via?.[0] ? `${via[0].label} :${via[0].ports[0]} → ` : "";
    return {
      path: `internet → ${gateway}${kind} ${namespace}/${name} → Service shop/${firstName}:${firstPort} (not in the tree) (+1 more)`,
      id,
      classification: "public",
      level: ["none", "public"],
      findings: backends
        .filter(([, port]) => sensitive[port] !== undefined)
        .map(([backend, port]) => ({
          rule: "sensitive-port-exposed" as const,
          line,
          message: sensitivePort.ingressBackend({ object: `${kind} ${namespace}/${name}`, entryPoint, product: sensitive[port]!, port, backend, where: "from the internet" }),
        })),
      exposes: backends.map(([backend, port]) => ({ service: `shop/${backend}`, port, workloads: [], found: false, ...(via ? { via } : {}) })),
    };
  };

  it("backend-split-sensitive-port-fires: a database behind the other backend of every kind (weighted refs, a services list, alternateBackends)", async () => {
    const products = { 5432: "PostgreSQL", 6379: "Redis", 9200: "Elasticsearch (HTTP API)", 11211: "Memcached" };
    // The OpenShift Route's backends share spec.port: `to` and the alternate backend are both the database.
    const routes = splitRoutes([
      ["store-db", 5432],
      ["orders-cache", 6379],
      ["elasticsearch", 9200],
      ["postgres", 5432],
      ["memcached", 11211],
      ["store-db", 5432],
      ["store-cache", 6379],
      ["store-db-replica", 5432],
    ]);
    routes[7]!.backends[0] = ["store-db", 5432];
    await expectRoutes("backend-split-sensitive-port-fires", routes.map((route) => splitObject(route, products)));
  });

  it("backend-split-sensitive-port-silent: the same splits to application ports raise nothing, and expose both backends", async () => {
    const routes = splitRoutes([
      ["store-canary", 8080],
      ["orders-canary", 9091],
      ["search-canary", 8443],
      ["pgbouncer-canary", 8080],
      ["dns-canary", 5353],
      ["store-canary", 8080],
      ["store-canary", 9091],
      ["store-v2", 8080],
    ]);
    routes[7]!.backends[0] = ["store-canary", 8080];
    await expectRoutes("backend-split-sensitive-port-silent", routes.map((route) => splitObject(route, {})), { silent: ["sensitive-port-exposed"] });
  });
});

describe("route fixtures", () => {
  it("every folder under fixtures/routes/ has a case", () => {
    expect(manifestFixtureNames("routes").filter((name) => !casesRun.has(name))).toEqual([]);
  });
});
