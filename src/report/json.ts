/**
 * Report → the JSON report (version 1) of CONTRACT.md: exactly its fields, in its key order.
 * The in-memory Report carries more (reach, changes, fixes, error sides) for the other renderers;
 * none of it leaks here, so the JSON stays a stable interface for scripts.
 */
import type {
  ChangeKind,
  Classification,
  Conclusion,
  ErrorReason,
  Exposure,
  Level,
  Report,
  RuleId,
  Severity,
} from "../core/model.js";

export interface JsonFinding {
  rule: RuleId;
  severity: Severity;
  new: boolean;
  file?: string;
  line: number;
  message: string;
  recommendation: string;
}

export interface JsonObject {
  kind: string;
  /** Tells same-named kinds apart (a Gateway API `Gateway` and an Istio `Gateway`); additive to version 1. */
  apiVersion: string;
  namespace: string;
  name: string;
  target?: string;
  file: string;
  line: number;
  change: ChangeKind;
  classification: Classification;
  level: { base: Level; head: Level };
  /** What the object makes reachable (CONTRACT.md "Exposure paths"); only on kinds that route traffic. */
  exposes?: JsonExposure[];
  findings: JsonFinding[];
  suppressed: { rule: RuleId; reason: string }[];
}

export interface JsonExposure {
  /** `namespace/name` of the backend Service. */
  service: string;
  /** The Service port; its name when it could not be resolved to a number; absent when none is named. */
  port?: number | string;
  /** `Kind/namespace/name` of each workload whose pod labels the Service selects, on the object's side. */
  workloads: string[];
  /** On a Gateway's entry: the route attached to it that carries this traffic. */
  route?: string;
}

export interface JsonError {
  file: string;
  /** Absent when the problem concerns the whole file (binary, too large). */
  line?: number;
  reason: ErrorReason;
  message: string;
  /** Objects (`Kind/namespace/name`) of the other side that this unreadable piece hides. */
  hides?: string[];
  /**
   * `base` for a file of the base side (absent: the head side). Additive to version 1: a file broken on
   * both sides was two byte-identical entries without it.
   */
  side?: "base";
}

export interface JsonReport {
  version: 1;
  conclusion: Conclusion;
  objects: JsonObject[];
  errors: JsonError[];
}

/** Built field by field (never spread) so key order and the absence of extra fields are guaranteed. */
export function toJsonReport(report: Report): JsonReport {
  return {
    version: 1,
    conclusion: report.conclusion,
    objects: report.objects.map((object) => ({
      kind: object.kind,
      apiVersion: object.apiVersion,
      namespace: object.namespace,
      name: object.name,
      ...(object.target === undefined ? {} : { target: object.target }),
      file: object.file,
      line: object.line,
      change: object.change,
      classification: object.classification,
      level: { base: object.level.base, head: object.level.head },
      ...(object.exposes === undefined ? {} : { exposes: object.exposes.map(toJsonExposure) }),
      findings: object.findings.map((finding) => ({
        rule: finding.rule,
        severity: finding.severity,
        new: finding.new,
        ...(finding.file === undefined ? {} : { file: finding.file }),
        line: finding.line,
        message: finding.message,
        recommendation: finding.recommendation,
      })),
      suppressed: object.suppressed.map((finding) => ({ rule: finding.rule, reason: finding.reason })),
    })),
    errors: report.errors.map((error) => ({
      file: error.file,
      ...(error.line === undefined ? {} : { line: error.line }),
      reason: error.reason,
      message: error.message,
      ...(error.hides?.length ? { hides: error.hides } : {}),
      ...(error.side === "base" ? { side: "base" as const } : {}),
    })),
  };
}

function toJsonExposure(exposure: Exposure): JsonExposure {
  return {
    service: exposure.service,
    ...(exposure.port === undefined ? {} : { port: exposure.port }),
    workloads: [...exposure.workloads],
    ...(exposure.route === undefined ? {} : { route: exposure.route }),
  };
}

/** Two-space indented, with a final newline (what `--format json` prints). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
