/**
 * The rules, end to end through review(): each fixture pair under fixtures/<case>/{base,head} is
 * reviewed and compared with the FULL expected list of objects and findings. A finding or object
 * not listed fails; the last tests fail when a rule was never seen firing, never seen staying
 * silent where it ran, or a classification never occurred.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config/schema.js";
import {
  CLASSIFICATIONS,
  RULE_IDS,
  type Classification,
  type Level,
  type Report,
  type RuleId,
  type Severity,
  type SuppressedFinding,
} from "../../src/core/model.js";
import { newlyCovered } from "../../src/core/review.js";
import { messages as externalIps } from "../../src/core/rules/external-ips.js";
import { messages as externalname } from "../../src/core/rules/externalname.js";
import { messages as gatewayRoutesFromAll } from "../../src/core/rules/gateway-routes-from-all-namespaces.js";
import { messages as ingressClassMissing } from "../../src/core/rules/ingress-class-missing.js";
import { messages as nodeport } from "../../src/core/rules/nodeport.js";
import { messages as openSourceRange } from "../../src/core/rules/open-source-range.js";
import { messages as publicLoadBalancer } from "../../src/core/rules/public-loadbalancer.js";
import { messages as publicWithoutTls } from "../../src/core/rules/public-without-tls.js";
import { messages as sensitivePort } from "../../src/core/rules/sensitive-port-exposed.js";
import { messages as tlsRemoved } from "../../src/core/rules/tls-removed.js";
import { messages as wildcardHost } from "../../src/core/rules/wildcard-host.js";
import { applyFix, findingsOfRule, manifestFixtureNames, readFixture, reviewFixture } from "../helpers/fixtures.js";

interface ExpectedFinding {
  rule: RuleId;
  line: number;
  new: boolean;
  severity: Severity;
  message: string;
  /** "base" when `line` is a line of the base file that the change deleted. */
  side?: "base";
  /** Required when the finding carries a fix: the replaced range and the whole head file after applying it. */
  fix?: { startLine: number; endLine: number; fixed: string };
}

interface ExpectedObject {
  id: string;
  classification: Classification;
  level: [base: Level, head: Level];
  findings: ExpectedFinding[];
  suppressed?: Pick<SuppressedFinding, "rule" | "reason" | "by">[];
}

interface CaseOptions {
  config?: ConfigInput;
  /** Rules this case shows staying silent: no finding, suppressed or not, on any object. */
  silent?: RuleId[];
}

const fired = new Set<RuleId>();
const silentSeen = new Set<RuleId>();
const classificationsSeen = new Set<Classification>();
const casesRun = new Set<string>();

async function expectReview(caseName: string, expected: ExpectedObject[], options: CaseOptions = {}): Promise<Report> {
  casesRun.add(caseName);
  const { trees, config, report } = await reviewFixture(caseName, options.config);
  expect(
    report.objects.map((object) => ({
      id: object.id,
      classification: object.classification,
      level: [object.level.base, object.level.head],
      findings: object.findings.map(({ rule, line, side, new: isNew, severity, message }) => ({ rule, line, ...(side ? { side } : {}), new: isNew, severity, message })),
      suppressed: object.suppressed.map(({ rule, reason, by }) => ({ rule, reason, by })),
    })),
  ).toEqual(
    expected.map((object) => ({
      ...object,
      findings: object.findings.map(({ fix: _fix, ...finding }) => finding),
      suppressed: object.suppressed ?? [],
    })),
  );

  report.objects.forEach((object, i) => {
    object.findings.forEach((finding, j) => {
      const want = expected[i]!.findings[j]!.fix;
      if (!finding.fix || !want) {
        expect({ rule: finding.rule, line: finding.line, fix: finding.fix }).toEqual({ rule: finding.rule, line: finding.line, fix: want });
        return;
      }
      expect({ startLine: finding.fix.startLine, endLine: finding.fix.endLine }).toEqual({
        startLine: want.startLine,
        endLine: want.endLine,
      });
      const headFile = trees.head.find((file) => file.path === object.file);
      expect(applyFix(headFile!.text!, finding.fix)).toBe(want.fixed);
    });
    classificationsSeen.add(object.classification);
    for (const finding of [...object.findings, ...object.suppressed]) fired.add(finding.rule);
  });

  for (const rule of options.silent ?? []) {
    // A rule switched off did not run: that is not a case of it staying silent.
    expect(config.rules[rule]).not.toBe("off");
    expect(findingsOfRule(report, rule)).toEqual([]);
    silentSeen.add(rule);
  }
  return report;
}

/** Why a LoadBalancer without any internal-LB setting is public, as the Service reach reader says it. */
const PLAIN_LB = "type: LoadBalancer without an internal-LB annotation";

