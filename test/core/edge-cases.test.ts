/**
 * Edge cases found in an adversarial review of the core: each one is a pull request whose exposure
 * was misread (mostly something becoming reachable that the report did not say). Manifests are inline
 * so the whole case reads in one place.
 */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import type { Report } from "../../src/core/model.js";
import { parseManifestFile } from "../../src/core/manifest.js";
import { review } from "../../src/core/review.js";
import { messages as openSourceRange } from "../../src/core/rules/open-source-range.js";

type Tree = Record<string, string>;

function reviewTrees(base: Tree, head: Tree): Report {
  const files = (tree: Tree) => Object.entries(tree).map(([path, text]) => ({ path, text }));
  return review({ base: files(base), head: files(head), config: configSchema.parse({}) });
}

/** id, change, classification, levels and the counted findings: what a reviewer reads first. */
function summary(report: Report) {
  return report.objects.map((object) => ({
    id: object.id,
    change: object.change,
    classification: object.classification,
    level: [object.level.base, object.level.head],
    findings: object.findings.map((finding) => `${finding.rule}@${finding.line}${finding.new ? "" : " (old)"}`),
  }));
}

const POSTGRES_LB = `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: LoadBalancer
  ports:
    - port: 5432
`;

describe("an unreadable document hides only what it could have been", () => {
  const brokenConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: "unterminated
`;
  const fixedConfigMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: "hello"
`;

  it("a public load balancer added next to a base document that did not parse is still reported", () => {
    const report = reviewTrees({ "k8s/app.yaml": brokenConfigMap }, { "k8s/app.yaml": `${fixedConfigMap}---\n${POSTGRES_LB}` });
    expect(summary(report)).toEqual([
      {
        id: "Service/default/db",
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: ["public-loadbalancer@13", "sensitive-port-exposed@15"],
      },
    ]);
    expect(report.conclusion).toBe("failure");
    // The unterminated string runs to the end of the file: its error sits on the last line, not past it.
    expect(report.errors.map((error) => [error.side, error.file, error.line, error.reason])).toEqual([["base", "k8s/app.yaml", 6, "syntax"]]);
  });

  it("an object whose own base document did not parse is reviewed as new: the merge deploys it, and nothing shows it was there", () => {
    const brokenService = POSTGRES_LB.replace("name: db", 'name: db\n  labels: {tier: "data}');
    const report = reviewTrees({ "k8s/app.yaml": brokenService }, { "k8s/app.yaml": POSTGRES_LB });
    expect(report.objects.map((object) => [object.id, object.change, object.classification])).toEqual([["Service/default/db", "added", "public"]]);
    expect(report.objects[0]!.findings.filter((finding) => finding.rule === "sensitive-port-exposed").map((finding) => finding.new)).toEqual([true]);
    expect(report.errors.map((error) => [error.side, error.reason, error.hides])).toEqual([["base", "syntax", ["Service/default/db"]]]);
    expect(report.conclusion).toBe("failure");
  });

  it("an object whose head document no longer parses is not reported removed", () => {
    const brokenService = POSTGRES_LB.replace("name: db", 'name: db\n  labels: {tier: "data}');
    const report = reviewTrees({ "k8s/app.yaml": `${fixedConfigMap}---\n${POSTGRES_LB}` }, { "k8s/app.yaml": `${fixedConfigMap}---\n${brokenService}` });
    expect(summary(report)).toEqual([]);
    expect(report.conclusion).toBe("neutral");
  });

  it("a Service deleted from a file whose other document broke is reported removed", () => {
    const report = reviewTrees({ "k8s/app.yaml": `${fixedConfigMap}---\n${POSTGRES_LB}` }, { "k8s/app.yaml": brokenConfigMap });
    expect(summary(report)).toEqual([
      { id: "Service/default/db", change: "removed", classification: "removed", level: ["public", "none"], findings: [] },
    ]);
  });

  it("a base file that was a template as a whole still hides the objects of its head version, which are reviewed as new", () => {
    const templated = POSTGRES_LB.replace("name: db", "name: db\n  labels: {release: '{{ .Release.Name }}'}");
    const report = reviewTrees({ "k8s/app.yaml": templated }, { "k8s/app.yaml": POSTGRES_LB });
    expect(report.errors.map((error) => [error.side, error.reason, error.hides])).toEqual([["base", "template", ["Service/default/db"]]]);
    expect(report.objects.map((object) => [object.id, object.change])).toEqual([["Service/default/db", "added"]]);
    expect(report.objects[0]!.findings.every((finding) => finding.new && finding.message.includes("Its base side could not be read (k8s/app.yaml"))).toBe(true);
  });
});

