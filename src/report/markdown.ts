/**
 * Report → the pull-request summary (check run `output.summary`, and `--format markdown`).
 *
 * A heading with the conclusion, a line with what decides it, a one-line verdict, a table with one row
 * per object that needs attention (most important first), then per object what changed and its findings
 * (worst first, with recommendation and docs link), then the files that could not be reviewed. Objects
 * whose exposure did not change fold into one line per file, objects that decide nothing into
 * `<details>`, and a green run shows only its verdict with everything else under `<details>`. Every user-controlled string (names, files, hosts, messages, reasons) is
 * escaped, so a manifest cannot inject markdown or break the table. Deterministic: same report,
 * same text.
 */
import type { Classification, Conclusion, Finding, ObjectReport, Report, ReviewError, Severity } from "../core/model.js";
import { docsUrlFor } from "../core/rules/rule.js";
import { worstFirst } from "./order.js";
import { byAttention, conclusionLine, count, countedFindings, errorNote, hiddenLine, hiddenObjects, isQuiet, quietByFile, whyFine } from "./summary.js";
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
  const lead = `## ${CONCLUSION_ICONS[report.conclusion]} ${escapeMarkdown(title)}: ${report.conclusion}\n\n${verdict(report)}\n`;
  const shown = report.objects.filter((object) => !isQuiet(object)).sort(byAttention);
  const units: Unit[] = [];
  if (shown.length > 0) {
    units.push({
      text: "\n| Object | Change | Classification | Reach (base → head) | Findings |\n| --- | --- | --- | --- | --- |\n",
      heading: true,
    });
    for (const object of shown) units.push({ text: tableRow(object), row: true });
    for (const object of shown) units.push({ text: needsAttention(object) ? objectDetails(object) : collapsed(object), object: true });
  }
  const quiet = quietSection(report.objects);
  if (quiet) units.push({ text: quiet, object: true });
  if (report.errors.length > 0) {
    units.push({
      text: "\n### Files that could not be reviewed\n\n| File | Line | Reason | Message |\n| --- | --- | --- | --- |\n",
      heading: true,
    });
    for (const error of report.errors) units.push({ text: errorRow(error), error: true });
  }
  if (units.length === 0) return fit([{ text: lead }], maxLength);
  // A green run is its verdict; what was looked at is one click away. Not when the change silences its
  // own findings: that is for the reviewer to see.
  const silenced = report.objects.some((object) => object.suppressed.some((finding) => finding.addedByChange));
  if (report.conclusion === "success" && !silenced) {
    const open = "\n<details><summary>What was reviewed</summary>\n";
    const close = "\n</details>\n";
    const inner = fit(units, Math.max(0, maxLength - lead.length - open.length - close.length));
    return fit([{ text: `${lead}${open}${inner}${close}` }], maxLength);
  }
  return fit([{ text: lead }, ...units], maxLength);
}

/** Objects whose details are shown open: something counts, or they became public or wider. */
function needsAttention(object: ObjectReport): boolean {
  return countedFindings(object).length > 0 || object.classification === "public" || object.classification === "widened" || object.suppressed.some((f) => f.addedByChange);
}

/** An object that decides nothing (internal, narrowed, removed): its details one click away. */
function collapsed(object: ObjectReport): string {
  const body = objectDetails(object).replace(/^\n### [^\n]*\n/, "");
  return `\n<details><summary>${escapeMarkdown(objectName(object))}: ${object.classification}</summary>\n${body}\n</details>\n`;
}

/** At most this many files are listed in the unchanged-objects line; the rest are counted. */
const MAX_QUIET_FILES = 100;

/** Objects whose exposure did not change: one line per file, under `<details>`. */
function quietSection(objects: readonly ObjectReport[]): string | undefined {
  const groups = quietByFile(objects);
  if (groups.length === 0) return undefined;
  const total = groups.reduce((sum, [, group]) => sum + group.length, 0);
  const lines = groups
    .slice(0, MAX_QUIET_FILES)
    .map(([file, group]) => `- ${escapeMarkdown(file)}: ${group.map((object) => escapeMarkdown(objectName(object))).join(", ")}`);
  if (groups.length > MAX_QUIET_FILES) lines.push(`- …and ${groups.length - MAX_QUIET_FILES} more files`);
  const summary = `${total} ${total === 1 ? "object" : "objects"} changed without an exposure change, in ${groups.length} ${groups.length === 1 ? "file" : "files"}`;
  return `\n<details><summary>${summary}</summary>\n\n${lines.join("\n")}\n\n</details>\n`;
}

// ---------------------------------------------------------------------------------------------
// Sections

const HIDDEN_NAMED_IN_LEAD = 5;

function verdict(report: Report): string {
  const phrases: string[] = [];
  for (const classification of VERDICT_ORDER) {
    const objects = report.objects.filter((object) => object.classification === classification);
    const n = objects.length;
    if (n === 0) continue;
    // A widened or public object that decides nothing says why, so the signals agree.
    const fine = (classification === "public" || classification === "widened") && objects.every((object) => countedFindings(object).length === 0);
    const why = fine ? ` (${[...new Set(objects.map(whyFine))].join(" / ")})` : "";
    phrases.push(`${n} ${n === 1 ? "object" : "objects"} ${VERDICT_PHRASES[classification][n === 1 ? 0 : 1]}${why}`);
  }
  if (report.objects.length === 0 && report.errors.length === 0) return "No Service or Ingress changes.";
  // What decides the conclusion comes first; it also counts the files not reviewed, each once.
  const sentences = [`${capitalize(conclusionLine(report).replace(/^[a-z]+: /, ""))}.`];
  // An object an unreadable file hides is not "no change": it is unknown, and said so by name.
  const hidden = report.errors.flatMap(hiddenObjects);
  if (hidden.length > 0) {
    // Named up to a handful: the lead must fit the summary whatever the file (8,000 hidden objects
    // once made a lead over GitHub's 65,535 characters, and the whole summary was cut away).
    const named = hidden.slice(0, HIDDEN_NAMED_IN_LEAD).map((item) => escapeMarkdown(`${item.object} (${item.why})`));
    const more = hidden.length > HIDDEN_NAMED_IN_LEAD ? `, and ${hidden.length - HIDDEN_NAMED_IN_LEAD} more listed below` : "";
    sentences.push(`${capitalize(count(hidden.length, "object"))} could not be read: ${named.join(", ")}${more}.`);
  }
  sentences.push(phrases.length > 0 ? `${capitalize(phrases.join(", "))}.` : hidden.length > 0 ? "No other Service or Ingress changes." : "No Service or Ingress changes.");
  // Each public LoadBalancer is a cloud load balancer of its own (an address, a bill, a surface);
  // when a change adds several, that is worth saying once, above the per-object findings.
  const loadBalancers = newPublicLoadBalancers(report).length;
  if (loadBalancers > 1) {
    sentences.push(`This change adds ${loadBalancers} public load balancers: one shared Ingress could serve them all.`);
  }
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
    classificationLabel(object),
    `${object.level.base} → ${object.level.head}`,
    findingCounts(object),
  ];
  return `| ${cells.join(" | ")} |\n`;
}