describe("NodePort", () => {
  it("nodeport-added-fires: a new NodePort Service, fixed to ClusterIP keeping the comment", async () => {
    const report = await expectReview("nodeport-added-fires", [
      {
        id: "Service/shop/web-debug",
        classification: "widened",
        level: ["none", "node"],
        findings: [
          {
            rule: "nodeport",
            line: 10,
            new: true,
            severity: "warning",
            message: nodeport.nodePort({ object: "Service shop/web-debug" }),
            fix: {
              startLine: 10,
              endLine: 10,
              fixed: `# Temporary access for the load test; see SHOP-2291.
apiVersion: v1
kind: Service
metadata:
  name: web-debug
  namespace: shop
  labels:
    app.kubernetes.io/name: web
spec:
  type: ClusterIP # reachable from the office VPN
  selector:
    app.kubernetes.io/name: web
  ports:
    - name: http
      port: 8080
      targetPort: http
`,
            },
          },
        ],
      },
    ]);
    expect(report.conclusion).toBe("neutral");
  });

  it("clusterip-to-nodeport-pinned-fires: no fix when a port pins a nodePort (ClusterIP would reject it)", async () => {
    await expectReview("clusterip-to-nodeport-pinned-fires", [
      {
        id: "Service/observability/grafana",
        classification: "widened",
        level: ["cluster", "node"],
        findings: [
          { rule: "nodeport", line: 7, new: true, severity: "warning", message: nodeport.nodePort({ object: "Service observability/grafana" }) },
        ],
      },
    ]);
  });

  it("nodeport-label-change-preexisting: an old NodePort is reported as already present", async () => {
    const report = await expectReview("nodeport-label-change-preexisting", [
      {
        id: "Service/tracing/jaeger-query",
        classification: "unchanged",
        level: ["node", "node"],
        findings: [
          { rule: "nodeport", line: 10, new: false, severity: "warning", message: nodeport.nodePort({ object: "Service tracing/jaeger-query" }) },
        ],
      },
    ]);
    // Pre-existing findings do not decide the conclusion by default.
    expect(report.conclusion).toBe("success");
  });

  it("nodeport-to-clusterip-internal: a NodePort turned ClusterIP is newly internal", async () => {
    await expectReview(
      "nodeport-to-clusterip-internal",
      [{ id: "Service/payments/orders-api", classification: "internal", level: ["node", "cluster"], findings: [] }],
      { silent: ["nodeport"] },
    );
  });

  it("clusterip-label-change-silent: labels and target ports of a ClusterIP Service are no exposure", async () => {
    const report = await expectReview(
      "clusterip-label-change-silent",
      [{ id: "Service/shop/catalog", classification: "unchanged", level: ["cluster", "cluster"], findings: [] }],
      { silent: ["nodeport", "public-without-tls", "external-ips"] },
    );
    expect(report.conclusion).toBe("success");
  });
});

describe("LoadBalancer", () => {
  it("lb-added-public-fires: a public load balancer with plain HTTP on port 80 next to TLS on 443", async () => {
    const report = await expectReview("lb-added-public-fires", [
      {
        id: "Service/shop/checkout",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 10,
            fix: { startLine: 10, endLine: 10, fixed: toClusterIp("lb-added-public-fires/head/k8s/checkout/service.yaml", 10) },
            new: true,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({ object: "Service shop/checkout", why: [PLAIN_LB] }),
          },
          {
            rule: "public-without-tls",
            line: 14,
            new: true,
            severity: "failure",
            message: publicWithoutTls.plainHttpPort({ object: "Service shop/checkout", entryPoint: "TCP/80" }),
          },
        ],
      },
    ]);
    expect(report.conclusion).toBe("failure");
  });

  it("lb-internal-annotation-silent: an Azure internal load balancer is private", async () => {
    await expectReview(
      "lb-internal-annotation-silent",
      [{ id: "Service/payments/ledger", classification: "widened", level: ["none", "private"], findings: [] }],
      { silent: ["public-loadbalancer", "public-without-tls"] },
    );
  });

  it("lb-made-internal-narrowed: the GKE internal annotation takes a load balancer off the internet", async () => {
    await expectReview(
      "lb-made-internal-narrowed",
      [{ id: "Service/analytics/reporting", classification: "narrowed", level: ["public", "private"], findings: [] }],
      { silent: ["public-loadbalancer"] },
    );
  });

  it("lb-port-added-widened: a port added to a public load balancer is a new public-loadbalancer finding about that port", async () => {
    const report = await expectReview("lb-port-added-widened", [
      {
        id: "Service/iot/mqtt-broker",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 7,
            fix: { startLine: 7, endLine: 7, fixed: toClusterIp("lb-port-added-widened/head/k8s/mqtt.yaml", 7) },
            new: true,
            severity: "warning",
            message: `${publicLoadBalancer.publicLoadBalancer({ object: "Service iot/mqtt-broker", why: [PLAIN_LB] })} ${newlyCovered.note({ added: ["TCP/1883"], kept: ["TCP/8883"] })}`,
          },
        ],
      },
    ]);
    // CONTRACT.md: the new port makes the warning count, as a new load balancer would.
    expect(report.conclusion).toBe("neutral");
  });

  it("lb-open-source-range-fires: loadBalancerSourceRanges of 0.0.0.0/0 restricts nothing", async () => {
    await expectReview("lb-open-source-range-fires", [
      {
        id: "Service/edge/wireguard",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 7,
            new: true,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({ object: "Service edge/wireguard", why: [PLAIN_LB, "allow-list 0.0.0.0/0 admits every address"] }),
          },
          {
            rule: "open-source-range",
            line: 8,
            new: true,
            severity: "warning",
            message: openSourceRange.openRange({
              object: "Service edge/wireguard",
              cidrs: ["0.0.0.0/0"],
              source: "spec.loadBalancerSourceRanges",
            }),
          },
        ],
      },
    ]);
  });

  it("lb-source-range-restricted-narrowed: partner ranges replace 0.0.0.0/0", async () => {
    await expectReview(
      "lb-source-range-restricted-narrowed",
      [{ id: "Service/partners/sftp", classification: "narrowed", level: ["public", "private"], findings: [] }],
      { silent: ["open-source-range", "public-loadbalancer"] },
    );
  });

  it("lb-removed: a removed load balancer is listed, with nothing left to judge", async () => {
    const report = await expectReview(
      "lb-removed",
      [{ id: "Service/backoffice/legacy-admin", classification: "removed", level: ["public", "none"], findings: [] }],
      { silent: ["public-loadbalancer", "public-without-tls"] },
    );
    expect(report.conclusion).toBe("success");
  });
});

