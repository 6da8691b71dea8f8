/**
 * The last guard before a body goes to GitHub: whatever src/report/ planned, what is sent stays within
 * GitHub's limits and within a request count that does not grow with the input. One file with 6,780
 * LoadBalancers produced 13,560 annotations (272 updates, one a second) and one review of 13,559 comments;
 * a 500 KB object name made the review body exceed 65,536 characters, and GitHub refused the review.
 */
import type { CheckAnnotation } from "../report/annotations.js";
import { MAX_COMMENT_BODY, type ReviewComment } from "../report/comments.js";

/** Annotations sent per run: 6 update requests. The rest are counted in the run's text. */
export const MAX_ANNOTATIONS = 300;
/** Inline comments per review. The rest are counted in the review's body. */
export const MAX_REVIEW_COMMENTS = 200;
/** `output.title`: GitHub documents no limit; an annotation's title is capped at 255, so is ours. */
export const MAX_CHECK_TITLE = 255;
/** `output.summary` and `output.text` maxLength in GitHub's OpenAPI description. */
export const MAX_CHECK_OUTPUT = 65535;

const LEVEL_ORDER: Record<string, number> = { failure: 0, warning: 1, notice: 2 };

/** Cuts `text` to `max` characters, ending with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The annotations to send: lines clamped to the file (GitHub refuses a line past the end, and a parser
 * error at end of file can point one past it), the most severe first when there are too many, then in
 * path and line order. `lineCounts` maps a head path to its number of lines.
 */
export function fitAnnotations(
  annotations: readonly CheckAnnotation[],
  lineCounts: ReadonlyMap<string, number>,
): { annotations: CheckAnnotation[]; omitted: number } {
  const clamped = annotations.map((annotation) => {
    const last = Math.max(1, lineCounts.get(annotation.path) ?? Number.MAX_SAFE_INTEGER);
    const start = Math.min(Math.max(1, Math.trunc(annotation.start_line) || 1), last);
    const end = Math.min(Math.max(start, Math.trunc(annotation.end_line) || start), last);
    return start === annotation.start_line && end === annotation.end_line ? annotation : { ...annotation, start_line: start, end_line: end };
  });
  if (clamped.length <= MAX_ANNOTATIONS) return { annotations: clamped, omitted: 0 };
  const kept = clamped
    .map((annotation, index) => ({ annotation, index }))
    .sort((a, b) => (LEVEL_ORDER[a.annotation.annotation_level] ?? 3) - (LEVEL_ORDER[b.annotation.annotation_level] ?? 3) || a.index - b.index)
    .slice(0, MAX_ANNOTATIONS)
    .sort((a, b) => a.index - b.index)
    .map(({ annotation }) => annotation);
  return { annotations: kept, omitted: clamped.length - kept.length };
}

/** The note for the run's text when annotations were left out. */
export function omittedAnnotationsNote(omitted: number): string {
  return `${omitted} more ${omitted === 1 ? "annotation is" : "annotations are"} not shown: a run shows at most ${MAX_ANNOTATIONS}, the most severe first. The summary lists every object.`;
}

/** Number of lines of a text, as GitHub counts them for annotations (a final newline ends a line). */
export function lineCount(text: string): number {
  let lines = 1;
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) lines += 1;
  return text.endsWith("\n") ? lines - 1 : lines;
}

/**
 * The comments a review may carry: each body within GitHub's limit, at most `MAX_REVIEW_COMMENTS`. What is
 * left out is counted, for a line in the review body.
 */
export function fitComments<C extends ReviewComment>(comments: readonly C[]): { comments: C[]; omitted: number } {
  const fitting = comments.filter((comment) => comment.body.length <= MAX_COMMENT_BODY && comment.path.length <= 4096);
  const kept = fitting.slice(0, MAX_REVIEW_COMMENTS);
  return { comments: kept, omitted: comments.length - kept.length };
}

/**
 * The review body within GitHub's limit, with a line for the comments left out. The body starts with the
 * head-commit marker, which a cut never removes.
 */
export function fitReviewBody(body: string, omittedComments: number): string {
  const note =
    omittedComments > 0
      ? `\n\n${omittedComments} more ${omittedComments === 1 ? "finding" : "findings"} on changed lines ${omittedComments === 1 ? "is" : "are"} not commented inline here (a review carries at most ${MAX_REVIEW_COMMENTS}); the check run lists every one.`
      : "";
  const room = MAX_COMMENT_BODY - note.length;
  return (body.length <= room ? body : `${body.slice(0, room - 2)}\n…`) + note;
}
