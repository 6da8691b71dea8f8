import { describe, expect, it } from "vitest";
import { commentableLines, isCommentableRange } from "../../src/github/patch.js";
import { lineDiff } from "./line-diff.js";

describe("commentableLines", () => {
  it("maps added and context lines of each hunk to the hunk, and skips removed lines", () => {
    const patch = ["@@ -1,4 +1,5 @@", " a", "-b", "+B", "+B2", " c", " d", "@@ -20,2 +21,3 @@ spec:", " x", "+y", " z"].join("\n");
    expect([...commentableLines(patch)]).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 0],
      [21, 1],
      [22, 1],
      [23, 1],
    ]);
  });

  it("reads counts left out for one-line ranges and ignores the no-newline marker", () => {
    const patch = ["@@ -3 +3 @@", "-old", "\\ No newline at end of file", "+new", "\\ No newline at end of file"].join("\n");
    expect([...commentableLines(patch)]).toEqual([[3, 0]]);
  });

  it("has no line for a file without a patch (binary, or too large for GitHub)", () => {
    expect(commentableLines(undefined).size).toBe(0);
    expect(commentableLines("").size).toBe(0);
  });

  it("a deleted file has no commentable line on the head side", () => {
    expect(commentableLines("@@ -1,2 +0,0 @@\n-a\n-b").size).toBe(0);
  });

  it("agrees with the fake GitHub's own diff on every line of real edits", () => {
    const before = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    const after = before.replace("line 3\n", "line three\n").replace("line 20\n", "").replace("line 35\n", "line 35\ninserted\n");
    const diff = lineDiff(before, after);
    expect(diff.patch.split("\n").filter((line) => line.startsWith("@@"))).toEqual(["@@ -1,6 +1,6 @@", "@@ -17,7 +17,6 @@", "@@ -33,6 +32,7 @@"]);
    expect([...commentableLines(diff.patch)]).toEqual([...diff.commentable]);
  });
});

describe("isCommentableRange", () => {
  const lines = commentableLines(["@@ -1,3 +1,3 @@", " a", "-b", "+B", " c", "@@ -10,1 +10,2 @@", " j", "+k"].join("\n"));

  it("accepts a range inside one hunk", () => {
    expect(isCommentableRange(lines, 1, 3)).toBe(true);
    expect(isCommentableRange(lines, 11, 11)).toBe(true);
  });

  it("refuses a range that leaves the diff or spans two hunks", () => {
    expect(isCommentableRange(lines, 3, 4)).toBe(false);
    expect(isCommentableRange(lines, 3, 10)).toBe(false);
    expect(isCommentableRange(lines, 5, 5)).toBe(false);
    expect(isCommentableRange(lines, 3, 2)).toBe(false);
  });
});
