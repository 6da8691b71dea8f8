/**
 * One-click fixes on the manifest styles the fixtures do not cover: quoting, flow collections, JSON,
 * several paths of one host. A fix is only offered when one edit of the exact source text is right.
 */
import { describe, expect, it } from "vitest";
import { parseManifestFile } from "../../src/core/manifest.js";
import type { ObjectSide, RawFinding } from "../../src/core/model.js";
import { readReach } from "../../src/core/reach/index.js";
import nodeport from "../../src/core/rules/nodeport.js";
import publicWithoutTls from "../../src/core/rules/public-without-tls.js";
import type { Rule } from "../../src/core/rules/rule.js";
import tlsRemoved from "../../src/core/rules/tls-removed.js";
import { applyFix } from "../helpers/fixtures.js";

function check(rule: Rule, text: string, path = "k8s/manifest.yaml"): { findings: RawFinding[]; text: string } {
  const parsed = parseManifestFile({ path, text }, "head");
  expect(parsed.errors).toEqual([]);
  const object = parsed.objects[0]!;
  const reach = readReach(object, { internalClasses: [] })!;
  return { findings: rule.check({ head: { object, reach } }), text };
}

/** The head text after the finding's fix, or undefined when it offers none. */
function fixed(finding: RawFinding | undefined, text: string): string | undefined {
  return finding?.fix ? applyFix(text, finding.fix) : undefined;
}

const ingress = (tls: string, rules: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  ingressClassName: nginx
${tls}  rules:
${rules}`;

const rule = (host: string, path = "/") => `    - host: ${host}
      http:
        paths:
          - path: ${path}
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`;

describe("nodeport fix", () => {
  it("keeps double quotes", () => {
    const { findings, text } = check(nodeport, `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: "NodePort"\n  ports:\n    - port: 80\n`);
    expect(findings.map((f) => f.fix)).toEqual([{ startLine: 6, endLine: 6, replacement: '  type: "ClusterIP"' }]);
    expect(fixed(findings[0], text)).toBe(`apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: "ClusterIP"\n  ports:\n    - port: 80\n`);
  });

  it("edits the value inside a flow mapping, leaving the rest of the line", () => {
    const { findings } = check(nodeport, `apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n`);
    expect(findings.map((f) => f.fix)).toEqual([{ startLine: 4, endLine: 4, replacement: "spec: {type: ClusterIP, ports: [{port: 80}]}" }]);
  });

  it("edits a JSON manifest in place", () => {
    const json = `{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": { "name": "web", "namespace": "shop" },
  "spec": {
    "type": "NodePort",
    "ports": [{ "port": 80 }]
  }
}
`;
    const { findings } = check(nodeport, json, "k8s/web.json");
    expect(findings.map((f) => f.fix)).toEqual([{ startLine: 6, endLine: 6, replacement: '    "type": "ClusterIP",' }]);
  });

  it("offers no fix when a port pins a nodePort", () => {
    const { findings } = check(nodeport, `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 30080\n`);
    expect(findings.map((f) => ({ line: f.line, fix: f.fix }))).toEqual([{ line: 6, fix: undefined }]);
  });
});

describe("public-without-tls fix", () => {
  it("keeps the single quotes of the existing hosts", () => {
    const text = ingress(`  tls:\n    - hosts:\n        - 'shop.example.com'\n      secretName: shop-tls\n`, rule("shop.example.com") + rule("api.example.com"));
    const { findings } = check(publicWithoutTls, text);
    expect(findings.map((f) => ({ line: f.line, fix: f.fix }))).toEqual([
      { line: 23, fix: { startLine: 10, endLine: 10, replacement: "        - 'shop.example.com'\n        - 'api.example.com'" } },
    ]);
  });

  it("quotes an added wildcard host, which YAML would read as an alias", () => {
    const text = ingress(`  tls:\n    - hosts:\n        - shop.example.com\n      secretName: shop-tls\n`, rule('"*.preview.example.com"'));
    const { findings } = check(publicWithoutTls, text);
    expect(fixed(findings[0], text)).toBe(
      ingress(`  tls:\n    - hosts:\n        - shop.example.com\n        - "*.preview.example.com"\n      secretName: shop-tls\n`, rule('"*.preview.example.com"')),
    );
  });

  it("adds to the first tls entry that lists hosts, after its last host", () => {
    const tls = `  tls:\n    - secretName: default-cert\n    - hosts:\n        - a.example.com\n        - b.example.com # legacy\n      secretName: ab-tls\n`;
    const text = ingress(tls, rule("c.example.com"));
    const { findings } = check(publicWithoutTls, text);
    expect(findings.map((f) => f.fix)).toEqual([
      { startLine: 12, endLine: 12, replacement: "        - b.example.com # legacy\n        - c.example.com" },
    ]);
  });

  it("gives the fix once per host when several paths lack TLS", () => {
    const text = ingress(`  tls:\n    - hosts:\n        - shop.example.com\n      secretName: shop-tls\n`, rule("api.example.com", "/v1") + rule("api.example.com", "/v2"));
    const { findings } = check(publicWithoutTls, text);
    expect(findings.map((f) => f.fix === undefined)).toEqual([false, true]);
  });

  it("offers no fix for flow-style hosts, the catch-all, or without a tls entry that lists hosts", () => {
    const flow = ingress(`  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n`, rule("api.example.com"));
    const noHosts = ingress(`  tls:\n    - secretName: default-cert\n`, rule("api.example.com"));
    const catchAll = ingress(`  tls:\n    - hosts:\n        - shop.example.com\n      secretName: shop-tls\n`, rule("shop.example.com").replace("    - host: shop.example.com\n      http:", "    - http:"));
    for (const text of [flow, noHosts, catchAll]) {
      const { findings } = check(publicWithoutTls, text);
      expect(findings.length).toBe(1);
      expect(findings[0]!.fix).toBeUndefined();
    }
  });
});

