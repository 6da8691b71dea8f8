import { describe, expect, it } from "vitest";
import type { ObjectReport, Report } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
import { escapeMarkdown, MAX_CHECK_SUMMARY_LENGTH, newPublicLoadBalancers, renderMarkdown } from "../../src/report/markdown.js";
import { conflictError } from "./github-report.js";
import { emptyReport, hostileReport, realisticReport, selfSuppressedReport } from "./sample-reports.js";

describe("renderMarkdown", () => {
  it("renders a realistic report: what decides it, verdict, table and details most important first, errors", () => {
    expect(renderMarkdown(realisticReport)).toBe(
      [
        "## ❌ Exposure review: failure",
        "",
        "2 new failures (tls-removed, public-without-tls); also 1 new warning, 1 already present, 2 suppressed, 2 files not reviewed. 1 object becomes reachable from the internet, 2 objects widen their exposure.",
        "",
        "| Object | Change | Classification | Reach (base → head) | Findings |",
        "| --- | --- | --- | --- | --- |",
        "| Service edge/gateway<br>k8s/gateway.yaml:1 | added | 🔴 **public** | none → public | ❌ 1 failure, 1 suppressed |",
        "| Ingress shop/storefront<br>k8s/shop/ingress.yaml:3 | modified | 🟠 **widened** | public → public | ❌ 1 failure, 1 already present |",
        "| Service default/debug<br>k8s/debug.yaml:20 | modified | 🟠 **widened** | cluster → node | ⚠️ 1 warning, 1 suppressed |",
        "",
        "### Service edge/gateway",
        "",
        "🔴 **public** · added · none → public · k8s/gateway.yaml:1",
        "",
        "Findings:",
        "",
        "- ❌ **failure** [`public-without-tls`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/public-without-tls.md) (line 12): Service edge/gateway serves plain HTTP on TCP/80 to the internet.",
        "  <br>Recommendation: Terminate TLS at the load balancer (a certificate annotation) and serve 443.",
        "",
        "Suppressed:",
        "",
        "- [`public-loadbalancer`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/public-loadbalancer.md) (warning, line 8): Service edge/gateway is a public LoadBalancer. — suppressed by the config: Fronted by the CDN; ticket SEC-142",
        "",
        "### Ingress shop/storefront",
        "",
        "🟠 **widened** · modified · public → public · k8s/shop/ingress.yaml:3",
        "",
        "What changed:",
        "",
        "- spec.tls: removed hosts shop.example.com",
        "",
        "Findings:",
        "",
        "- ❌ **failure** [`tls-removed`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/tls-removed.md) (line 9): Ingress shop/storefront no longer serves shop.example.com/ over TLS.",
        "  <br>Recommendation: Keep the spec.tls entry for every public host.",
        "- ⚠️ **warning** [`wildcard-host`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/wildcard-host.md) (line 14): Ingress shop/storefront routes the wildcard host \\*.example.com. _(already present)_",
        "  <br>Recommendation: Name each host.",
        "",
        "### Service default/debug",
        "",
        "🟠 **widened** · modified · cluster → node · k8s/debug.yaml:20 (moved from k8s/old/debug.yaml)",
        "",
        "What changed:",
        "",
        "- spec.type: ClusterIP → NodePort",
        "- spec.ports\\[pg\\]: added 5432/TCP (nodePort 30432)",
        "",
        "Findings:",
        "",
        "- ⚠️ **warning** [`nodeport`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/nodeport.md) (line 24): Service default/debug is type NodePort.",
        "  <br>Recommendation: Use type ClusterIP behind an Ingress.",
        "",
        "Suppressed:",
        "",
        "- [`sensitive-port-exposed`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/sensitive-port-exposed.md) (failure, line 27): Service default/debug exposes PostgreSQL (5432) on every node. — suppressed by annotation: Debug database, removed after the migration",
        "",
        "### Files that could not be reviewed",
        "",
        "| File | Line | Reason | Message |",
        "| --- | --- | --- | --- |",
        "| k8s/broken.yaml | 3 | syntax | Nested mappings are not allowed in compact mappings |",
        "| charts/app/templates/svc.yaml |  | template | Helm template: not reviewed |",
        "",
      ].join("\n"),
    );
  });

  it("says so clearly when there is nothing to review", () => {
    expect(renderMarkdown(emptyReport)).toBe("## ✅ Exposure review: success\n\nNo Service or Ingress changes.\n");
  });

  it("names each object an unreadable piece hides, in the lead and in its error row", () => {
    const report: Report = {
      ...emptyReport,
      conclusion: "neutral",
      errors: [conflictError({ hides: ["Service/edge/edge-proxy"] }), { file: "k8s/legacy.yaml", line: 7, reason: "syntax", message: "bad", side: "head", new: false }],
    };
    expect(renderMarkdown(report)).toBe(
      [
        "## ⚠️ Exposure review: neutral",
        "",
        "2 files not reviewed. 1 object could not be read: Service edge/edge-proxy (head unreadable, conflict markers at line 6). No other Service or Ingress changes.",
        "",
        "### Files that could not be reviewed",
        "",
        "| File | Line | Reason | Message |",
        "| --- | --- | --- | --- |",
        "| k8s/edge.yaml | 6 | syntax | Merge conflict markers (\\<\\<\\<\\<\\<\\<\\<) at line 6: the document was not read.<br>Hides Service edge/edge-proxy: head unreadable, conflict markers at line 6 |",
        "| k8s/legacy.yaml | 7 | syntax | bad (already so on the base side) |",
        "",
      ].join("\n"),
    );
  });

  it("uses the given title", () => {
    expect(renderMarkdown(emptyReport, { title: "Exposure review (staging)" }).split("\n")[0]).toBe(
      "## ✅ Exposure review (staging): success",
    );
  });

  it("escapes markdown in names, files, hosts, messages and changes, and keeps the rules' own markdown in recommendations", () => {
    expect(renderMarkdown(hostileReport)).toBe(
      [
        "## ⚠️ Exposure review: neutral",
        "",
        "1 new warning (wildcard-host); also 1 file not reviewed. 1 object becomes reachable from the internet.",
        "",
        "| Object | Change | Classification | Reach (base → head) | Findings |",
        "| --- | --- | --- | --- | --- |",
        "| Ingress team\\|a/x\\_\\*y\\*\\_<br>k8s/\\[evil\\](http://x).yaml:1 | added | 🔴 **public** | none → public | ⚠️ 1 warning |",
        "",
        "### Ingress team\\|a/x\\_\\*y\\*\\_",
        "",
        "🔴 **public** · added · none → public · k8s/\\[evil\\](http://x).yaml:1",
        "",
        "What changed:",
        "",
        '- metadata.annotations\\["a\\|b"\\]: added "\\<script\\>"',
        "",
        "Findings:",
        "",
        "- ⚠️ **warning** [`wildcard-host`](https://github.com/exposure-review/exposure-review/blob/main/docs/rules/wildcard-host.md) (line 5): Host \\*.example.com \\| \\<img src=x\\> \\`code\\` \\# heading",
        "  <br>Recommendation: Name ~~each~~ host & [link](http://y)",
        "",
        "### Files that could not be reviewed",
        "",
        "| File | Line | Reason | Message |",
        "| --- | --- | --- | --- |",
        "| bad\\|file.yaml (base) | 2 | syntax | a \\| b |",
        "",
      ].join("\n"),
    );
  });

  it("is deterministic", () => {
    expect(renderMarkdown(realisticReport)).toBe(renderMarkdown(structuredClone(realisticReport)));
  });
});

