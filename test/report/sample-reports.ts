/**
 * Hand-built Reports for the renderer tests (STYLE habit 14): renderers are tested from a Report,
 * never through review(), so a change in the core does not move their expected output.
 */
import type { ObjectReport, Report } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";

const gateway: ObjectReport = {
  kind: "Service",
  apiVersion: "v1",
  namespace: "edge",
  name: "gateway",
  id: "Service/edge/gateway",
  file: "k8s/gateway.yaml",
  line: 1,
  change: "added",
  classification: "public",
  level: { base: "none", head: "public" },
  findings: [
    {
      rule: "public-without-tls",
      severity: "failure",
      new: true,
      line: 12,
      message: "Service edge/gateway serves plain HTTP on TCP/80 to the internet.",
      recommendation: "Terminate TLS at the load balancer (a certificate annotation) and serve 443.",
    },
  ],
  suppressed: [
    {
      rule: "public-loadbalancer",
      severity: "warning",
      new: true,
      line: 8,
      message: "Service edge/gateway is a public LoadBalancer.",
      recommendation: "Use one shared Ingress, or an internal-LB annotation.",
      reason: "Fronted by the CDN; ticket SEC-142",
      by: "config",
    },
  ],
  reach: {},
  changes: [],
};

const storefront: ObjectReport = {
  kind: "Ingress",
  apiVersion: "networking.k8s.io/v1",
  namespace: "shop",
  name: "storefront",
  id: "Ingress/shop/storefront",
  file: "k8s/shop/ingress.yaml",
  line: 3,
  change: "modified",
  classification: "widened",
  level: { base: "public", head: "public" },
  findings: [
    {
      rule: "tls-removed",
      severity: "failure",
      new: true,
      line: 9,
      message: "Ingress shop/storefront no longer serves shop.example.com/ over TLS.",
      recommendation: "Keep the spec.tls entry for every public host.",
    },
    {
      rule: "wildcard-host",
      severity: "warning",
      new: false,
      line: 14,
      message: "Ingress shop/storefront routes the wildcard host *.example.com.",
      recommendation: "Name each host.",
    },
  ],
  suppressed: [],
  reach: {},
  changes: ["spec.tls: removed hosts shop.example.com"],
};

const debug: ObjectReport = {
  kind: "Service",
  apiVersion: "v1",
  namespace: "default",
  name: "debug",
  id: "Service/default/debug",
  file: "k8s/debug.yaml",
  line: 20,
  change: "modified",
  classification: "widened",
  level: { base: "cluster", head: "node" },
  findings: [
    {
      rule: "nodeport",
      severity: "warning",
      new: true,
      line: 24,
      message: "Service default/debug is type NodePort.",
      recommendation: "Use type ClusterIP behind an Ingress.",
    },
  ],
  suppressed: [
    {
      rule: "sensitive-port-exposed",
      severity: "failure",
      new: true,
      line: 27,
      message: "Service default/debug exposes PostgreSQL (5432) on every node.",
      recommendation: "Keep databases at cluster level.",
      reason: "Debug database, removed after the migration",
      by: "annotation",
    },
  ],
  reach: {},
  baseFile: "k8s/old/debug.yaml",
  changes: ["spec.type: ClusterIP → NodePort", "spec.ports[pg]: added 5432/TCP (nodePort 30432)"],
};

/** Public LB without TLS, TLS removed, a NodePort, suppressions of both kinds, a pre-existing finding, errors. */
export const realisticReport: Report = {
  version: 1,
  conclusion: "failure",
  objects: [debug, gateway, storefront],
  errors: [
    { file: "k8s/broken.yaml", line: 3, reason: "syntax", message: "Nested mappings are not allowed in compact mappings", side: "head" },
    { file: "charts/app/templates/svc.yaml", reason: "template", message: "Helm template: not reviewed", side: "head" },
  ],
  stats: { baseFiles: 4, headFiles: 6, objectsCompared: 5 },
};

export const emptyReport: Report = {
  version: 1,
  conclusion: "success",
  objects: [],
  errors: [],
  stats: { baseFiles: 2, headFiles: 2, objectsCompared: 1 },
};

/** Names, hosts and messages a manifest author controls, full of markdown syntax. */
export const hostileReport: Report = {
  version: 1,
  conclusion: "neutral",
  objects: [
    {
      kind: "Ingress",
      apiVersion: "networking.k8s.io/v1",
      namespace: "team|a",
      name: "x_*y*_",
      id: "Ingress/team|a/x_*y*_",
      file: "k8s/[evil](http://x).yaml",
      line: 1,
      change: "added",
      classification: "public",
      level: { base: "none", head: "public" },
      findings: [
        {
          rule: "wildcard-host",
          severity: "warning",
          new: true,
          line: 5,
          message: "Host *.example.com | <img src=x> `code`\n# heading",
          recommendation: "Name ~~each~~ host & [link](http://y)",
        },
      ],
      suppressed: [],
      reach: {},
      changes: ['metadata.annotations["a|b"]: added "<script>"'],
    },
  ],
  errors: [{ file: "bad|file.yaml", line: 2, reason: "syntax", message: "a | b", side: "base" }],
  stats: { baseFiles: 1, headFiles: 1, objectsCompared: 1 },
};

/**
 * A real review of a change that makes a Service NodePort and, in the same edit, adds the annotation that
 * allows it: the suppression the change itself adds, for every renderer to show as such.
 */
export function selfSuppressedReport(): Report {
  const before = `apiVersion: v1\nkind: Service\nmetadata:\n  name: grafana\n  namespace: ops\nspec:\n  ports:\n    - port: 3000\n`;
  const after = before
    .replace("  namespace: ops\n", '  namespace: ops\n  annotations:\n    exposure-review.io/allow: "nodeport: VPN only"\n')
    .replace("spec:\n", "spec:\n  type: NodePort\n");
  return review({ base: [{ path: "g.yaml", text: before }], head: [{ path: "g.yaml", text: after }] });
}
