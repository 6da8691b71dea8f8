/**
 * Report → SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`) and any
 * other SARIF viewer. One run; the driver lists every rule of the catalog, results are findings
 * (suppressed ones included, carrying their suppression), files that could not be reviewed are
 * tool execution notifications.
 *
 * See: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html and
 * https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import type { Finding, ObjectReport, Report, ReviewError, Severity, SuppressedFinding } from "../core/model.js";
import { RULES } from "../core/rules/index.js";
import type { Rule } from "../core/rules/rule.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const TOOL_NAME = "exposure-review";
export const TOOL_INFORMATION_URI = "https://github.com/exposure-review/exposure-review";

export interface SarifOptions {
  /** The package version, as `tool.driver.version`; left out when not given. */
  toolVersion?: string;
  /** The rule catalog to describe; the real one by default (tests pass a fixed one). */
  rules?: readonly Rule[];
}

type SarifLevel = "note" | "warning" | "error";
const LEVELS: Record<Severity, SarifLevel> = { notice: "note", warning: "warning", failure: "error" };

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  const rules = options.rules ?? RULES;
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const driver = {
    name: TOOL_NAME,
    informationUri: TOOL_INFORMATION_URI,
    ...(options.toolVersion === undefined ? {} : { version: options.toolVersion }),
    rules: rules.map(sarifRule),
  };
  const results = report.objects.flatMap((object) => [
    ...object.findings.map((finding) => sarifResult(object, finding, ruleIndex)),
    ...object.suppressed.map((finding) => ({
      ...sarifResult(object, finding, ruleIndex),
      suppressions: [sarifSuppression(finding)],
    })),
  ]);
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver },
        invocations: [
          {
            // The review ran to the end even when some files could not be read; those are
            // notifications, not a failed execution.
            executionSuccessful: true,
            toolExecutionNotifications: report.errors.map(sarifNotification),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function sarifRule(rule: Rule) {
  return {
    id: rule.id,
    // The id is already the readable, stable name users write in config and suppressions.
    name: rule.id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.recommendation },
    // GitHub code scanning shows `help` but not `helpUri` (kube-linter notes the same), so the
    // docs link is repeated in the help text.
    help: {
      text: `${rule.recommendation}\n\nDocs: ${rule.docsUrl}`,
      markdown: `${rule.recommendation}\n\n[Rule documentation](${rule.docsUrl})`,
    },
    helpUri: rule.docsUrl,
    defaultConfiguration: { level: LEVELS[rule.defaultSeverity] },
  };
}

function sarifResult(object: ObjectReport, finding: Finding, ruleIndex: ReadonlyMap<string, number>) {
  const index = ruleIndex.get(finding.rule);
  return {
    ruleId: finding.rule,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: LEVELS[finding.severity],
    // Rule messages already name the object ("Service default/web is type NodePort...").
    message: { text: object.target ? `${finding.message} (rendered by ${object.target})` : finding.message },
    locations: [location(finding.file ?? object.file, finding.line)],
    baselineState: finding.new ? "new" : "unchanged",
  };
}

function sarifSuppression(finding: SuppressedFinding) {
  return { kind: finding.by === "config" ? "external" : "inSource", justification: finding.reason };
}

function sarifNotification(error: ReviewError) {
  // A head-side file that could not be read leaves the review incomplete; a template or a
  // base-side file is information only.
  const level: SarifLevel = error.side === "head" && error.reason !== "template" ? "warning" : "note";
  return {
    level,
    message: { text: error.side === "base" ? `${error.message} (base side)` : error.message },
    descriptor: { id: error.reason },
    locations: [location(error.file, error.line)],
  };
}

function location(file: string, line: number | undefined) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeUri(file), uriBaseId: "%SRCROOT%" },
      // SARIF lines are 1-based; GitHub rejects a region without a valid startLine.
      ...(line === undefined ? {} : { region: { startLine: Math.max(1, line) } }),
    },
  };
}

/** A relative URI reference: each path segment percent-encoded, `/` kept. */
function encodeUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
