/**
 * Report → the pull-request summary (check run `output.summary`, and `--format markdown`).
 *
 * A heading with the conclusion and a one-line verdict, a table with one row per object, then per
 * object what changed and its findings (with recommendation and docs link), then the files that
 * could not be reviewed. Every user-controlled string (names, files, hosts, messages, reasons) is
 * escaped, so a manifest cannot inject markdown or break the table. Deterministic: same report,
 * same text.
 */
import type { Classification, Conclusion, Finding, ObjectReport, Report, ReviewError, Severity } from "../core/model.js";
import { docsUrlFor } from "../core/rules/rule.js";
import { shownPathLine } from "./path.js";

/** GitHub's limit for a check run's `output.summary` (and `output.text`), in characters. */
export const MAX_CHECK_SUMMARY_LENGTH = 65535;

export interface MarkdownOptions {
  /** The result stays within this many characters, cutting whole sections and saying so. */
  maxLength?: number;
  /** The heading's name; the check run's name by default. */
  title?: string;
}

const CONCLUSION_ICONS: Record<Conclusion, string> = { success: "✅", neutral: "⚠️", failure: "❌" };
const SEVERITY_ICONS: Record<Severity, string> = { failure: "❌", warning: "⚠️", notice: "ℹ️" };

/** Public and widened exposure is what a reviewer must look at: bold, with a colour mark. */
const CLASSIFICATION_LABELS: Record<Classification, string> = {
  public: "🔴 **public**",
  widened: "🟠 **widened**",
  internal: "🟢 internal",
  narrowed: "🟢 narrowed",
  removed: "⚪ removed",
  unchanged: "⚪ unchanged",
};

/** How the verdict line reads each classification, for one object and for several. */
const VERDICT_PHRASES: Record<Classification, [string, string]> = {
  public: ["becomes reachable from the internet", "become reachable from the internet"],
  widened: ["widens its exposure", "widen their exposure"],
  internal: ["becomes cluster-internal", "become cluster-internal"],
  narrowed: ["narrows its exposure", "narrow their exposure"],
  removed: ["is removed", "are removed"],
  unchanged: ["keeps its exposure", "keep their exposure"],
};
const VERDICT_ORDER: readonly Classification[] = ["public", "widened", "internal", "narrowed", "removed", "unchanged"];

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? MAX_CHECK_SUMMARY_LENGTH;
  const title = options.title ?? "Exposure review";
  const units: Unit[] = [
    { text: `## ${CONCLUSION_ICONS[report.conclusion]} ${escapeMarkdown(title)}: ${report.conclusion}\n\n${verdict(report)}\n` },
  ];
  if (report.objects.length > 0) {
    units.push({
      text: "\n| Object | Change | Classification | Reach (base → head) | Findings |\n| --- | --- | --- | --- | --- |\n",
      heading: true,
    });
    for (const object of report.objects) units.push({ text: tableRow(object), row: true });
    for (const object of report.objects) units.push({ text: objectDetails(object), object: true });
  }
  if (report.errors.length > 0) {
    units.push({
      text: "\n### Files that could not be reviewed\n\n| File | Line | Reason | Message |\n| --- | --- | --- | --- |\n",
      heading: true,
    });
    for (const error of report.errors) units.push({ text: errorRow(error), error: true });
  }
  return fit(units, maxLength);
}

// ---------------------------------------------------------------------------------------------
// Sections

function verdict(report: Report): string {
  const phrases: string[] = [];
  for (const classification of VERDICT_ORDER) {
    const n = report.objects.filter((object) => object.classification === classification).length;
    if (n > 0) phrases.push(`${n} ${n === 1 ? "object" : "objects"} ${VERDICT_PHRASES[classification][n === 1 ? 0 : 1]}`);
  }
  const sentences = [phrases.length > 0 ? `${capitalize(phrases.join(", "))}.` : "No Service or Ingress changes."];
  // Each public LoadBalancer is a cloud load balancer of its own (an address, a bill, a surface);
  // when a change adds several, that is worth saying once, above the per-object findings.
  const loadBalancers = newPublicLoadBalancers(report).length;
  if (loadBalancers > 1) {
    sentences.push(`This change adds ${loadBalancers} public load balancers: one shared Ingress could serve them all.`);
  }
  const files = new Set(report.errors.map((error) => error.file)).size;
  if (files > 0) sentences.push(`${files} ${files === 1 ? "file" : "files"} could not be reviewed.`);
  return sentences.join(" ");
}

/** LoadBalancer Services that are public after the change and were not public load balancers before. */
export function newPublicLoadBalancers(report: Report): ObjectReport[] {
  const isPublicLoadBalancer = (reach: ObjectReport["reach"]["head"]) => reach?.serviceType === "LoadBalancer" && reach.level === "public";
  return report.objects.filter((object) => isPublicLoadBalancer(object.reach.head) && !isPublicLoadBalancer(object.reach.base));
}

function tableRow(object: ObjectReport): string {
  const cells = [
    `${escapeMarkdown(objectName(object))}<br>${escapeMarkdown(`${object.file}:${object.line}`)}`,
    object.change,
    CLASSIFICATION_LABELS[object.classification],
    `${object.level.base} → ${object.level.head}`,
    findingCounts(object),
  ];
  return `| ${cells.join(" | ")} |\n`;
}