describe("an allow-list whose blocks together admit every address restricts nothing", () => {
  const splitRanges = POSTGRES_LB.replace("name: db", "name: vpn").replace(
    "  ports:",
    '  loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"]\n  ports:',
  );

  it("0.0.0.0/1 + 128.0.0.0/1 on a load balancer is public, with open-source-range", () => {
    const report = reviewTrees({}, { "k8s/vpn.yaml": splitRanges });
    expect(summary(report)).toEqual([
      {
        id: "Service/default/vpn",
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: ["public-loadbalancer@6", "open-source-range@7", "sensitive-port-exposed@9"],
      },
    ]);
    const openRange = report.objects[0]?.findings.find((finding) => finding.rule === "open-source-range");
    expect(openRange?.message).toBe(
      openSourceRange.openRange({
        object: "Service default/vpn",
        cidrs: ["0.0.0.0/1", "128.0.0.0/1"],
        source: "spec.loadBalancerSourceRanges",
      }),
    );
  });

  it("narrowing 10.0.0.0/8 to the split ranges widens the load balancer to public", () => {
    const restricted = splitRanges.replace('["0.0.0.0/1", "128.0.0.0/1"]', '["10.0.0.0/8"]');
    const report = reviewTrees({ "k8s/vpn.yaml": restricted }, { "k8s/vpn.yaml": splitRanges });
    expect(summary(report)[0]?.classification).toBe("public");
  });
});

describe("ALB Ingresses read only the ALB allow-list", () => {
  const albIngress = (annotations: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: partner
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
${annotations}spec:
  ingressClassName: alb
  tls:
    - hosts: [partner.example.com]
  rules:
    - host: partner.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: partner, port: {number: 443}}}
`;

  it("an nginx allow-list on an internet-facing ALB restricts nothing: the ALB controller ignores it", () => {
    const report = reviewTrees(
      {},
      { "k8s/partner.yaml": albIngress("    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8\n") },
    );
    expect(summary(report)).toEqual([
      { id: "Ingress/default/partner", change: "added", classification: "public", level: ["none", "public"], findings: [] },
    ]);
  });

  it("an open inbound-cidrs is not hidden behind a restrictive nginx annotation", () => {
    const report = reviewTrees(
      {},
      {
        "k8s/partner.yaml": albIngress(
          "    nginx.ingress.kubernetes.io/allowlist-source-range: 10.0.0.0/8\n    alb.ingress.kubernetes.io/inbound-cidrs: 0.0.0.0/0\n",
        ),
      },
    );
    expect(summary(report)).toEqual([
      {
        id: "Ingress/default/partner",
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: ["open-source-range@8"],
      },
    ]);
  });

  it("inbound-cidrs that exclude the internet keep an internet-facing ALB private", () => {
    const report = reviewTrees({}, { "k8s/partner.yaml": albIngress("    alb.ingress.kubernetes.io/inbound-cidrs: 203.0.113.0/24\n") });
    expect(summary(report)).toEqual([
      { id: "Ingress/default/partner", change: "added", classification: "widened", level: ["none", "private"], findings: [] },
    ]);
  });
});

describe("merge keys are expanded where they stand, as kubectl (go-yaml v2) expands them", () => {
  // go-yaml v2 writes a merged map's keys into the mapping when it reaches `<<`: they overwrite the
  // keys written before it, and keys written after it overwrite them.
  const sharedSpec = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: edge}
  spec: &public
    type: LoadBalancer
    ports: [{port: 443}]
- apiVersion: v1
  kind: Service
  metadata: {name: admin}
  spec:
    type: ClusterIP
    <<: *public
- apiVersion: v1
  kind: Service
  metadata: {name: internal}
  spec:
    <<: *public
    type: ClusterIP
`;

  it("a key written before the merge key is overwritten by it; one written after overwrites it", () => {
    const parsed = parseManifestFile({ path: "k8s/list.yaml", text: sharedSpec }, "head");
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((object) => [object.name, (object.body.spec as { type: string }).type])).toEqual([
      ["edge", "LoadBalancer"],
      ["admin", "LoadBalancer"],
      ["internal", "ClusterIP"],
    ]);
    // The type that applies is the anchor's: that is the line to point at.
    expect(parsed.objects[1]?.rangeOf(["spec", "type"]).line).toBe(8);
  });

  it("the Service kubectl would make a public load balancer is reviewed as one", () => {
    const report = reviewTrees({}, { "k8s/list.yaml": sharedSpec });
    expect(summary(report).map((object) => [object.id, object.level[1]])).toEqual([
      ["Service/default/edge", "public"],
      ["Service/default/admin", "public"],
      ["Service/default/internal", "cluster"],
    ]);
  });

  it("keys before a merge that the merged map does not set are kept", () => {
    const parsed = parseManifestFile(
      {
        path: "k8s/svc.yaml",
        text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {team: shop}\n  <<: {labels: {app: web}}\nspec: {type: NodePort}\n",
      },
      "head",
    );
    expect(parsed.objects[0]?.body.metadata).toEqual({ name: "web", annotations: { team: "shop" }, labels: { app: "web" } });
  });
});

