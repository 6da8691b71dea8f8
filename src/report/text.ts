/**
 * Report → the terminal report of `exposure-review` (the default `--format text`).
 *
 * One block per object (header, what changed, findings with their recommendation, suppressed
 * findings with their reason), then files that could not be reviewed, then the conclusion and
 * counts. ANSI colour only when asked: the CLI passes `stdout.isTTY && !NO_COLOR`.
 */
import { worstFirst } from "./order.js";
import { byAttention, conclusionLine, count, errorNote, hiddenLine, hiddenObjects, isQuiet, quietByFile } from "./summary.js";
import type { Classification, Conclusion, Finding, ObjectReport, Report, ReviewError, Severity, SuppressedFinding } from "../core/model.js";
import { shownPathLine } from "./path.js";

export interface TextOptions {
  color?: boolean;
}

const ICONS: Record<Severity, string> = { failure: "✖", warning: "⚠", notice: "ℹ" };

export type Style = "bold" | "dim" | "red" | "yellow" | "green" | "cyan";
const ANSI: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
};

const SEVERITY_STYLE: Record<Severity, Style> = { failure: "red", warning: "yellow", notice: "cyan" };
const CONCLUSION_STYLE: Record<Conclusion, Style> = { failure: "red", neutral: "yellow", success: "green" };
const CLASSIFICATION_STYLE: Record<Classification, Style> = {
  public: "red",
  widened: "yellow",
  internal: "green",
  narrowed: "green",
  removed: "dim",
  unchanged: "dim",
};

export function renderText(report: Report, options: TextOptions = {}): string {
  const paint = painter(options.color ?? false);
  const blocks: string[] = [];

  // An object an unreadable file hides is unknown, not unchanged: the lead says so (the errors name it).
  const hidden = report.errors.some((error) => (error.hides?.length ?? 0) > 0);
  if (report.objects.length === 0) blocks.push(hidden ? "No other Service or Ingress changes; the files below hide some." : "No Service or Ingress changes.");
  // Most important first; objects whose exposure did not change fold into one line per file.
  const shown = report.objects.filter((object) => !isQuiet(object)).sort(byAttention);
  for (const object of shown) blocks.push(objectBlock(object, paint).join("\n"));
  const quiet = quietByFile(report.objects);
  if (quiet.length > 0) blocks.push(quietBlock(quiet, paint).join("\n"));
  if (report.errors.length > 0) blocks.push(errorsBlock(report.errors, paint).join("\n"));
  blocks.push(conclusion(report, paint));

  return `${blocks.join("\n\n")}\n`;
}

export type Paint = (style: Style, text: string) => string;

/** Wraps text in an ANSI style, or leaves it alone when colour is off. */
export function painter(color: boolean): Paint {
  return (style, text) => {
    if (!color) return text;
    const [open, close] = ANSI[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

function objectBlock(object: ObjectReport, paint: Paint): string[] {
  const moved = object.baseFile !== undefined && object.baseFile !== object.file ? ` (was ${object.baseFile})` : "";
  const lines = [
    [
      paint("bold", clean(`${object.kind} ${object.namespace}/${object.name}`)) + (object.target ? clean(` (rendered by ${object.target})`) : ""),
      clean(`${object.file}:${object.line}${moved}`),
      paint(CLASSIFICATION_STYLE[object.classification], object.classification.toUpperCase()),
      `${object.level.base} → ${object.level.head}`,
    ].join("  "),
  ];
  const path = shownPathLine(object);
  if (path !== undefined) lines.push(`  ${paint("dim", "path")} ${clean(path)}`);
  for (const change of object.changes) lines.push(`  ${paint("dim", "·")} ${clean(change)}`);
  for (const finding of worstFirst(object.findings)) lines.push(...findingLines(finding, paint));
  for (const finding of object.suppressed) lines.push(suppressedLine(finding, paint));
  return lines;
}

export function findingLines(finding: Finding, paint: Paint): string[] {
  const head = `${ICONS[finding.severity]} ${finding.severity}`;
  const old = finding.new ? "" : ` ${paint("dim", "(already present)")}`;
  return [
    `  ${paint(SEVERITY_STYLE[finding.severity], head)} ${finding.rule}  ${clean(finding.file === undefined ? (finding.side === "base" ? "deleted line " : "line ") : `${finding.file}:`)}${finding.line}  ${clean(finding.message)}${old}`,
    `      ${paint("dim", `↳ ${clean(finding.recommendation)}`)}`,
  ];
}

export function suppressedLine(finding: SuppressedFinding, paint: Paint): string {
  const source = finding.by === "config" ? "config" : finding.addedByChange ? "annotation added by this change" : "annotation";
  return paint(
    "dim",
    `  ○ suppressed ${finding.rule}  line ${finding.line}  ${clean(finding.message)} (${finding.severity}; ${source}: ${clean(finding.reason)})`,
  );
}

export function errorsBlock(errors: readonly ReviewError[], paint: Paint): string[] {
  const lines = [paint("bold", "Could not review:")];
  for (const error of errors) {
    const where = error.line === undefined ? error.file : `${error.file}:${error.line}`;
    const side = error.side === "base" ? " (base)" : "";
    // A head-side file the change broke leaves the review incomplete; templates, base-side files and
    // breakage already on the base side are information only.
    const incomplete = error.side === "head" && error.reason !== "template" && error.new !== false;
    const icon = incomplete ? paint("yellow", ICONS.warning) : paint("cyan", ICONS.notice);
    lines.push(`  ${icon} ${clean(where)}${side}  ${error.reason}  ${clean(error.message)}${errorNote(error)}`);
    for (const hidden of hiddenObjects(error)) lines.push(`      ↳ ${clean(hiddenLine(hidden))}`);
  }
  return lines;
}

function quietBlock(groups: ReturnType<typeof quietByFile>, paint: Paint): string[] {
  const total = groups.reduce((sum, [, group]) => sum + group.length, 0);
  return [
    paint("bold", `Exposure unchanged (${count(total, "object")}):`),
    ...groups.map(([file, group]) => `  ${clean(file)}  ${group.map((object) => clean(`${object.kind} ${object.namespace}/${object.name}`)).join(", ")}`),
  ];
}

/** What decides the conclusion, first (summary.ts), so a success never reads like a failure. */
function conclusion(report: Report, paint: Paint): string {
  const [, rest] = conclusionLine(report).split(/: (.*)/s);
  return `${paint("bold", "Conclusion:")} ${paint(CONCLUSION_STYLE[report.conclusion], report.conclusion)}: ${rest}`;
}

/**
 * Control characters from a manifest (an annotation value, a host) must not reach the terminal:
 * an escape sequence could rewrite what the reader sees. They are shown as `\u001b`.
 */
export function clean(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
