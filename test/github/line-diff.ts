/**
 * A small, correct line diff for the fake GitHub: the unified-diff `patch` GitHub puts in each DiffEntry
 * (hunks only, 3 lines of context, `\ No newline at end of file`), and the head-side lines GitHub
 * accepts review comments on, computed from the diff itself rather than by parsing the patch text, so the
 * fake checks the app's patch parser instead of sharing it.
 */

const CONTEXT = 3;
/** Above this many cells the middle part is diffed as "remove all, add all": still a valid diff. */
const MAX_LCS_CELLS = 4_000_000;

type Op = { kind: " " | "-" | "+"; text: string; left: number; right: number };

export interface LineDiff {
  /** GitHub's `patch`: "" when the texts are equal. */
  patch: string;
  additions: number;
  deletions: number;
  /** Head-side line -> hunk index, for every added and context line inside a hunk. */
  commentable: Map<number, number>;
  /** Base-side line -> hunk index, for every deleted and context line inside a hunk (side LEFT). */
  commentableLeft: Map<number, number>;
}

/** Splits into lines, marking a last line without a newline so that "a" and "a\n" differ, as in git. */
function lines(text: string): string[] {
  if (text === "") return [];
  const parts = text.split("\n");
  if (parts[parts.length - 1] === "") parts.pop();
  else parts[parts.length - 1] += "\u0000noeol";
  return parts;
}

function ops(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const result: Op[] = [];
  for (let i = 0; i < prefix; i++) result.push({ kind: " ", text: a[i]!, left: i + 1, right: i + 1 });
  let left = prefix + 1;
  let right = prefix + 1;
  const push = (kind: Op["kind"], text: string) => {
    result.push({ kind, text, left, right });
    if (kind !== "+") left++;
    if (kind !== "-") right++;
  };
  if (midA.length * midB.length > MAX_LCS_CELLS) {
    for (const text of midA) push("-", text);
    for (const text of midB) push("+", text);
  } else {
    // lcs[i][j] = LCS length of midA[i..] and midB[j..]
    const width = midB.length + 1;
    const lcs = new Uint32Array((midA.length + 1) * width);
    for (let i = midA.length - 1; i >= 0; i--) {
      for (let j = midB.length - 1; j >= 0; j--) {
        lcs[i * width + j] = midA[i] === midB[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < midA.length || j < midB.length) {
      if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
        push(" ", midA[i]!);
        i++;
        j++;
      } else if (j < midB.length && (i === midA.length || lcs[i * width + j + 1]! >= lcs[(i + 1) * width + j]!)) {
        push("+", midB[j]!);
        j++;
      } else {
        push("-", midA[i]!);
        i++;
      }
    }
  }
  for (let k = 0; k < suffix; k++) {
    const text = a[a.length - suffix + k]!;
    result.push({ kind: " ", text, left, right });
    left++;
    right++;
  }
  return result;
}

export function lineDiff(before: string, after: string): LineDiff {
  const all = ops(lines(before), lines(after));
  const changed = all.flatMap((op, index) => (op.kind === " " ? [] : [index]));
  const diff: LineDiff = { patch: "", additions: 0, deletions: 0, commentable: new Map(), commentableLeft: new Map() };
  if (changed.length === 0) return diff;
  // Group changes whose context windows touch into hunks.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT);
    const end = Math.min(all.length - 1, index + CONTEXT);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [hunkIndex, [start, end]] of hunks.entries()) {
    const body = all.slice(start, end + 1);
    const leftCount = body.filter((op) => op.kind !== "+").length;
    const rightCount = body.filter((op) => op.kind !== "-").length;
    const first = body[0]!;
    const leftStart = leftCount === 0 ? first.left - 1 : first.left;
    const rightStart = rightCount === 0 ? first.right - 1 : first.right;
    const range = (startLine: number, count: number) => (count === 1 ? `${startLine}` : `${startLine},${count}`);
    out.push(`@@ -${range(leftStart, leftCount)} +${range(rightStart, rightCount)} @@`);
    for (const op of body) {
      const noEol = op.text.endsWith("\u0000noeol");
      out.push(`${op.kind}${noEol ? op.text.slice(0, -"\u0000noeol".length) : op.text}`);
      if (noEol) out.push("\\ No newline at end of file");
      if (op.kind === "+") diff.additions++;
      if (op.kind === "-") diff.deletions++;
      if (op.kind !== "-") diff.commentable.set(op.right, hunkIndex);
      if (op.kind !== "+") diff.commentableLeft.set(op.left, hunkIndex);
    }
  }
  diff.patch = out.join("\n");
  return diff;
}
