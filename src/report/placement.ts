/**
 * Where each finding is shown on a pull request: the one place a reviewer reads it.
 *
 * Every object with something new to say gets ONE review comment, on the line the pull request changed
 * that caused it (the added `type: LoadBalancer`, the changed host, the deleted certificate annotation on
 * the LEFT side), leading with its worst new finding and listing the others. An object the change touched
 * on no line (its file's diff is too large to show, or only another object moved it) has no such line:
 * its findings go to the review body. A head file the change broke gets a comment on the broken line.
 *
 * What is commented is not annotated (annotations.ts asks `covered`): a line never shows a review comment
 * and an annotation for the same finding. Old findings and what the diff cannot hold stay annotations.
 */
import type { Finding, ObjectReport, Report, ReviewError, SuppressedFinding } from "../core/model.js";
import type { DiffLines } from "../github/patch.js";
import { worstFirst } from "./order.js";

/** One changed file of the pull request, as GitHub lists it. */
export interface ChangedFile {
  /** Head path (the path GitHub's comments use, also for LEFT lines). */
  path: string;
  /** The base path of a renamed file. */
  previousPath?: string;
  diff: DiffLines;
}

/** Where a comment sits: a line (or a range, for a suggestion) on one side of one file's diff. */
export interface CommentAnchor {
  path: string;
  line: number;
  side: "RIGHT" | "LEFT";
  /** First line of a multi-line comment (a suggestion that replaces several lines). */
  startLine?: number;
  /** The replacement text of `startLine..line`, when a finding's fix covers exactly that range. */
  suggestion?: string;
  /** The rule whose fix the suggestion is, when it is not the lead finding's (the lead has none here). */
  suggestionFrom?: Finding["rule"];
}

export interface ObjectPlacement {
  object: ObjectReport;
  /** The object's new findings, most important first: what its comment (or the body) lists. */
  findings: Finding[];
  /** Suppressions this change adds itself: shown to the reviewer, never silently accepted. */
  silenced: SuppressedFinding[];
  /** Absent when the change touched no line of the object: the review body holds its findings. */
  anchor?: CommentAnchor;
}

export interface ErrorPlacement {
  error: ReviewError;
  /** The broken line, when the change wrote it. */
  anchor?: CommentAnchor;
}

export interface Placement {
  objects: ObjectPlacement[];
  errors: ErrorPlacement[];
}

/** Places what a report has to say on a pull request whose changed files are `files`. */
export function placeFindings(report: Report, files: readonly ChangedFile[]): Placement {
  const byHead = new Map(files.map((file) => [file.path, file]));
  const byBase = new Map(files.map((file) => [file.previousPath ?? file.path, file]));
  const objects: ObjectPlacement[] = [];
  for (const object of report.objects) {
    const findings = worstFirst(object.findings.filter((finding) => finding.new));
    const silenced = worstFirst(object.suppressed.filter((finding) => finding.addedByChange));
    if (findings.length === 0 && silenced.length === 0) continue;
    const head = object.change === "removed" ? undefined : byHead.get(object.file);
    const base = byBase.get(object.baseFile ?? object.file);
    const anchor = anchorOf(object, findings, silenced, head, base, byHead);
    objects.push({ object, findings, silenced, ...(anchor ? { anchor } : {}) });
  }
  const errors = report.errors.map((error): ErrorPlacement => {
    // Only breakage this change introduced is commented: a file already broken on the base side is old news
    // (an annotation shows it).
    const file = byHead.get(error.file);
    const line = error.side === "head" && error.new !== false && file ? brokenLine(file, error.line) : undefined;
    return line === undefined ? { error } : { error, anchor: { path: error.file, line, side: "RIGHT" } };
  });
  return { objects, errors };
}

/**
 * The line the change wrote that broke the file: the error's own line when added, else the nearest added
 * line above it in the same hunk. A parser often reports the line after the mistake (an unclosed `[` on
 * an added line is refused at the next key, which the change did not touch).
 */
function brokenLine(file: ChangedFile, line: number | undefined): number | undefined {
  if (line === undefined) return undefined;
  const hunk = file.diff.right.get(line);
  for (let candidate = line; candidate >= 1 && file.diff.right.get(candidate) === hunk; candidate--) {
    if (file.diff.added.has(candidate)) return candidate;
    if (hunk === undefined) return undefined;
  }
  return undefined;
}

/**
 * The line that caused what the object's comment says, first match: the worst finding's own line when the
 * change wrote (or deleted) it, then a silenced finding's suppression, then the line deciding the level or
 * an entry point, then any line of the object the change wrote or deleted.
 */