/** The classification, with why a public or widened object that decides nothing is fine. */
function classificationLabel(object: ObjectReport): string {
  const label = CLASSIFICATION_LABELS[object.classification];
  const exposed = object.classification === "public" || object.classification === "widened";
  return exposed && countedFindings(object).length === 0 ? `${label} (${whyFine(object)})` : label;
}

/** Counted findings by severity; old and suppressed ones by count, without a severity icon that would alarm. */
function findingCounts(object: ObjectReport): string {
  const parts: string[] = [];
  const counted = countedFindings(object);
  for (const severity of ["failure", "warning", "notice"] as const) {
    const n = counted.filter((finding) => finding.severity === severity).length;
    if (n > 0) parts.push(`${SEVERITY_ICONS[severity]} ${n} ${severity}${n === 1 ? "" : "s"}`);
  }
  const old = object.findings.filter((finding) => !finding.new).length;
  if (old > 0) parts.push(`${old} already present`);
  const silenced = object.suppressed.filter((finding) => finding.addedByChange).length;
  if (silenced > 0) parts.push(`🔕 ${silenced} silenced by this change`);
  const suppressed = object.suppressed.length - silenced;
  if (suppressed > 0) parts.push(`${suppressed} suppressed`);
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
    for (const finding of worstFirst(object.findings)) lines.push(...findingItem(finding));
  }
  if (object.suppressed.length > 0) {
    lines.push("", "Suppressed:", "");
    for (const finding of object.suppressed) {
      const source = finding.by === "config" ? "by the config" : finding.addedByChange ? "by an annotation **this change adds**" : "by annotation";
      const counted = finding.counted ? " (still counts: `conclusion.addedSuppressions` is `count`)" : "";
      lines.push(
        `- ${finding.addedByChange ? "🔕 " : ""}${ruleLink(finding)} (${finding.severity}, line ${finding.line}): ${escapeMarkdown(finding.message)} — suppressed ${source}: ${escapeMarkdown(finding.reason)}${counted}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

export function findingItem(finding: Finding): string[] {
  const old = finding.new ? "" : " _(already present)_";
  return [
    `- ${SEVERITY_ICONS[finding.severity]} **${finding.severity}** ${ruleLink(finding)} (${finding.side === "base" ? "deleted line" : "line"} ${finding.line}): ${escapeMarkdown(finding.message)}${old}`,
    // Recommendations are the rules' own text (never manifest content), written with markdown code spans.
    `  <br>Recommendation: ${finding.recommendation.replaceAll("\n", " ")}`,
  ];
}

function ruleLink(finding: Finding): string {
  return `[\`${finding.rule}\`](${docsUrlFor(finding.rule)})`;
}

export function errorRow(error: ReviewError): string {
  const file = `${escapeMarkdown(error.file)}${error.side === "base" ? " (base)" : ""}`;
  const hidden = hiddenObjects(error).map((item) => `<br>Hides ${escapeMarkdown(hiddenLine(item))}`);
  return `| ${file} | ${error.line ?? ""} | ${error.reason} | ${escapeMarkdown(error.message + errorNote(error))}${hidden.join("")} |\n`;
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
