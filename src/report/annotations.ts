/**
 * Report -> check-run annotations. Pure: src/github/check-run.ts sends them, 50 per request.
 * Every finding that no inline review comment shows becomes one annotation on its exact line
 * (annotations, unlike review comments, may sit on any line of the head file), and so does every
 * head-side file that could not be read. What a review comment shows is not annotated again: the
 * "Files changed" tab would otherwise show two boxes for one finding on one line (placement.ts).
 */
import type { Finding, ObjectReport, Report, ReviewError } from "../core/model.js";
import { ruleById } from "../core/rules/index.js";
import { errorKey, findingKey } from "./placement.js";
import { errorNote, hiddenLine, hiddenObjects } from "./summary.js";

/** GitHub's prose limits for one annotation (not encoded in the OpenAPI schema). */
export const MAX_ANNOTATION_TITLE = 255;
export const MAX_ANNOTATION_MESSAGE = 64 * 1024;

export type AnnotationLevel = "notice" | "warning" | "failure";

/** One item of `output.annotations` in the create / update check run request. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: AnnotationLevel;
  title: string;
  message: string;
}

export interface AnnotationOptions {
  /** The config's `conclusion.preexisting`: whether findings already on the base side count. */
  preexisting?: "ignore" | "count";
  /** Keys (placement.ts `findingKey` / `errorKey`) of what inline review comments already show. */
  covered?: ReadonlySet<string>;
}

/**
 * All annotations of a report, sorted by path then line. A finding that is already present on the
 * base side and does not count (the default) is shown as a notice, so the Files tab does not paint
 * old code red for a change that did not touch it.
 */
export function toAnnotations(report: Report, options: AnnotationOptions = {}): CheckAnnotation[] {
  const annotations: CheckAnnotation[] = [];
  const covered = options.covered ?? new Set<string>();
  for (const object of report.objects) {
    for (const finding of object.findings) {
      if (covered.has(findingKey(object.id, finding))) continue;
      annotations.push(findingAnnotation(object, finding, options));
    }
  }
  for (const error of report.errors) {
    if (error.side === "head" && !covered.has(errorKey(error))) annotations.push(errorAnnotation(error));
  }
  return annotations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start_line - b.start_line));
}

function findingAnnotation(object: ObjectReport, finding: Finding, options: AnnotationOptions): CheckAnnotation {
  const rule = ruleById(finding.rule);
  const counts = finding.new || options.preexisting === "count";
  const title = `${rule.title} (${finding.rule})${finding.new ? "" : " — already present"}`;
  // A finding about a deleted line has no head line: it sits on the object's first line and says where.
  const deleted = finding.side === "base";
  const line = deleted ? object.line : finding.line;
  const message = [
    `${object.id}: ${finding.message}`,
    deleted ? `The cause is line ${finding.line} of ${object.baseFile ?? object.file} on the base side, which this change deletes.` : undefined,
    finding.recommendation,
    finding.new ? undefined : "This finding is already present on the base branch.",
    rule.docsUrl,
  ]
    .filter((part): part is string => part !== undefined && part !== "")
    .join("\n\n");
  return {
    path: finding.file ?? object.file,
    start_line: line,
    end_line: line,
    annotation_level: counts ? finding.severity : "notice",
    title: clip(title, MAX_ANNOTATION_TITLE),
    message: clip(message, MAX_ANNOTATION_MESSAGE),
  };
}

function errorAnnotation(error: ReviewError): CheckAnnotation {
  const line = error.line ?? 1;
  return {
    path: error.file,
    start_line: line,
    end_line: line,
    // A head file the change broke leaves the review incomplete (CONTRACT: at least neutral); a template, or
    // breakage the base side already had, decides nothing and is a notice, as old findings are.
    annotation_level: error.reason === "template" || error.new === false ? "notice" : "warning",
    title: clip(`Not reviewed: ${error.reason}`, MAX_ANNOTATION_TITLE),
    message: clip([`${error.message}${errorNote(error)}`, ...hiddenObjects(error).map(hiddenLine)].join("\n"), MAX_ANNOTATION_MESSAGE),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * An annotation as `GET /check-runs/{id}/annotations` lists it. GitHub answers `null` for a field that was
 * never sent (our annotations always have a title, other apps' may not).
 */
export interface PostedAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string | null;
  title: string | null;
  message: string | null;
}

export interface AnnotationDelta {
  /** Produced but not on the run yet: the only ones to send, since every update appends. */
  missing: CheckAnnotation[];
  /** On the run but no longer produced: GitHub has no way to delete them. */
  stale: PostedAnnotation[];
}

/**
 * Compares what a review produced with what a run already shows, on the fields a reader sees (path, lines,
 * level, title, message). Counted, not just matched: two equal findings need two annotations, and a run
 * that shows one twice has a stale one.
 */
export function annotationDelta(produced: readonly CheckAnnotation[], posted: readonly PostedAnnotation[]): AnnotationDelta {
  const unmatched = new Map<string, PostedAnnotation[]>();
  for (const annotation of posted) {
    const key = annotationKey(annotation);
    unmatched.set(key, [...(unmatched.get(key) ?? []), annotation]);
  }
  const missing: CheckAnnotation[] = [];
  for (const annotation of produced) {
    const same = unmatched.get(annotationKey(annotation));
    if (same && same.length > 0) same.shift();
    else missing.push(annotation);
  }
  return { missing, stale: [...unmatched.values()].flat() };
}

function annotationKey(annotation: PostedAnnotation | CheckAnnotation): string {
  return JSON.stringify([
    annotation.path,
    annotation.start_line,
    annotation.end_line,
    annotation.annotation_level,
    annotation.title ?? "",
    annotation.message ?? "",
  ]);
}