function findingCounts(object: ObjectReport): string {
  const parts: string[] = [];
  for (const severity of ["failure", "warning", "notice"] as const) {
    const n = object.findings.filter((finding) => finding.severity === severity).length;
    if (n > 0) parts.push(`${SEVERITY_ICONS[severity]} ${n} ${severity}${n === 1 ? "" : "s"}`);
  }
  if (object.suppressed.length > 0) parts.push(`${object.suppressed.length} suppressed`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

function objectDetails(object: ObjectReport): string {
  const moved =
    object.baseFile !== undefined && object.baseFile !== object.file ? ` (moved from ${escapeMarkdown(object.baseFile)})` : "";
  const lines = [
    "",
    `### ${escapeMarkdown(objectName(object))}`,
    "",
    `${CLASSIFICATION_LABELS[object.classification]} · ${object.change} · ${object.level.base} → ${object.level.head} · ${escapeMarkdown(`${object.file}:${object.line}`)}${moved}`,
  ];
  const path = shownPathLine(object);
  if (path !== undefined) lines.push("", `Path: ${escapeMarkdown(path)}`);
  if (object.changes.length > 0) {
    lines.push("", "What changed:", "");
    for (const change of object.changes) lines.push(`- ${escapeMarkdown(change)}`);
  }
  if (object.findings.length > 0) {
    lines.push("", "Findings:", "");
    for (const finding of object.findings) lines.push(...findingItem(finding));
  }
  if (object.suppressed.length > 0) {
    lines.push("", "Suppressed:", "");
    for (const finding of object.suppressed) {
      const source = finding.by === "config" ? "by the config" : finding.addedByChange ? "by an annotation **this change adds**" : "by annotation";
      lines.push(
        `- ${ruleLink(finding)} (${finding.severity}, line ${finding.line}): ${escapeMarkdown(finding.message)} — suppressed ${source}: ${escapeMarkdown(finding.reason)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function findingItem(finding: Finding): string[] {
  const old = finding.new ? "" : " _(already present)_";
  return [
    `- ${SEVERITY_ICONS[finding.severity]} **${finding.severity}** ${ruleLink(finding)} (line ${finding.line}): ${escapeMarkdown(finding.message)}${old}`,
    // Recommendations are the rules' own text (never manifest content), written with markdown code spans.
    `  <br>Recommendation: ${finding.recommendation.replaceAll("\n", " ")}`,
  ];
}

function ruleLink(finding: Finding): string {
  return `[\`${finding.rule}\`](${docsUrlFor(finding.rule)})`;
}

export function errorRow(error: ReviewError): string {
  const file = `${escapeMarkdown(error.file)}${error.side === "base" ? " (base)" : ""}`;
  return `| ${file} | ${error.line ?? ""} | ${error.reason} | ${escapeMarkdown(error.message)} |\n`;
}

function objectName(object: ObjectReport): string {
  return `${object.kind} ${object.namespace}/${object.name}${object.target ? ` (rendered by ${object.target})` : ""}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Escapes what markdown (GFM) would interpret in a user-controlled string: emphasis, code, links,
 * HTML, tables (`|`), strikethrough, entities; newlines become spaces so a value stays on its line.
 * `*.example.com` must not start emphasis, and a `|` in a message must not add a table column.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?|\n/g, " ").replace(/[\\`*_[\]<>|~&#]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------
// Length limit

interface Unit {
  text: string;
  /** A section or table heading: only worth showing with what follows it. */
  heading?: boolean;
  row?: boolean;
  object?: boolean;
  error?: boolean;
}

/**
 * Whole units in document order while they fit, then a note on what was left out. The table
 * comes first, so under the limit a reviewer still sees every object's classification before the
 * details are cut.
 */
function fit(units: readonly Unit[], maxLength: number): string {
  const full = units.map((unit) => unit.text).join("");
  if (full.length <= maxLength) return full;

  const omitted = (kept: number) => {
    const rest = units.slice(kept);
    return {
      rows: rest.filter((unit) => unit.row).length,
      objects: rest.filter((unit) => unit.object).length,
      errors: rest.filter((unit) => unit.error).length,
    };
  };
  // Sized for the largest counts it can state, so the note always fits once reserved.
  const reserve = truncationNote(omitted(0), maxLength).length;
  let text = "";
  let kept = 0;
  for (const unit of units) {
    // A table's heading is kept only with its first row, never left dangling.
    const needed = unit.text.length + (unit.heading ? (units[kept + 1]?.text.length ?? 0) : 0);
    if (text.length + needed + reserve > maxLength) break;
    text += unit.text;
    kept += 1;
  }
  return `${text}${truncationNote(omitted(kept), maxLength)}`.slice(0, maxLength);
}

function truncationNote(omitted: { rows: number; objects: number; errors: number }, maxLength: number): string {
  const parts: string[] = [];
  if (omitted.rows > 0) parts.push(`${omitted.rows} table ${omitted.rows === 1 ? "row" : "rows"}`);
  if (omitted.objects > 0) parts.push(`the details of ${omitted.objects} ${omitted.objects === 1 ? "object" : "objects"}`);
  if (omitted.errors > 0) parts.push(`${omitted.errors} ${omitted.errors === 1 ? "error" : "errors"}`);
  return `\n> **This summary is cut to ${maxLength} characters:** ${parts.join(", ")} not shown. Run \`exposure-review --format markdown\` for the full report.\n`;
}
