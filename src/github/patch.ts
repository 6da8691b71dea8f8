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

const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/**
 * Both sides of one file's diff: the lines each side accepts a comment on (mapped to their hunk), and
 * which of them the change wrote (`added`, RIGHT) or deleted (`deleted`, LEFT). Line numbers are each
 * side's own: LEFT lines are the merge base's.
 */
export interface DiffLines {
  right: CommentableLines;
  left: CommentableLines;
  added: ReadonlySet<number>;
  deleted: ReadonlySet<number>;
}

/**
 * Parses a unified-diff `patch` (as in GitHub's DiffEntry: hunks only, no file headers).
 * An absent patch (binary files, diffs GitHub deems too large) has no commentable line.
 */
export function diffLines(patch: string | undefined): DiffLines {
  const right = new Map<number, number>();
  const left = new Map<number, number>();
  const added = new Set<number>();
  const deleted = new Set<number>();
  const result = { right, left, added, deleted };
  if (patch === undefined || patch === "") return result;
  let hunk = -1;
  let leftLine = 0;
  let rightLine = 0;
  for (const text of patch.split("\n")) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      hunk += 1;
      leftLine = Number(header[1]);
      rightLine = Number(header[2]);
      continue;
    }
    if (hunk < 0) continue;
    const marker = text[0];
    if (marker === "+" || marker === " ") {
      right.set(rightLine, hunk);
      if (marker === "+") added.add(rightLine);
      rightLine += 1;
    }
    if (marker === "-" || marker === " ") {
      left.set(leftLine, hunk);
      if (marker === "-") deleted.add(leftLine);
      leftLine += 1;
    }
    // "\ No newline at end of file" belongs to no side.
  }
  return result;
}

/** The head-side (RIGHT) lines of one file's diff that accept a comment. */
export function commentableLines(patch: string | undefined): CommentableLines {
  return diffLines(patch).right;
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