describe("writing out a default is not a change", () => {
  it("an explicit `namespace: default` is the same object as no namespace", () => {
    const implicit = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 8080\n`;
    const explicit = implicit.replace("  name: web\n", "  name: web\n  namespace: default\n");
    expect(reviewTrees({ "web.yaml": implicit }, { "web.yaml": explicit }).objects).toEqual([]);
    expect(reviewTrees({ "web.yaml": explicit }, { "web.yaml": implicit }).objects).toEqual([]);
  });

  it("but a change next to it is still one", () => {
    const implicit = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 8080\n`;
    const explicit = implicit.replace("  name: web\n", "  name: web\n  namespace: default\n").replace("spec:\n", "spec:\n  type: NodePort\n");
    expect(summary(reviewTrees({ "web.yaml": implicit }, { "web.yaml": explicit }))).toEqual([
      { id: "Service/default/web", change: "modified", classification: "widened", level: ["cluster", "node"], findings: ["nodeport@7"] },
    ]);
  });
});

describe("a change that suppresses its own finding", () => {
  const service = (annotation: string | undefined, type: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: grafana\n  namespace: ops\n${
      annotation ? `  annotations:\n    exposure-review.io/allow: "${annotation}"\n` : ""
    }spec:\n  type: ${type}\n  ports:\n    - port: 3000\n`;
  const suppressedOf = (report: Report) =>
    report.objects.flatMap((object) => object.suppressed.map(({ rule, by, reason, addedByChange }) => ({ rule, by, reason, addedByChange })));

  it("is marked when the allow annotation is new in the change", () => {
    const report = reviewTrees({ "g.yaml": service(undefined, "ClusterIP") }, { "g.yaml": service("nodeport: VPN only", "NodePort") });
    expect(suppressedOf(report)).toEqual([{ rule: "nodeport", by: "annotation", reason: "VPN only", addedByChange: true }]);
    expect(report.conclusion).toBe("success");
  });

  it("is marked for a new object that carries its own allow annotation", () => {
    const report = reviewTrees({}, { "g.yaml": service("*: lab cluster", "NodePort") });
    expect(suppressedOf(report)).toEqual([{ rule: "nodeport", by: "annotation", reason: "lab cluster", addedByChange: true }]);
  });

  it("is not marked when the base object already allowed the rule", () => {
    const report = reviewTrees({ "g.yaml": service("nodeport: VPN only", "NodePort") }, { "g.yaml": service("nodeport: VPN only", "NodePort").replace("port: 3000", "port: 3001") });
    expect(suppressedOf(report)).toEqual([{ rule: "nodeport", by: "annotation", reason: "VPN only", addedByChange: undefined }]);
  });
});
