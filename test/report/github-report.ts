/** A hand-built Report for the annotation and review-comment renderers. */
import type { Finding, ObjectReport, Report } from "../../src/core/model.js";

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