describe("Ingress TLS", () => {
  it("ingress-added-with-tls-public: a new public Ingress with TLS and a class is public, nothing else", async () => {
    const report = await expectReview(
      "ingress-added-with-tls-public",
      [{ id: "Ingress/shop/storefront", classification: "public", level: ["none", "public"], findings: [] }],
      { silent: ["public-without-tls", "wildcard-host", "ingress-class-missing"] },
    );
    expect(report.conclusion).toBe("success");
  });

  it("ingress-host-added-without-tls-fires: the fix adds the host to the existing tls entry", async () => {
    await expectReview("ingress-host-added-without-tls-fires", [
      {
        id: "Ingress/web/docs",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 25,
            new: true,
            severity: "failure",
            message: publicWithoutTls.routeWithoutTls({ object: "Ingress web/docs", entryPoint: "developers.example.com/" }),
            fix: {
              startLine: 12,
              endLine: 12,
              fixed: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: docs
  namespace: web
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
spec:
  ingressClassName: nginx
  tls:
    - hosts:
        - docs.example.com
        - developers.example.com
      secretName: docs-tls
  rules:
    - host: docs.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: docs
                port:
                  name: http
    - host: developers.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: docs
                port:
                  name: http
`,
            },
          },
        ],
      },
    ]);
  });

  it("ingress-without-tls-section-fires: one finding per path, no fix without a tls section", async () => {
    const object = "Ingress web/status-page";
    await expectReview("ingress-without-tls-section-fires", [
      {
        id: "Ingress/web/status-page",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 9,
            new: true,
            severity: "failure",
            message: publicWithoutTls.routeWithoutTls({ object, entryPoint: "status.example.com/" }),
          },
          {
            rule: "public-without-tls",
            line: 9,
            new: true,
            severity: "failure",
            message: publicWithoutTls.routeWithoutTls({ object, entryPoint: "status.example.com/api" }),
          },
        ],
      },
    ]);
  });

  it("ingress-tls-removed-fires: dropping spec.tls is both a TLS loss and a public host without TLS", async () => {
    const object = "Ingress identity/account";
    const base = (await readFixture("ingress-tls-removed-fires")).base[0]!.text!;
    await expectReview("ingress-tls-removed-fires", [
      {
        id: "Ingress/identity/account",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            // The cause is the deleted spec.tls (base line 8); the fix puts it back verbatim.
            rule: "tls-removed",
            line: 8,
            side: "base",
            new: true,
            severity: "failure",
            message: `${tlsRemoved.tlsRemoved({ object, entryPoint: "account.example.com/" })} ${tlsRemoved.deleted({ what: "spec.tls" })}`,
            fix: { startLine: 7, endLine: 7, fixed: base },
          },
          {
            rule: "public-without-tls",
            line: 9,
            new: true,
            severity: "failure",
            message: publicWithoutTls.routeWithoutTls({ object, entryPoint: "account.example.com/" }),
          },
        ],
      },
    ]);
  });

  it("lb-ssl-cert-removed-fires: deleting the certificate annotation points at the deleted line and restores it", async () => {
    const object = "Service shop/checkout";
    const base = (await readFixture("lb-ssl-cert-removed-fires")).base[0]!.text!;
    await expectReview("lb-ssl-cert-removed-fires", [
      {
        id: "Service/shop/checkout",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "tls-removed",
            line: 8,
            side: "base",
            new: true,
            severity: "failure",
            message: `${tlsRemoved.tlsRemoved({ object, entryPoint: "TCP/443" })} ${tlsRemoved.deleted({ what: "the annotation service.beta.kubernetes.io/aws-load-balancer-ssl-cert" })}`,
            fix: { startLine: 7, endLine: 7, fixed: base },
          },
          {
            rule: "public-loadbalancer",
            line: 10,
            new: false,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({ object, why: ["type: LoadBalancer without an internal-LB annotation"] }),
            fix: { startLine: 10, endLine: 10, fixed: (await readFixture("lb-ssl-cert-removed-fires")).head[0]!.text!.replace("type: LoadBalancer", "type: ClusterIP") },
          },
        ],
      },
    ]);
  });

  it("ingress-tls-added-narrowed: a wildcard certificate now covers the host", async () => {
    await expectReview(
      "ingress-tls-added-narrowed",
      [{ id: "Ingress/web/blog", classification: "narrowed", level: ["public", "public"], findings: [] }],
      { silent: ["public-without-tls", "tls-removed", "wildcard-host"] },
    );
  });
});

describe("Ingress hosts and classes", () => {
  it("ingress-wildcard-host-fires: a public wildcard host", async () => {
    await expectReview("ingress-wildcard-host-fires", [
      {
        id: "Ingress/ci/preview-environments",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "wildcard-host",
            line: 13,
            new: true,
            severity: "warning",
            message: wildcardHost.wildcardHost({ object: "Ingress ci/preview-environments", host: "*.preview.example.com" }),
          },
        ],
      },
    ]);
  });

  it("ingress-default-backend-fires: a default backend is a catch-all; a tls entry without hosts covers it", async () => {
    await expectReview(
      "ingress-default-backend-fires",
      [
        {
          id: "Ingress/web/fallback",
          classification: "public",
          level: ["none", "public"],
          findings: [
            { rule: "wildcard-host", line: 10, new: true, severity: "warning", message: wildcardHost.catchAll({ object: "Ingress web/fallback" }) },
          ],
        },
      ],
      { silent: ["public-without-tls"] },
    );
  });

  it("ingress-internal-class-silent: a class the config calls internal makes the Ingress private", async () => {
    await expectReview(
      "ingress-internal-class-silent",
      [{ id: "Ingress/backoffice/admin-tools", classification: "widened", level: ["none", "private"], findings: [] }],
      { config: { ingress: { internalClasses: ["nginx-internal"] } }, silent: ["wildcard-host", "public-without-tls", "ingress-class-missing"] },
    );
  });

  it("ingress-class-missing-fires: no class leaves the choice of controller to the cluster", async () => {
    await expectReview("ingress-class-missing-fires", [
      {
        id: "Ingress/shop/media",
        classification: "public",
        level: ["none", "public"],
        findings: [
          {
            rule: "ingress-class-missing",
            line: 6,
            new: true,
            severity: "notice",
            message: ingressClassMissing.classMissing({ object: "Ingress shop/media" }),
          },
        ],
      },
    ]);
  });

  it("ingress-backend-change-unchanged-silent: a new backend Service is no exposure change; the class annotation counts", async () => {
    await expectReview(
      "ingress-backend-change-unchanged-silent",
      [{ id: "Ingress/shop/search", classification: "unchanged", level: ["public", "public"], findings: [] }],
      { silent: ["ingress-class-missing", "public-without-tls"] },
    );
  });

  it("alb-ingress-internal-by-default-silent: an ALB without scheme is internal", async () => {
    await expectReview(
      "alb-ingress-internal-by-default-silent",
      [{ id: "Ingress/ops/ops-dashboard", classification: "widened", level: ["none", "private"], findings: [] }],
      { silent: ["public-without-tls"] },
    );
  });

  it("alb-ingress-internet-facing-public: scheme internet-facing makes an ALB public", async () => {
    await expectReview(
      "alb-ingress-internet-facing-public",
      [{ id: "Ingress/partners/partner-api", classification: "public", level: ["private", "public"], findings: [] }],
      { silent: ["public-without-tls"] },
    );
  });

  it("nginx-allowlist-open-fires: 0.0.0.0/0 added to an nginx allow-list opens the Ingress", async () => {
    await expectReview("nginx-allowlist-open-fires", [
      {
        id: "Ingress/observability/grafana",
        classification: "public",
        level: ["private", "public"],
        findings: [
          {
            rule: "open-source-range",
            line: 7,
            new: true,
            severity: "warning",
            message: openSourceRange.openRange({
              object: "Ingress observability/grafana",
              cidrs: ["0.0.0.0/0"],
              source: "nginx.ingress.kubernetes.io/whitelist-source-range",
            }),
          },
        ],
      },
    ]);
  });
});

describe("sensitive ports", () => {
  it("sensitive-port-nodeport-fires: PostgreSQL on a NodePort", async () => {
    await expectReview("sensitive-port-nodeport-fires", [
      {
        id: "Service/data/orders-db",
        classification: "widened",
        level: ["cluster", "node"],
        findings: [
          { rule: "nodeport", line: 7, new: true, severity: "warning", message: nodeport.nodePort({ object: "Service data/orders-db" }) },
          {
            rule: "sensitive-port-exposed",
            line: 12,
            new: true,
            severity: "failure",
            message: sensitivePort.servicePort({
              object: "Service data/orders-db",
              product: "PostgreSQL",
              port: 5432,
              where: "on every node's IP",
            }),
          },
        ],
      },
    ]);
  });

  it("sensitive-port-clusterip-internal-silent: Redis inside the cluster is fine", async () => {
    await expectReview(
      "sensitive-port-clusterip-internal-silent",
      [{ id: "Service/shop/session-cache", classification: "internal", level: ["none", "cluster"], findings: [] }],
      { silent: ["sensitive-port-exposed"] },
    );
  });

  it("ingress-backend-sensitive-port-fires: a path routed to the RabbitMQ management port", async () => {
    await expectReview("ingress-backend-sensitive-port-fires", [
      {
        id: "Ingress/messaging/rabbitmq",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "sensitive-port-exposed",
            line: 13,
            new: true,
            severity: "failure",
            message: sensitivePort.ingressBackend({
              object: "Ingress messaging/rabbitmq",
              entryPoint: "events.example.com/rabbitmq",
              product: "RabbitMQ management",
              port: 15672,
              backend: "rabbitmq",
              where: "from the internet",
            }),
          },
        ],
      },
    ]);
  });
});

describe("externalIPs and ExternalName", () => {
  it("external-ips-public-fires: a public external IP on a ClusterIP Service", async () => {
    await expectReview("external-ips-public-fires", [
      {
        id: "Service/mail/smtp-relay",
        classification: "public",
        level: ["cluster", "public"],
        findings: [
          {
            rule: "external-ips",
            line: 9,
            new: true,
            severity: "warning",
            message: externalIps.externalIps({ object: "Service mail/smtp-relay", addresses: ["203.0.113.25"] }),
          },
        ],
      },
    ]);
  });

  it("internal-lb-public-external-ip-fires: a public external IP makes an internal load balancer public", async () => {
    await expectReview("internal-lb-public-external-ip-fires", [
      {
        id: "Service/finance/ledger",
        classification: "public",
        level: ["private", "public"],
        findings: [
          {
            rule: "external-ips",
            line: 13,
            new: true,
            severity: "warning",
            message: externalIps.externalIps({ object: "Service finance/ledger", addresses: ["198.51.100.7"] }),
          },
          {
            rule: "public-loadbalancer",
            line: 13,
            new: true,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({
              object: "Service finance/ledger",
              why: ["externalIPs 198.51.100.7 not in a private range"],
            }),
          },
        ],
      },
    ]);
  });

  it("external-ips-private-fires: private external IPs still fire (any level)", async () => {
    await expectReview("external-ips-private-fires", [
      {
        id: "Service/kube-system/internal-dns",
        classification: "widened",
        level: ["none", "private"],
        findings: [
          {
            rule: "external-ips",
            line: 9,
            new: true,
            severity: "warning",
            message: externalIps.externalIps({ object: "Service kube-system/internal-dns", addresses: ["10.20.0.53", "10.20.1.53"] }),
          },
        ],
      },
    ]);
  });

  it("externalname-added-fires: a new alias to a managed database", async () => {
    await expectReview("externalname-added-fires", [
      {
        id: "Service/billing/billing-db",
        classification: "internal",
        level: ["none", "cluster"],
        findings: [
          {
            rule: "externalname",
            line: 8,
            new: true,
            severity: "notice",
            message: externalname.added({
              object: "Service billing/billing-db",
              target: "billing-prod.cluster-c9xk2q.eu-west-1.rds.amazonaws.com",
            }),
          },
        ],
      },
    ]);
  });

  it("externalname-retargeted-fires: sandbox to production payment provider", async () => {
    await expectReview("externalname-retargeted-fires", [
      {
        id: "Service/payments/payment-provider",
        classification: "unchanged",
        level: ["cluster", "cluster"],
        findings: [
          {
            rule: "externalname",
            line: 8,
            new: true,
            severity: "notice",
            message: externalname.retargeted({
              object: "Service payments/payment-provider",
              target: "api.paymentprovider.example",
              previous: "api.sandbox.paymentprovider.example",
            }),
          },
        ],
      },
    ]);
  });

  it("externalname-same-target-silent: case and the root dot do not change a DNS name", async () => {
    await expectReview(
      "externalname-same-target-silent",
      [{ id: "Service/shop/geoip", classification: "unchanged", level: ["cluster", "cluster"], findings: [] }],
      { silent: ["externalname"] },
    );
  });
});

describe("Gateway API", () => {
  const GW = "Gateway.gateway.networking.k8s.io";
  const envoyPublic = "GatewayClass envoy is not an internal class";

  it("httproute-migration-loses-tls-fails: an Ingress with TLS becomes a route that also attaches to the HTTP listener", async () => {
    const report = await expectReview(
      "httproute-migration-loses-tls-fails",
      [
        { id: "Ingress/shop/store", classification: "removed", level: ["public", "none"], findings: [] },
        { id: "HTTPRoute/shop/store", classification: "public", level: ["none", "public"], findings: [
          {
            rule: "public-without-tls",
            line: 11,
            new: true,
            severity: "failure",
            message: publicWithoutTls.gatewayRouteWithoutTls({ object: "HTTPRoute shop/store", entryPoint: "shop.example.com/ (Gateway infra/public, listener http)" }),
          },
        ] },
      ],
      { silent: ["wildcard-host", "tls-removed"] },
    );
    expect(report.conclusion).toBe("failure");
    // The unchanged Gateway is not listed, but it decides the route's level, from another file.
    expect(report.objects.find((object) => object.kind === "HTTPRoute")?.reach.head?.why).toEqual([`attached to Gateway infra/public (public: ${envoyPublic})`]);
  });

  it("httproute-migration-keeps-tls-passes: the route on the HTTPS listener, plain HTTP only redirects", async () => {
    const report = await expectReview(
      "httproute-migration-keeps-tls-passes",
      [
        { id: "Ingress/shop/store", classification: "removed", level: ["public", "none"], findings: [] },
        { id: "HTTPRoute/shop/store", classification: "public", level: ["none", "public"], findings: [] },
        { id: "HTTPRoute/shop/store-redirect", classification: "public", level: ["none", "public"], findings: [] },
      ],
      { silent: ["public-without-tls", "wildcard-host"] },
    );
    expect(report.conclusion).toBe("success");
    const [, store, redirect] = report.objects.map((object) => object.reach.head?.entryPoints ?? []);
    expect(store?.map(({ key, tls, listener }) => ({ key, tls, listener }))).toEqual([{ key: "infra/public shop.example.com/", tls: true, listener: "https" }]);
    expect(redirect?.map(({ tls, redirectOnly, listener }) => ({ tls, redirectOnly, listener }))).toEqual([{ tls: false, redirectOnly: true, listener: "http" }]);
  });

  it("gateway-public-listeners-fires: plain HTTP, routes from every namespace and a database port on a public Gateway", async () => {
    await expectReview("gateway-public-listeners-fires", [
      { id: `${GW}/infra/shared`, classification: "public", level: ["none", "public"], findings: sharedGatewayFindings(() => true) },
    ], { silent: ["wildcard-host"] });
  });

  it("gateway-listener-added-fires: a listener added to a public Gateway is new; the listeners it had stay already present", async () => {
    await expectReview("gateway-listener-added-fires", [
      // Only the https listener (its allowedRoutes at line 24) is new.
      { id: `${GW}/infra/shared`, classification: "widened", level: ["public", "public"], findings: sharedGatewayFindings((line) => line === 24) },
    ]);
  });

  it("gateway-internal-silent: known and configured internal classes, an internal-LB infrastructure annotation, private addresses, gateway.gateways", async () => {
    const report = await expectReview(
      "gateway-internal-silent",
      ["gke-internal", "envoy-internal", "azure-internal", "private-address", "lan"].map((name) => ({
        id: `${GW}/infra/${name}`,
        classification: "widened" as const,
        level: ["none", "private"] as [Level, Level],
        findings: [],
      })),
      {
        config: { gateway: { internalClasses: ["envoy-internal"], gateways: { "infra/lan": "private" } } },
        silent: ["public-without-tls", "gateway-routes-from-all-namespaces"],
      },
    );
    expect(report.objects.map((object) => object.reach.head?.why)).toEqual([
      ["GatewayClass gke-l7-rilb is an internal load balancer"],
      ["GatewayClass envoy-internal is configured as internal"],
      ["spec.infrastructure: Azure internal load balancer (azure-load-balancer-internal: true)"],
      ["spec.addresses 10.20.0.15 in private ranges"],
      ["gateway.gateways sets infra/lan to private"],
    ]);
  });

  it("gateway-listener-tls-removed-fires: the listener keeps its name and turns HTTPS into HTTP", async () => {
    const object = "Gateway infra/public";
    const entryPoint = "listener web (HTTP/80 shop.example.com)";
    await expectReview("gateway-listener-tls-removed-fires", [
      { id: `${GW}/infra/public`, classification: "widened", level: ["public", "public"], findings: [
        { rule: "public-without-tls", line: 9, new: true, severity: "failure", message: publicWithoutTls.plainHttpListener({ object, entryPoint }) },
        { rule: "tls-removed", line: 9, new: true, severity: "failure", message: tlsRemoved.tlsRemoved({ object, entryPoint }) },
      ] },
    ]);
  });

  it("httproute-moved-to-http-listener-fires: sectionName https → http loses TLS on the same host", async () => {
    const object = "HTTPRoute shop/api";
    const entryPoint = "api.example.com/v1 (Gateway infra/public, listener http)";
    await expectReview("httproute-moved-to-http-listener-fires", [
      { id: "HTTPRoute/shop/api", classification: "widened", level: ["public", "public"], findings: [
        { rule: "public-without-tls", line: 12, new: true, severity: "failure", message: publicWithoutTls.gatewayRouteWithoutTls({ object, entryPoint }) },
        { rule: "tls-removed", line: 12, new: true, severity: "failure", message: tlsRemoved.tlsRemoved({ object, entryPoint }) },
      ] },
    ]);
  });

  it("gateway-http-redirect-only-silent: an HTTP listener whose routes only redirect to https serves no content", async () => {
    const report = await expectReview(
      "gateway-http-redirect-only-silent",
      [
        { id: `${GW}/infra/public`, classification: "public", level: ["none", "public"], findings: [] },
        { id: "HTTPRoute/infra/to-https", classification: "public", level: ["none", "public"], findings: [] },
        { id: "HTTPRoute/infra/docs", classification: "public", level: ["none", "public"], findings: [] },
      ],
      { silent: ["public-without-tls", "wildcard-host", "gateway-routes-from-all-namespaces"] },
    );
    expect(report.objects[0]?.reach.head?.entryPoints.map(({ key, redirectOnly }) => [key, redirectOnly ?? false])).toEqual([
      ["listener http", true],
      ["listener https", false],
    ]);
  });

  it("httproute-gateway-outside-tree-assumed: a Gateway the tree lacks is public unless gateway.gateways says, and the finding says so", async () => {
    const report = await expectReview(
      "httproute-gateway-outside-tree-assumed",
      [
        { id: "HTTPRoute/shop/previews", classification: "public", level: ["none", "public"], findings: [
          {
            rule: "wildcard-host",
            line: 11,
            new: true,
            severity: "warning",
            message: `${wildcardHost.wildcardHost({ object: "HTTPRoute shop/previews", host: "*.preview.example.com" })} Gateway infra/edge is not in the tree: assumed public (set its level in gateway.gateways of the config); its listeners are unknown, so TLS is not judged.`,
          },
        ] },
        { id: "HTTPRoute/shop/admin", classification: "widened", level: ["none", "private"], findings: [] },
      ],
      { config: { gateway: { gateways: { "infra/lan": "private" } } }, silent: ["public-without-tls", "tls-removed"] },
    );
    expect(report.objects[0]?.reach.head?.entryPoints.map(({ tls, tlsUnknown }) => ({ tls, tlsUnknown }))).toEqual([{ tls: false, tlsUnknown: true }]);
  });

  it("httproute-not-attached-internal: namespace selector, sectionName, hostname and kind keep routes off the Gateway", async () => {
    const report = await expectReview(
      "httproute-not-attached-internal",
      [
        ["HTTPRoute/blog/blog"],
        ["HTTPRoute/shop/wrong-section"],
        ["HTTPRoute/shop/other-domain"],
        ["GRPCRoute/shop/grpc"],
        ["HTTPRoute/shop/mesh-only"],
      ].map(([id]) => ({ id: id!, classification: "internal" as const, level: ["none", "cluster"] as [Level, Level], findings: [] })),
      { silent: ["wildcard-host", "public-without-tls"] },
    );
    expect(report.objects.map((object) => object.reach.head?.why)).toEqual([
      ["no listener of Gateway infra/public admits it (allowedRoutes or hostnames exclude HTTPRoute blog/blog)"],
      ["no listener of Gateway infra/public admits it (it has no listener named http)"],
      ["no listener of Gateway infra/public admits it (allowedRoutes or hostnames exclude HTTPRoute shop/other-domain)"],
      ["no listener of Gateway infra/public admits it (allowedRoutes or hostnames exclude GRPCRoute shop/grpc)"],
      ["no parentRefs to a Gateway: attached to no Gateway"],
    ]);
  });

  it("gateway-api-l4-routes: TCP, UDP, TLS passthrough and gRPC routes", async () => {
    const report = await expectReview(
      "gateway-api-l4-routes",
      [
        { id: `${GW}/infra/edge`, classification: "public", level: ["none", "public"], findings: [
          { rule: "sensitive-port-exposed", line: 9, new: true, severity: "failure", message: sensitivePort.servicePort({ object: "Gateway infra/edge", product: "PostgreSQL", port: 5432, where: "from the internet" }) },
        ] },
        { id: "TCPRoute/infra/db", classification: "public", level: ["none", "public"], findings: [
          { rule: "sensitive-port-exposed", line: 8, new: true, severity: "failure", message: sensitivePort.servicePort({ object: "TCPRoute infra/db", product: "PostgreSQL", port: 5432, where: "from the internet" }) },
        ] },
        { id: "UDPRoute/infra/dns", classification: "public", level: ["none", "public"], findings: [] },
        { id: "TLSRoute/infra/vault", classification: "public", level: ["none", "public"], findings: [] },
        { id: "GRPCRoute/infra/orders", classification: "public", level: ["none", "public"], findings: [
          { rule: "wildcard-host", line: 51, new: true, severity: "warning", message: wildcardHost.routeCatchAll({ object: "GRPCRoute infra/orders", gateway: "infra/edge" }) },
        ] },
      ],
      { silent: ["public-without-tls"] },
    );
    expect(report.objects.flatMap((object) => object.reach.head?.entryPoints.map((entryPoint) => entryPoint.key) ?? [])).toEqual([
      "listener postgres",
      "listener dns",
      "listener tls-passthrough",
      "listener grpc",
      "infra/edge TCP/5432",
      "infra/edge UDP/53",
      "infra/edge vault.example.com",
      "infra/edge */shop.Orders/Place",
    ]);
  });

  it("gateway-edit-lists-only-gateway: a route behind an edited Gateway is not listed unless edited too", async () => {
    await expectReview(
      "gateway-edit-lists-only-gateway",
      [{ id: `${GW}/infra/public`, classification: "narrowed", level: ["public", "private"], findings: [] }],
      { silent: ["gateway-routes-from-all-namespaces"] },
    );
  });

  it("httproute-public-and-private-gateways: entry points keep their Gateway's level", async () => {
    const report = await expectReview(
      "httproute-public-and-private-gateways",
      [
        { id: `${GW}/infra/external`, classification: "public", level: ["none", "public"], findings: [] },
        { id: `${GW}/infra/internal`, classification: "widened", level: ["none", "private"], findings: [] },
        { id: "HTTPRoute/infra/status", classification: "public", level: ["none", "public"], findings: [] },
      ],
      { config: { gateway: { gateways: { "infra/internal": "private" } } }, silent: ["public-without-tls"] },
    );
    expect(report.objects[2]?.reach.head?.entryPoints.map(({ key, tls, level }) => ({ key, tls, level }))).toEqual([
      { key: "infra/external status.example.com/", tls: true, level: undefined },
      { key: "infra/internal status.example.com/", tls: false, level: "private" },
    ]);
  });
});

describe("suppressions and config", () => {
  it("suppressed-by-annotation: exposure-review.io/allow lists the finding with its reason", async () => {
    const report = await expectReview(
      "suppressed-by-annotation",
      [
        {
          id: "Service/edge/cdn-origin",
          classification: "public",
          level: ["none", "public"],
          findings: [],
          suppressed: [
            { rule: "public-loadbalancer", reason: "Origin for CloudFront, locked down by security group; SEC-142", by: "annotation" },
          ],
        },
      ],
      { silent: ["public-without-tls"] },
    );
    expect(report.conclusion).toBe("success");
  });

  it("suppressed-by-config: a config suppression matches by Kind/namespace/name pattern only", async () => {
    await expectReview(
      "suppressed-by-config",
      [
        {
          id: "Service/observability/prometheus-node",
          classification: "widened",
          level: ["none", "node"],
          findings: [],
          suppressed: [{ rule: "nodeport", reason: "Scraped by the on-prem federation; OPS-311", by: "config" }],
        },
        {
          id: "Service/shop/web-node",
          classification: "widened",
          level: ["none", "node"],
          findings: [{ rule: "nodeport", line: 22, new: true, severity: "warning", message: nodeport.nodePort({ object: "Service shop/web-node" }) }],
        },
      ],
      {
        config: {
          suppressions: [{ rule: "nodeport", object: "Service/observability/*", reason: "Scraped by the on-prem federation; OPS-311" }],
        },
      },
    );
  });

  it("config-rule-off-silent: a rule set to off is not listed; another is raised to failure", async () => {
    const report = await expectReview(
      "config-rule-off-silent",
      [
        { id: "Service/messaging/kafka-ui", classification: "widened", level: ["none", "node"], findings: [] },
        {
          id: "Service/games/game-server",
          classification: "public",
          level: ["none", "public"],
          findings: [
            {
              rule: "public-loadbalancer",
              line: 21,
              fix: { startLine: 21, endLine: 21, fixed: toClusterIp("config-rule-off-silent/head/k8s/services.yaml", 21) },
              new: true,
              severity: "failure",
              message: publicLoadBalancer.publicLoadBalancer({ object: "Service games/game-server", why: [PLAIN_LB] }),
            },
          ],
        },
      ],
      { config: { rules: { nodeport: "off", "public-loadbalancer": "failure" } } },
    );
    expect(report.conclusion).toBe("failure");
  });
});

// CONTRACT.md: a finding is new unless the same rule fired for the same object AND the same entry point on
// the base side; a rule about the whole object is keyed on the object and each port it covers.
describe("new per entry point", () => {
  it("lb-untouched-preexisting: a label change leaves every finding of an old public load balancer already present", async () => {
    const object = "Service shop/legacy-web";
    const report = await expectReview("lb-untouched-preexisting", [
      {
        id: "Service/shop/legacy-web",
        classification: "unchanged",
        level: ["public", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 9,
            new: false,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({ object, why: [PLAIN_LB] }),
            fix: { startLine: 9, endLine: 9, fixed: toClusterIp("lb-untouched-preexisting/head/k8s/web.yaml", 9) },
          },
          { rule: "public-without-tls", line: 13, new: false, severity: "failure", message: publicWithoutTls.plainHttpPort({ object, entryPoint: "TCP/80" }) },
          { rule: "sensitive-port-exposed", line: 16, new: false, severity: "failure", message: sensitivePort.servicePort({ object, product: "Redis", port: 6379, where: "from the internet" }) },
        ],
      },
    ]);
    expect(report.conclusion).toBe("success");
  });

  it("lb-port-8443-added-open-range-fires: port 8443 added to a public load balancer is new about 8443, for every whole-object rule", async () => {
    const object = "Service edge/edge-proxy";
    const report = await expectReview("lb-port-8443-added-open-range-fires", [
      {
        id: "Service/edge/edge-proxy",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 9,
            new: true,
            severity: "warning",
            message: `${publicLoadBalancer.publicLoadBalancer({ object, why: [PLAIN_LB, "allow-list 0.0.0.0/0 admits every address"] })} ${newlyCovered.note({ added: ["TCP/8443"], kept: ["TCP/443"] })}`,
          },
          {
            rule: "open-source-range",
            line: 10,
            new: true,
            severity: "warning",
            message: `${openSourceRange.openRange({ object, cidrs: ["0.0.0.0/0"], source: "spec.loadBalancerSourceRanges" })} ${newlyCovered.note({
              added: ["TCP/8443 from 0.0.0.0/0"],
              kept: ["TCP/443 from 0.0.0.0/0"],
            })}`,
          },
        ],
      },
    ]);
    expect(report.conclusion).toBe("neutral");
    // The title names the new port, not just "public LoadBalancer".
    expect(report.objects[0]!.findings[0]!.headline).toBe(newlyCovered.headline({ headline: publicLoadBalancer.headline({ before: "public" }), added: ["TCP/8443"] }));
  });

  it("nodeport-port-added-fires: a second node port on an old NodePort Service is new about that port", async () => {
    await expectReview("nodeport-port-added-fires", [
      {
        id: "Service/observability/grafana",
        classification: "widened",
        level: ["node", "node"],
        findings: [
          {
            rule: "nodeport",
            line: 7,
            new: true,
            severity: "warning",
            message: `${nodeport.nodePort({ object: "Service observability/grafana" })} ${newlyCovered.note({ added: ["TCP/30909"], kept: ["TCP/30300"] })}`,
          },
        ],
      },
    ]);
  });

  it("sensitive-port-nodeport-to-lb-fires: Redis on every node's IP, now on the internet, is a new finding", async () => {
    const object = "Service cache/redis";
    const report = await expectReview("sensitive-port-nodeport-to-lb-fires", [
      {
        id: "Service/cache/redis",
        classification: "public",
        level: ["node", "public"],
        findings: [
          {
            rule: "public-loadbalancer",
            line: 7,
            new: true,
            severity: "warning",
            message: publicLoadBalancer.publicLoadBalancer({ object, why: [PLAIN_LB] }),
            fix: { startLine: 7, endLine: 7, fixed: toClusterIp("sensitive-port-nodeport-to-lb-fires/head/k8s/redis.yaml", 7) },
          },
          { rule: "sensitive-port-exposed", line: 11, new: true, severity: "failure", message: sensitivePort.servicePort({ object, product: "Redis", port: 6379, where: "from the internet" }) },
        ],
      },
    ]);
    expect(report.conclusion).toBe("failure");
  });

  it("external-ips-address-added-fires: one more external address is new about the ports opened on it", async () => {
    await expectReview("external-ips-address-added-fires", [
      {
        id: "Service/edge/dns",
        classification: "unchanged",
        level: ["private", "private"],
        findings: [
          {
            rule: "external-ips",
            line: 9,
            new: true,
            severity: "warning",
            message: `${externalIps.externalIps({ object: "Service edge/dns", addresses: ["10.0.0.53", "10.0.1.53"] })} ${newlyCovered.note({
              added: ["UDP/53 on 10.0.1.53"],
              kept: ["UDP/53 on 10.0.0.53"],
            })}`,
          },
        ],
      },
    ]);
  });

  it("ingress-plaintext-hosts-added-fires: new plaintext and wildcard hosts are new; the hosts that were there stay already present", async () => {
    const object = "Ingress web/previews";
    const withoutTls = (entryPoint: string) => publicWithoutTls.routeWithoutTls({ object, entryPoint });
    const report = await expectReview("ingress-plaintext-hosts-added-fires", [
      {
        id: "Ingress/web/previews",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          { rule: "public-without-tls", line: 9, new: false, severity: "failure", message: withoutTls("docs.example.com/") },
          { rule: "public-without-tls", line: 19, new: false, severity: "failure", message: withoutTls("*.preview.example.com/") },
          { rule: "wildcard-host", line: 19, new: false, severity: "warning", message: wildcardHost.wildcardHost({ object, host: "*.preview.example.com" }) },
          { rule: "public-without-tls", line: 29, new: true, severity: "failure", message: withoutTls("api.example.com/") },
          { rule: "public-without-tls", line: 39, new: true, severity: "failure", message: withoutTls("*.staging.example.com/") },
          { rule: "wildcard-host", line: 39, new: true, severity: "warning", message: wildcardHost.wildcardHost({ object, host: "*.staging.example.com" }) },
        ],
      },
    ]);
    expect(report.conclusion).toBe("failure");
  });

  it("httproute-plain-host-added-fires: a hostname added to a route on a plain HTTP listener is new; the old one is not", async () => {
    const object = "HTTPRoute shop/api";
    await expectReview("httproute-plain-host-added-fires", [
      {
        id: "HTTPRoute/shop/api",
        classification: "widened",
        level: ["public", "public"],
        findings: [
          {
            rule: "public-without-tls",
            line: 12,
            new: false,
            severity: "failure",
            message: publicWithoutTls.gatewayRouteWithoutTls({ object, entryPoint: "api.example.com/v1 (Gateway infra/public, listener http)" }),
          },
          {
            rule: "public-without-tls",
            line: 13,
            new: true,
            severity: "failure",
            message: publicWithoutTls.gatewayRouteWithoutTls({ object, entryPoint: "api-v2.example.com/v1 (Gateway infra/public, listener http)" }),
          },
        ],
      },
    ]);
  });
});

// These run last (vitest runs a file's tests in order) and read what the cases above recorded.
describe("coverage of the fixtures", () => {
  it("every rule fired in some fixture", () => {
    const never = RULE_IDS.filter((rule) => !fired.has(rule)).map((rule) => `rule ${rule} never fired in any fixture`);
    expect(never).toEqual([]);
  });

  it("every rule had a silent case", () => {
    const never = RULE_IDS.filter((rule) => !silentSeen.has(rule)).map((rule) => `rule ${rule} never had a silent case`);
    expect(never).toEqual([]);
  });

  it("every classification occurred", () => {
    expect(CLASSIFICATIONS.filter((classification) => !classificationsSeen.has(classification))).toEqual([]);
  });

  it("every fixture folder has a test case", () => {
    expect(manifestFixtureNames().filter((name) => !casesRun.has(name))).toEqual([]);
  });
});

/**
 * The findings on the head side of Gateway infra/shared (listeners http, https and postgres, all public, all
 * admitting routes from every namespace), with `isNew(line)` saying which are new.
 */
function sharedGatewayFindings(isNew: (line: number) => boolean): ExpectedFinding[] {
  const object = "Gateway infra/shared";
  const http = "listener http (HTTP/80 *)";
  return [
    { rule: "public-without-tls", line: 9, new: isNew(9), severity: "failure", message: publicWithoutTls.plainHttpListener({ object, entryPoint: http }) },
    { rule: "gateway-routes-from-all-namespaces", line: 14, new: isNew(14), severity: "warning", message: gatewayRoutesFromAll.routesFromAll({ object, listener: http }) },
    {
      rule: "gateway-routes-from-all-namespaces",
      line: 24,
      new: isNew(24),
      severity: "warning",
      message: gatewayRoutesFromAll.routesFromAll({ object, listener: "listener https (HTTPS/443 *.example.com)" }),
    },
    { rule: "sensitive-port-exposed", line: 25, new: isNew(25), severity: "failure", message: sensitivePort.servicePort({ object, product: "PostgreSQL", port: 5432, where: "from the internet" }) },
  ];
}

/** A fixture's head manifest with `type: LoadBalancer` on `line` made ClusterIP: public-loadbalancer's fix. */
function toClusterIp(file: string, line: number): string {
  const lines = readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), "utf8").split("\n");
  expect(lines[line - 1]).toBe("  type: LoadBalancer");
  lines[line - 1] = "  type: ClusterIP";
  return lines.join("\n");
}
