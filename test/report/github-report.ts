/** A hand-built Report for the annotation and review-comment renderers. */
import type { Finding, ObjectReport, Report, ReviewError } from "../../src/core/model.js";

export function finding(overrides: Partial<Finding> & Pick<Finding, "rule" | "line">): Finding {
  return { severity: "warning", new: true, message: `${overrides.rule} message`, recommendation: `${overrides.rule} recommendation`, ...overrides };
}

export function objectReport(id: string, file: string, findings: Finding[]): ObjectReport {
  const [kind, namespace, name] = id.split("/") as [string, string, string];
  return {
    kind,
    apiVersion: kind === "Service" ? "v1" : "networking.k8s.io/v1",
    namespace,
    name,
    id,
    file,
    line: 1,
    change: "modified",
    classification: "widened",
    level: { base: "cluster", head: "node" },
    findings,
    suppressed: [],
    reach: {},
    changes: [],
  };
}

export function report(objects: ObjectReport[], errors: Report["errors"] = []): Report {
  return { version: 1, conclusion: "failure", objects, errors, stats: { baseFiles: 1, headFiles: 1, objectsCompared: objects.length } };
}

/**
 * A head file the change broke with merge-conflict markers at `line`, hiding the objects `hides` (present on
 * the base side), or, with `new: false`, one already broken that way on the base side.
 */
export function conflictError(overrides: Partial<ReviewError> & { hides?: string[] } = {}): ReviewError {
  return {
    file: "k8s/edge.yaml",
    line: 6,
    reason: "syntax",
    side: "head",
    conflictMarkers: true,
    message: "Merge conflict markers (<<<<<<<) at line 6: the document was not read.",
    new: true,
    ...overrides,
  };
}
