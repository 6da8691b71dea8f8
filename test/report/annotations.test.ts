import { describe, expect, it } from "vitest";
import { ruleById } from "../../src/core/rules/index.js";
import { annotationDelta, type CheckAnnotation, type PostedAnnotation, toAnnotations } from "../../src/report/annotations.js";
import { conflictError, finding, objectReport, report } from "./github-report.js";

describe("toAnnotations", () => {
  const web = objectReport("Service/shop/web", "k8s/web.yaml", [
    finding({ rule: "nodeport", line: 7 }),
    finding({ rule: "sensitive-port-exposed", line: 12, severity: "failure", new: false }),
  ]);
  const ingress = objectReport("Ingress/shop/shop", "k8s/a-ingress.yaml", [finding({ rule: "public-without-tls", line: 23, severity: "failure" })]);

  it("puts every finding on its exact line, sorted by path then line, with the rule's title", () => {
    const annotations = toAnnotations(report([web, ingress]));
    expect(annotations.map((a) => [a.path, a.start_line, a.end_line, a.annotation_level, a.title])).toEqual([
      ["k8s/a-ingress.yaml", 23, 23, "failure", `${ruleById("public-without-tls").title} (public-without-tls)`],
      ["k8s/web.yaml", 7, 7, "warning", `${ruleById("nodeport").title} (nodeport)`],
      ["k8s/web.yaml", 12, 12, "notice", `${ruleById("sensitive-port-exposed").title} (sensitive-port-exposed) — already present`],
    ]);
    expect(annotations[1]!.message).toBe(
      `Service/shop/web: nodeport message\n\nnodeport recommendation\n\n${ruleById("nodeport").docsUrl}`,
    );
    expect(annotations[2]!.message).toContain("This finding is already present on the base branch.");
  });

  it("keeps an old finding's severity when preexisting findings count", () => {
    const [, , old] = toAnnotations(report([web, ingress]), { preexisting: "count" });
    expect(old!.annotation_level).toBe("failure");
  });

  it("names what an unreadable piece hides, and makes breakage the base side already had a notice", () => {
    const hiding = conflictError({ hides: ["Service/edge/edge-proxy"] });
    const annotations = toAnnotations(report([], [hiding, { ...hiding, file: "k8s/old.yaml", hides: [], new: false }]));
    expect(annotations.map(({ path, annotation_level, message }) => ({ path, annotation_level, message }))).toEqual([
      { path: "k8s/edge.yaml", annotation_level: "warning", message: `${hiding.message}\nService edge/edge-proxy: head unreadable, conflict markers at line 6` },
      { path: "k8s/old.yaml", annotation_level: "notice", message: `${hiding.message} (already so on the base side)` },
    ]);
  });

  it("annotates head files that could not be reviewed, not base ones", () => {
    const annotations = toAnnotations(
      report(
        [],
        [
          { file: "k8s/broken.yaml", line: 3, reason: "syntax", message: "bad indentation", side: "head" },
          { file: "charts/x/templates/svc.yaml", reason: "template", message: "Helm template", side: "head" },
          { file: "k8s/gone.yaml", line: 1, reason: "syntax", message: "old breakage", side: "base" },
        ],
      ),
    );
    expect(annotations).toEqual([
      { path: "charts/x/templates/svc.yaml", start_line: 1, end_line: 1, annotation_level: "notice", title: "Not reviewed: template", message: "Helm template" },
      { path: "k8s/broken.yaml", start_line: 3, end_line: 3, annotation_level: "warning", title: "Not reviewed: syntax", message: "bad indentation" },
    ]);
  });
});

describe("annotationDelta", () => {
  const web = objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "nodeport", line: 7 }), finding({ rule: "sensitive-port-exposed", line: 12, severity: "failure" })]);
  const produced = toAnnotations(report([web]));
  // As GET /check-runs/{id}/annotations lists them: extra fields, nulls for what was never sent.
  const listed = (annotation: CheckAnnotation): PostedAnnotation & Record<string, unknown> => ({
    ...annotation,
    start_column: null,
    end_column: null,
    raw_details: null,
    blob_href: "https://github.com/acme/shop/blob/abc/k8s/web.yaml",
  });

  it("sends nothing again when the run shows every annotation", () => {
    expect(annotationDelta(produced, produced.map(listed))).toEqual({ missing: [], stale: [] });
  });

  it("sends only the annotations the run lacks", () => {
    expect(annotationDelta(produced, [listed(produced[1]!)])).toEqual({ missing: [produced[0]], stale: [] });
    expect(annotationDelta(produced, [])).toEqual({ missing: produced, stale: [] });
  });

  it("calls stale an annotation no longer produced, or produced with another level, title or message", () => {
    const [nodeport, sensitive] = produced;
    const relevelled = { ...listed(sensitive!), annotation_level: "warning" };
    expect(annotationDelta([nodeport!], [listed(nodeport!), relevelled])).toEqual({ missing: [], stale: [relevelled] });
    const retitled = { ...listed(nodeport!), title: null };
    expect(annotationDelta([nodeport!], [retitled])).toEqual({ missing: [nodeport], stale: [retitled] });
    const moved = { ...listed(nodeport!), start_line: 8, end_line: 8 };
    expect(annotationDelta([nodeport!], [moved])).toEqual({ missing: [nodeport], stale: [moved] });
  });

  it("counts: a run showing an annotation twice has a stale copy, and two equal findings need two", () => {
    const [nodeport] = produced;
    expect(annotationDelta([nodeport!], [listed(nodeport!), listed(nodeport!)])).toEqual({ missing: [], stale: [listed(nodeport!)] });
    expect(annotationDelta([nodeport!, nodeport!], [listed(nodeport!)])).toEqual({ missing: [nodeport], stale: [] });
  });
});
