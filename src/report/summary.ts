/**
 * What every summary says the same way, whichever face shows it (check title, markdown, text): which
 * findings decide the conclusion, the order objects are shown in, which objects fold into one line, and
 * why a widened object that decides nothing is fine. One place, so the faces cannot disagree.
 */
import type { Classification, Finding, ObjectReport, Report, ReviewError } from "../core/model.js";
import { byImportance, SEVERITY_RANK } from "./order.js";

/** The findings that decide the conclusion: new ones, and suppressions the change adds that still count. */
export function countedFindings(object: ObjectReport): Finding[] {
  return [...object.findings.filter((finding) => finding.new), ...object.suppressed.filter((finding) => finding.counted)];
}

const CLASSIFICATION_RANK: Record<Classification, number> = { public: 0, widened: 1, internal: 2, narrowed: 3, removed: 4, unchanged: 5 };

/** Objects with a counted failure first, then warnings, then by how much more exposed, then by place. */
export function byAttention(a: ObjectReport, b: ObjectReport): number {
  return (
    worstRank(a) - worstRank(b) ||
    CLASSIFICATION_RANK[a.classification] - CLASSIFICATION_RANK[b.classification] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)
  );
}

function worstRank(object: ObjectReport): number {
  const counted = countedFindings(object);
  return counted.length === 0 ? 3 : Math.min(...counted.map((finding) => SEVERITY_RANK[finding.severity]));
}

/**
 * An object whose exposure did not change and that nothing was found on: in a large change these are most
 * of the objects, and each says the same. They fold into one line per file.
 */
export function isQuiet(object: ObjectReport): boolean {
  return object.classification === "unchanged" && object.findings.length === 0 && object.suppressed.length === 0;
}

/** Quiet objects grouped by file, in file order. */
export function quietByFile(objects: readonly ObjectReport[]): [file: string, objects: ObjectReport[]][] {
  const groups = new Map<string, ObjectReport[]>();
  for (const object of objects.filter(isQuiet)) groups.set(object.file, [...(groups.get(object.file) ?? []), object]);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Why an object that is public or widened decides nothing: said next to it, so a green check is not a riddle. */
export function whyFine(object: ObjectReport): string {
  if (object.findings.some((finding) => !finding.new)) return "already present";
  if (object.suppressed.some((finding) => !finding.counted && finding.addedByChange)) return "silenced by an annotation this change adds";
  if (object.suppressed.some((finding) => !finding.counted)) return "accepted by a suppression";
  return "within policy";
}

/** Why a piece could not be read, in a few words: "conflict markers at line 6", "too large". */
export function unreadableBecause(error: ReviewError): string {
  const at = error.line === undefined ? "" : ` at line ${error.line}`;
  switch (error.reason) {
    case "syntax":
      return error.conflictMarkers ? `conflict markers${at}` : `invalid YAML${at}`;
    case "template":
      return `a template${at}`;
    case "too-large":
      return "too large";
    case "binary":
      return "binary";
    case "render":
      return "did not render";
    case "chart-unavailable":
      return "chart unavailable";
    case "unavailable":
      return "not available";
    case "duplicate":
      return `defined more than once${at}`;
  }
}

/** Said after a head-side error the change did not introduce: it does not lower the conclusion. */
export function errorNote(error: ReviewError): string {
  return error.side === "head" && error.new === false ? " (already so on the base side)" : "";
}

/**
 * Each object an unreadable piece hides, as a reviewer reads it: `Service edge/edge-proxy` and `head
 * unreadable, conflict markers at line 6`. The object exists on the other side; on this side it is unknown.
 */
export function hiddenObjects(error: ReviewError): { object: string; why: string }[] {
  return (error.hides ?? []).map((id) => ({ object: objectOfId(id), why: `${error.side} unreadable, ${unreadableBecause(error)}` }));
}

/** "Service edge/edge-proxy: head unreadable, conflict markers at line 6". */
export function hiddenLine(hidden: { object: string; why: string }): string {
  return `${hidden.object}: ${hidden.why}`;
}

/**
 * `Service/edge/edge-proxy` as `Service edge/edge-proxy`, the way findings name objects; a rendered
 * object keeps its target in front (`kustomize:deploy/prod Service shop/web`).
 */
function objectOfId(id: string): string {
  const parts = id.split("/");
  if (parts.length < 3) return id;
  const name = parts.pop()!;
  const namespace = parts.pop()!;
  return `${parts.join("/")} ${namespace}/${name}`;
}

/** Files that could not be read, each counted once whatever its sides and pieces. */
export function unreadableFileCount(report: Report): number {
  return new Set(report.errors.filter((error) => error.reason !== "duplicate").map((error) => error.file)).size;
}

/**
 * The conclusion with what decides it first: "failure: 1 new failure (sensitive-port-exposed); also 1 new
 * warning, 1 already present, 1 file not reviewed". Counts by finding; files once each.
 */
export function conclusionLine(report: Report): string {
  const counted = report.objects.flatMap(countedFindings).sort(byImportance);
  const bySeverity = (severity: Finding["severity"]) => counted.filter((finding) => finding.severity === severity);
  const failures = bySeverity("failure");
  const warnings = bySeverity("warning");
  const notices = bySeverity("notice");
  const rules = (findings: readonly Finding[]) => ` (${[...new Set(findings.map((finding) => finding.rule))].join(", ")})`;
  const unread = unreadableFileCount(report);
  const parts: string[] = [];
  let decider: string;
  if (report.conclusion === "failure" && failures.length > 0) {
    decider = `${count(failures.length, "new failure")}${rules(failures)}`;
    parts.push(...nonZero([warnings.length, "new warning"], [notices.length, "new notice"]));
  } else if (report.conclusion !== "success" && warnings.length > 0) {
    decider = `${count(warnings.length, "new warning")}${rules(warnings)}`;
    parts.push(...nonZero([failures.length, "new failure"], [notices.length, "new notice"]));
  } else if (report.conclusion !== "success" && unread > 0) {
    decider = `${count(unread, "file")} not reviewed`;
    parts.push(...nonZero([failures.length, "new failure"], [warnings.length, "new warning"], [notices.length, "new notice"]));
  } else {
    decider = counted.length === 0 ? "no new findings" : [...nonZero([failures.length, "new failure"], [warnings.length, "new warning"], [notices.length, "new notice"])].join(", ");
  }
  const old = report.objects.reduce((sum, object) => sum + object.findings.filter((finding) => !finding.new).length, 0);
  const suppressed = report.objects.flatMap((object) => object.suppressed.filter((finding) => !finding.counted));
  const silenced = suppressed.filter((finding) => finding.addedByChange).length;
  if (old > 0) parts.push(`${old} already present`);
  if (silenced > 0) parts.push(`${silenced} silenced by this change`);
  if (suppressed.length > silenced) parts.push(`${suppressed.length - silenced} suppressed`);
  if (unread > 0 && !decider.endsWith("not reviewed")) parts.push(`${count(unread, "file")} not reviewed`);
  return `${report.conclusion}: ${decider}${parts.length > 0 ? `; also ${parts.join(", ")}` : ""}`;
}

function nonZero(...entries: [number, string][]): string[] {
  return entries.filter(([n]) => n > 0).map(([n, noun]) => count(n, noun));
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