function sideOf(text: string): ObjectSide {
  const object = parseManifestFile({ path: "k8s/manifest.yaml", text }, "head").objects[0]!;
  return { object, reach: readReach(object, { internalClasses: [] })! };
}

describe("tls-removed restores the deleted spec.tls text verbatim", () => {
  const TWO_HOSTS = rule("a.example.com") + rule("b.example.com");

  it("an Ingress host deleted from its spec.tls entry: the deleted host line, restored after its neighbour", () => {
    const baseText = ingress("  tls:\n    - hosts:\n        - a.example.com\n        - b.example.com\n      secretName: web-tls\n", TWO_HOSTS);
    const headText = ingress("  tls:\n    - hosts:\n        - a.example.com\n      secretName: web-tls\n", TWO_HOSTS);
    const [finding] = tlsRemoved.check({ head: sideOf(headText), base: sideOf(baseText) });
    expect(finding).toMatchObject({ line: 11, side: "base" });
    expect(finding!.message).toContain("This change deletes b.example.com from spec.tls.");
    expect(finding!.recommendation).toContain("spec.tls");
    expect(applyFix(headText, finding!.fix!)).toBe(baseText);
  });

  it("a deleted spec.tls entry, restored verbatim when the other entry stays", () => {
    const a = "    - hosts:\n        - a.example.com\n      secretName: a-tls\n";
    const b = "    - hosts:\n        - b.example.com\n      secretName: b-tls\n";
    const baseText = ingress(`  tls:\n${a}${b}`, TWO_HOSTS);
    const headText = ingress(`  tls:\n${a}`, TWO_HOSTS);
    const [finding] = tlsRemoved.check({ head: sideOf(headText), base: sideOf(baseText) });
    expect(finding).toMatchObject({ line: 12, side: "base" });
    expect(applyFix(headText, finding!.fix!)).toBe(baseText);
  });

  it("a flow list of hosts gets the finding on the deleted line but no fix that would not parse", () => {
    const baseText = ingress("  tls:\n    - hosts: [a.example.com, b.example.com]\n      secretName: web-tls\n", TWO_HOSTS);
    const headText = ingress("  tls:\n    - hosts: [a.example.com]\n      secretName: web-tls\n", TWO_HOSTS);
    const [finding] = tlsRemoved.check({ head: sideOf(headText), base: sideOf(baseText) });
    expect(finding?.fix).toBeUndefined();
  });
});

describe("public-without-tls fits the entry point", () => {
  it("does not tell a catch-all to list its host under spec.tls", () => {
    const text = ingress("", rule("shop.example.com").replace("    - host: shop.example.com\n      http:", "    - http:"));
    const [finding] = publicWithoutTls.check({ head: sideOf(text) });
    expect(finding!.recommendation).toContain("spec.tls entry without hosts");
    expect(finding!.recommendation).not.toMatch(/^Terminate TLS for every public host: list the host/);
  });
});
