import { describe, expect, it } from "vitest";
import { renderText } from "../../src/report/text.js";
import { conflictError } from "./github-report.js";
import { emptyReport, realisticReport, selfSuppressedReport } from "./sample-reports.js";

const ANSI = /\u001b\[\d+m/g;

describe("renderText", () => {
  it("renders a realistic report: blocks per object, most important first, then errors and what decides the conclusion", () => {
    expect(renderText(realisticReport)).toBe(
      [
        "Service edge/gateway  k8s/gateway.yaml:1  PUBLIC  none → public",
        "  ✖ failure public-without-tls  line 12  Service edge/gateway serves plain HTTP on TCP/80 to the internet.",
        "      ↳ Terminate TLS at the load balancer (a certificate annotation) and serve 443.",
        "  ○ suppressed public-loadbalancer  line 8  Service edge/gateway is a public LoadBalancer. (warning; config: Fronted by the CDN; ticket SEC-142)",
        "",
        "Ingress shop/storefront  k8s/shop/ingress.yaml:3  WIDENED  public → public",
        "  · spec.tls: removed hosts shop.example.com",
        "  ✖ failure tls-removed  line 9  Ingress shop/storefront no longer serves shop.example.com/ over TLS.",
        "      ↳ Keep the spec.tls entry for every public host.",
        "  ⚠ warning wildcard-host  line 14  Ingress shop/storefront routes the wildcard host *.example.com. (already present)",
        "      ↳ Name each host.",
        "",
        "Service default/debug  k8s/debug.yaml:20 (was k8s/old/debug.yaml)  WIDENED  cluster → node",
        "  · spec.type: ClusterIP → NodePort",
        "  · spec.ports[pg]: added 5432/TCP (nodePort 30432)",
        "  ⚠ warning nodeport  line 24  Service default/debug is type NodePort.",
        "      ↳ Use type ClusterIP behind an Ingress.",
        "  ○ suppressed sensitive-port-exposed  line 27  Service default/debug exposes PostgreSQL (5432) on every node. (failure; annotation: Debug database, removed after the migration)",
        "",
        "Could not review:",
        "  ⚠ k8s/broken.yaml:3  syntax  Nested mappings are not allowed in compact mappings",
        "  ℹ charts/app/templates/svc.yaml  template  Helm template: not reviewed",
        "",
        "Conclusion: failure: 2 new failures (tls-removed, public-without-tls); also 1 new warning, 1 already present, 2 suppressed, 2 files not reviewed",
        "",
      ].join("\n"),
    );
  });

  it("says there is nothing to review for an empty report", () => {
    expect(renderText(emptyReport)).toBe("No Service or Ingress changes.\n\nConclusion: success: no new findings\n");
  });

  it("marks a base-side error as such and as information only", () => {
    const report = {
      ...emptyReport,
      errors: [{ file: "old.yaml", line: 1, reason: "syntax" as const, message: "bad", side: "base" as const }],
    };
    expect(renderText(report)).toBe(
      "No Service or Ingress changes.\n\nCould not review:\n  ℹ old.yaml:1 (base)  syntax  bad\n\nConclusion: success: no new findings; also 1 file not reviewed\n",
    );
  });

  it("names each object an unreadable piece hides, and marks breakage the base side already had", () => {
    const report = {
      ...emptyReport,
      conclusion: "neutral" as const,
      errors: [
        conflictError({ hides: ["Service/edge/edge-proxy"] }),
        { file: "k8s/legacy.yaml", line: 7, reason: "syntax" as const, message: "bad", side: "head" as const, new: false },
      ],
    };
    expect(renderText(report)).toBe(
      [
        "No other Service or Ingress changes; the files below hide some.",
        "",
        "Could not review:",
        "  ⚠ k8s/edge.yaml:6  syntax  Merge conflict markers (<<<<<<<) at line 6: the document was not read.",
        "      ↳ Service edge/edge-proxy: head unreadable, conflict markers at line 6",
        "  ℹ k8s/legacy.yaml:7  syntax  bad (already so on the base side)",
        "",
        "Conclusion: neutral: 2 files not reviewed",
        "",
      ].join("\n"),
    );
  });

  it("folds objects whose exposure did not change into one line per file", () => {
    const [template] = realisticReport.objects;
    if (!template) throw new Error("sample report has objects");
    const quiet = (name: string, file: string) => ({ ...template, name, file, baseFile: file, classification: "unchanged" as const, changes: [], findings: [], suppressed: [] });
    const report = { ...emptyReport, objects: [quiet("a", "k8s/one.yaml"), quiet("b", "k8s/one.yaml"), quiet("c", "k8s/two.yaml")] };
    expect(renderText(report)).toBe(
      [
        "Exposure unchanged (3 objects):",
        "  k8s/one.yaml  Service default/a, Service default/b",
        "  k8s/two.yaml  Service default/c",
        "",
        "Conclusion: success: no new findings",
        "",
      ].join("\n"),
    );
  });

  it("has no colour codes unless asked", () => {
    expect(renderText(realisticReport)).not.toMatch(ANSI);
    expect(renderText(realisticReport, { color: false })).not.toMatch(ANSI);
  });

  it("with colour, paints severities, classifications and the conclusion, and says the same text", () => {
    const colored = renderText(realisticReport, { color: true });
    const lines = colored.split("\n");
    expect(lines[12]).toBe(
      "\u001b[1mService default/debug\u001b[22m  k8s/debug.yaml:20 (was k8s/old/debug.yaml)  \u001b[33mWIDENED\u001b[39m  cluster → node",
    );
    expect(lines[1]).toBe(
      "  \u001b[31m✖ failure\u001b[39m public-without-tls  line 12  Service edge/gateway serves plain HTTP on TCP/80 to the internet.",
    );
    expect(lines.at(-2)).toBe(
      "\u001b[1mConclusion:\u001b[22m \u001b[31mfailure\u001b[39m: 2 new failures (tls-removed, public-without-tls); also 1 new warning, 1 already present, 2 suppressed, 2 files not reviewed",
    );
    expect(colored.replace(ANSI, "")).toBe(renderText(realisticReport));
  });

  it("shows control characters from a manifest instead of sending them to the terminal", () => {
    const [object] = realisticReport.objects;
    if (!object) throw new Error("sample report has objects");
    const report = { ...emptyReport, objects: [{ ...object, changes: ['metadata.annotations["x"]: added "\u001b[2Jgone"'] }] };
    expect(renderText(report).split("\n")[1]).toBe('  · metadata.annotations["x"]: added "\\u001b[2Jgone"');
  });
});

describe("suppressions a change adds", () => {
  it("says so next to the suppressed finding", () => {
    const text = renderText(selfSuppressedReport());
    expect(text).toContain("○ suppressed nodeport  line 9");
    expect(text).toContain("(warning; annotation added by this change: VPN only)");
  });
});