function anchorOf(
  object: ObjectReport,
  findings: readonly Finding[],
  silenced: readonly SuppressedFinding[],
  head: ChangedFile | undefined,
  base: ChangedFile | undefined,
  byHead: ReadonlyMap<string, ChangedFile>,
): CommentAnchor | undefined {
  const rightIn = (file: ChangedFile | undefined, line: number | undefined): CommentAnchor | undefined =>
    file && line !== undefined && file.diff.added.has(line) ? { path: file.path, line, side: "RIGHT" } : undefined;
  const right = (line: number | undefined) => rightIn(head, line);
  const left = (line: number | undefined): CommentAnchor | undefined =>
    base && line !== undefined && base.diff.deleted.has(line) ? { path: base.path, line, side: "LEFT" } : undefined;
  // A rendered object's findings sit in the files that set their fields (values, patch, template); its
  // reach and span lines are lines of the engine's output, which no diff holds.
  const fileOf = (finding: Finding) => (finding.file === undefined ? head : byHead.get(finding.file));
  if (object.target !== undefined) {
    for (const finding of findings) {
      const anchor = finding.side === "base" ? undefined : rightIn(fileOf(finding), finding.line);
      if (anchor) return withSuggestion(anchor, findings, fileOf);
    }
    return undefined;
  }

  const candidates: (() => CommentAnchor | undefined)[] = [
    ...findings.map((finding) => () => (finding.side === "base" ? left(finding.line) : right(finding.line))),
    ...silenced.map((finding) => () => right(finding.suppressedAt)),
    () => right(object.reach.head?.levelLine),
    () => right(object.reach.head?.allowList?.line),
    () => right(object.reach.head?.ingressClass?.line),
    ...(object.reach.head?.entryPoints ?? []).map((entryPoint) => () => right(entryPoint.line)),
    () => firstIn(object.span?.head, (line) => right(line)),
    () => firstIn(object.span?.base, (line) => left(line)),
  ];
  for (const candidate of candidates) {
    const anchor = candidate();
    if (anchor) return withSuggestion(anchor, findings, () => head);
  }
  return undefined;
}

function firstIn(span: { line: number; endLine: number } | undefined, at: (line: number) => CommentAnchor | undefined) {
  if (!span) return undefined;
  for (let line = span.line; line <= span.endLine; line++) {
    const anchor = at(line);
    if (anchor) return anchor;
  }
  return undefined;
}

/**
 * A RIGHT comment becomes a suggestion when a finding's fix covers its line and the fix's whole range
 * sits in one hunk (GitHub applies a suggestion to exactly the commented lines, and refuses a range across
 * hunks). The lead finding's fix first; when the lead has none there, the next finding's that does (a
 * plain-HTTP port on a new load balancer leads with `public-without-tls`, which has no one-line fix, while
 * `public-loadbalancer`'s `type: ClusterIP` on the same line ends both). A LEFT comment never carries one:
 * GitHub cannot apply a suggestion on a deleted line, so a restoring fix is shown as text there (comments.ts).
 */
function withSuggestion(anchor: CommentAnchor, findings: readonly Finding[], fileOf: (finding: Finding) => ChangedFile | undefined): CommentAnchor {
  if (anchor.side !== "RIGHT") return anchor;
  for (const [index, finding] of findings.entries()) {
    const fix = finding.fix;
    const head = fileOf(finding);
    if (!fix || !head || finding.side === "base" || head.path !== anchor.path) continue;
    if (anchor.line < fix.startLine || anchor.line > fix.endLine) continue;
    const hunk = head.diff.right.get(fix.startLine);
    let oneHunk = hunk !== undefined;
    for (let line = fix.startLine; oneHunk && line <= fix.endLine; line++) oneHunk = head.diff.right.get(line) === hunk;
    if (!oneHunk) continue;
    return {
      path: anchor.path,
      side: "RIGHT",
      line: fix.endLine,
      ...(fix.startLine < fix.endLine ? { startLine: fix.startLine } : {}),
      suggestion: fix.replacement,
      ...(index > 0 ? { suggestionFrom: finding.rule } : {}),
    };
  }
  return anchor;
}

/** The key of a finding shown somewhere, so annotations can leave out what a comment already shows. */
export function findingKey(objectId: string, finding: Pick<Finding, "rule" | "line" | "side">): string {
  return JSON.stringify([objectId, finding.rule, finding.side ?? "head", finding.line]);
}

export function errorKey(error: Pick<ReviewError, "file" | "line" | "side">): string {
  return JSON.stringify(["error", error.side, error.file, error.line ?? 0]);
}

/** Everything the placement puts in an inline comment. */
export function coveredByComments(placement: Placement): Set<string> {
  const covered = new Set<string>();
  for (const item of placement.objects) {
    if (!item.anchor) continue;
    for (const finding of [...item.findings, ...item.silenced]) covered.add(findingKey(item.object.id, finding));
  }
  for (const item of placement.errors) if (item.anchor) covered.add(errorKey(item.error));
  return covered;
}