describe("escapeMarkdown", () => {
  it.each([
    ["*.example.com", "\\*.example.com"],
    ["a|b", "a\\|b"],
    ["<b>x</b>", "\\<b\\>x\\</b\\>"],
    ["[x](y)", "\\[x\\](y)"],
    ["line\nbreak\r\nagain", "line break again"],
    ["C:\\path", "C:\\\\path"],
    ["shop.example.com/api-v1", "shop.example.com/api-v1"],
  ])("%j → %j", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe("renderMarkdown under a length limit", () => {
  const full = renderMarkdown(realisticReport);

  it("is untouched when it fits exactly", () => {
    expect(renderMarkdown(realisticReport, { maxLength: full.length })).toBe(full);
  });

  it("cuts whole sections from the end and says what is not shown", () => {
    const cut = renderMarkdown(realisticReport, { maxLength: full.length - 1 });
    const note =
      "\n> **This summary is cut to 3102 characters:** 2 errors not shown. Run `exposure-review --format markdown` for the full report.\n";
    expect(full.length).toBe(3103);
    expect(cut.endsWith(note)).toBe(true);
    const kept = cut.slice(0, -note.length);
    // The errors table heading goes with its rows: no dangling heading.
    expect(kept).toBe(full.slice(0, full.indexOf("\n### Files that could not be reviewed")));
  });

  it("keeps the verdict and the table before any details", () => {
    const cut = renderMarkdown(realisticReport, { maxLength: 1000 });
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut).toBe(
      `${full.slice(0, full.indexOf("\n### Service edge/gateway"))}\n> **This summary is cut to 1000 characters:** the details of 3 objects, 2 errors not shown. Run \`exposure-review --format markdown\` for the full report.\n`,
    );
  });

  it("never exceeds even a tiny limit", () => {
    for (const maxLength of [0, 50, 120, 300]) {
      expect(renderMarkdown(realisticReport, { maxLength }).length).toBeLessThanOrEqual(maxLength);
    }
  });

  it(`stays within GitHub's ${MAX_CHECK_SUMMARY_LENGTH}-character summary limit by default`, () => {
    const [template] = realisticReport.objects;
    if (!template) throw new Error("sample report has objects");
    const objects: ObjectReport[] = Array.from({ length: 1500 }, (_, index) => ({
      ...template,
      name: `svc-${String(index).padStart(4, "0")}`,
      id: `Service/default/svc-${String(index).padStart(4, "0")}`,
    }));
    const big: Report = { ...realisticReport, objects, errors: [] };
    const summary = renderMarkdown(big);
    expect(summary.length).toBeLessThanOrEqual(MAX_CHECK_SUMMARY_LENGTH);
    const rows = summary.split("\n").filter((line) => line.startsWith("| Service default/svc-")).length;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(1500);
    expect(summary.endsWith(
      `\n> **This summary is cut to 65535 characters:** ${1500 - rows} table rows, the details of 1500 objects not shown. Run \`exposure-review --format markdown\` for the full report.\n`,
    )).toBe(true);
  });
});

describe("load balancers a change adds", () => {
  const service = (name: string, extra = "") => ({
    path: `k8s/${name}.yaml`,
    text: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n${extra}spec:\n  type: LoadBalancer\n  ports:\n    - port: 443\n`,
  });
  const internal = "  annotations:\n    service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"\n";

  it("says once when a change adds several public load balancers, counting neither internal nor existing ones", () => {
    const existing = service("cart");
    const report = review({
      base: [existing],
      head: [existing, service("search"), service("reviews"), service("ledger", internal)],
    });
    expect(newPublicLoadBalancers(report).map((object) => object.name)).toEqual(["reviews", "search"]);
    expect(renderMarkdown(report)).toContain(
      "This change adds 2 public load balancers: one shared Ingress could serve them all.",
    );
  });

  it("leaves a single new load balancer to its public-loadbalancer finding", () => {
    const report = review({ base: [], head: [service("search")] });
    expect(newPublicLoadBalancers(report)).toHaveLength(1);
    expect(renderMarkdown(report)).not.toContain("public load balancers");
  });
});

describe("suppressions a change adds", () => {
  it("says so next to the suppressed finding", () => {
    const markdown = renderMarkdown(selfSuppressedReport());
    expect(markdown).toContain("— suppressed by an annotation **this change adds**: VPN only");
  });
});

describe("compact output", () => {
  const [template] = realisticReport.objects;
  if (!template) throw new Error("sample report has objects");
  const quiet = (name: string, file: string): ObjectReport => ({
    ...template,
    name,
    id: `Service/default/${name}`,
    file,
    classification: "unchanged",
    level: { base: "cluster", head: "cluster" },
    changes: [],
    findings: [],
    suppressed: [],
  });

  it("folds objects whose exposure did not change into one line per file, under <details>", () => {
    const report: Report = { ...realisticReport, objects: [...realisticReport.objects, quiet("a", "k8s/one.yaml"), quiet("b", "k8s/one.yaml"), quiet("c", "k8s/two.yaml")] };
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(
      "\n<details><summary>3 objects changed without an exposure change, in 2 files</summary>\n\n- k8s/one.yaml: Service default/a, Service default/b\n- k8s/two.yaml: Service default/c\n\n</details>\n",
    );
    expect(markdown).not.toContain("### Service default/a");
    expect(markdown).toContain("3 objects keep their exposure");
  });

  it("shows a green run as its verdict, saying why a widened object is fine, with the rest under <details>", () => {
    const old = { ...template, findings: template.findings.map((finding) => ({ ...finding, new: false })), suppressed: [] };
    const report: Report = { ...realisticReport, conclusion: "success", objects: [old, quiet("a", "k8s/one.yaml")], errors: [] };
    const markdown = renderMarkdown(report);
    expect(markdown.split("\n").slice(0, 5)).toEqual([
      "## ✅ Exposure review: success",
      "",
      "No new findings; also 1 already present. 1 object widens its exposure (already present), 1 object keeps its exposure.",
      "",
      "<details><summary>What was reviewed</summary>",
    ]);
    expect(markdown).toContain("| 🟠 **widened** (already present) | cluster → node | 1 already present |");
    expect(markdown.endsWith("\n</details>\n")).toBe(true);
  });

  it("collapses the details of an object that decides nothing", () => {
    const narrowed = { ...template, classification: "narrowed" as const, findings: [], suppressed: [] };
    const markdown = renderMarkdown({ ...realisticReport, objects: [narrowed], errors: [] });
    expect(markdown).toContain("\n<details><summary>Service default/debug: narrowed</summary>\n");
    expect(markdown).not.toContain("### Service default/debug");
  });
});
