/**
 * Which lines of a pull request a review comment may sit on, read from the `patch` GitHub gives for each
 * changed file. GitHub refuses a whole review (422 "Line could not be resolved", and the error does not
 * say which comment) when one comment is off the diff, so every comment is checked here first.
 */

/**
 * The head-side (RIGHT) lines of one file's diff that accept a comment: added and context lines,
 * mapped to the index of the hunk they belong to (a multi-line comment must stay inside one hunk).
 */
export type CommentableLines = ReadonlyMap<number, number>;

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Parses a unified-diff `patch` (as in GitHub's DiffEntry: hunks only, no file headers).
 * An absent patch (binary files, diffs GitHub deems too large) has no commentable line.
 */
export function commentableLines(patch: string | undefined): CommentableLines {
  const lines = new Map<number, number>();
  if (patch === undefined || patch === "") return lines;
  let hunk = -1;
  let right = 0;
  for (const text of patch.split("\n")) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      hunk += 1;
      right = Number(header[1]);
      continue;
    }
    if (hunk < 0) continue;
    const marker = text[0];
    if (marker === "+" || marker === " ") {
      lines.set(right, hunk);
      right += 1;
    }
    // "-" lines exist only on the LEFT side; "\ No newline at end of file" belongs to no side.
  }
  return lines;
}

/** True when every line of `start..end` is commentable and they all sit in one hunk. */
export function isCommentableRange(lines: CommentableLines, start: number, end: number): boolean {
  const hunk = lines.get(start);
  if (hunk === undefined || end < start) return false;
  for (let line = start; line <= end; line++) {
    if (lines.get(line) !== hunk) return false;
  }
  return true;
}
