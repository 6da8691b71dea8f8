/**
 * Report + the commentable lines of each file -> the inline comments and body of one pull-request review.
 * Pure: src/github/review.ts lists what is already posted and sends only what is new.
 *
 * Only new findings are commented (an old one is the base branch's, not this change's; it still shows as an
 * annotation). A comment sits on the finding's line, or on the lines of its fix, with a ```suggestion block,
 * when those lines are all in one hunk of the diff. A finding elsewhere goes into the review body, because
 * GitHub rejects the whole review when one comment is off the diff.
 */
import type { Finding, ObjectReport, Report } from "../core/model.js";
import { ruleById } from "../core/rules/index.js";
import { type CommentableLines, isCommentableRange } from "../github/patch.js";
import { escapeMarkdown } from "./markdown.js";
import { shownPathLine } from "./path.js";

/** GitHub rejects comment and review bodies longer than this (422 "Body is too long"); not in the OpenAPI spec. */
export const MAX_COMMENT_BODY = 65536;

/** One item of `comments` in the create-review request (line/side form; `position` is deprecated). */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

/** A finding that could not be placed on the diff: it is listed in the review body. */
export interface OutsideDiffFinding {
  path: string;
  line: number;
  objectId: string;
  finding: Finding;
  marker: string;
}

export interface ReviewPlan {
  /** Inline comments, each with its marker (also inside `body`). */
  comments: (ReviewComment & { marker: string })[];
  outsideDiff: OutsideDiffFinding[];
}

const MARKER_PREFIX = "exposure-review:";

/** The hidden marker of one finding: how a redelivery or re-run recognises a comment already posted. */
export function findingMarker(rule: string, objectId: string, line: number): string {
  return `<!-- ${MARKER_PREFIX}${rule}:${objectId}:${line} -->`;
}

/** The hidden marker of the review for one head commit: at most one review per commit. */
export function headCommitMarker(sha: string): string {
  return `<!-- ${MARKER_PREFIX}head:${sha} -->`;
}

/** Every exposure-review marker in a posted body (comments and review bodies alike). */
export function markersIn(body: string | null | undefined): string[] {
  return body ? [...body.matchAll(/<!-- exposure-review:[^\n]*? -->/g)].map((match) => match[0]) : [];
}

/**
 * Places every new finding of the report: on the diff when its line (or its fix's lines) can take a comment,
 * otherwise in the list for the review body. `commentable` maps a head path to its commentable lines.
 */
export function planReview(report: Report, commentable: ReadonlyMap<string, CommentableLines>): ReviewPlan {
  const plan: ReviewPlan = { comments: [], outsideDiff: [] };
  for (const object of report.objects) {
    for (const finding of object.findings) {
      if (!finding.new) continue;
      const marker = findingMarker(finding.rule, object.id, finding.line);
      const lines = commentable.get(object.file) ?? new Map<number, number>();
      const fix = finding.fix;
      if (fix && isCommentableRange(lines, fix.startLine, fix.endLine)) {
        plan.comments.push({
          path: object.file,
          ...(fix.startLine < fix.endLine ? { start_line: fix.startLine, start_side: "RIGHT" as const } : {}),
          line: fix.endLine,
          side: "RIGHT",
          body: commentBody(object, finding, marker, fix.replacement),
          marker,
        });
      } else if (lines.has(finding.line)) {
        plan.comments.push({
          path: object.file,
          line: finding.line,
          side: "RIGHT",
          body: commentBody(object, finding, marker),
          marker,
        });
      } else {
        plan.outsideDiff.push({ path: object.file, line: finding.line, objectId: object.id, finding, marker });
      }
    }
  }
  return plan;
}

function commentBody(object: ObjectReport, finding: Finding, marker: string, suggestion?: string): string {
  const rule = ruleById(finding.rule);
  const parts = [
    `**${rule.title}** (\`${finding.rule}\`, ${finding.severity}) on \`${object.id}\``,
    finding.message,
  ];
  const path = shownPathLine(object);
  if (path !== undefined) parts.push(`**Path:** ${escapeMarkdown(path)}`);
  parts.push(`**Recommendation:** ${finding.recommendation}`);
  if (suggestion !== undefined) parts.push(suggestionBlock(suggestion));
  parts.push(`[About this rule](${rule.docsUrl})`, marker);
  return clip(parts.join("\n\n"), MAX_COMMENT_BODY, marker);
}

/** A fence longer than any backtick run in the replacement, so YAML with ``` inside cannot close it early. */
function suggestionBlock(replacement: string): string {
  const longest = Math.max(2, ...[...replacement.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}suggestion\n${replacement}\n${fence}`;
}

export interface ReviewBodyInput {
  headSha: string;
  /** Inline comments this review carries (already filtered to the new ones). */
  commentCount: number;
  /** Findings outside the diff that were not listed before. */
  outsideDiff: OutsideDiffFinding[];
  /** The check run's page, linked for the full picture. */
  checkRunUrl?: string;
}

/** The review's own text: the head-commit marker, a one-line lead, and the findings outside the diff. */
export function renderReviewBody(input: ReviewBodyInput): string {
  const head = headCommitMarker(input.headSha);
  const counts = [
    input.commentCount > 0 ? `${plural(input.commentCount, "comment")} on the changed lines` : undefined,
    input.outsideDiff.length > 0 ? `${plural(input.outsideDiff.length, "finding")} elsewhere` : undefined,
  ].filter((part) => part !== undefined);
  const lead = `**Exposure review** of ${input.headSha.slice(0, 7)}: ${counts.join(" and ")}`;
  const link = input.checkRunUrl ? ` See the [check run](${input.checkRunUrl}) for every object.` : "";
  const lines = [`${head}\n${lead}.${link}`];
  if (input.outsideDiff.length > 0) {
    lines.push("", "Findings on lines this pull request does not change:", "");
    let used = lines.join("\n").length;
    for (const [index, item] of input.outsideDiff.entries()) {
      const rule = ruleById(item.finding.rule);
      const entry = `- \`${item.path}:${item.line}\` **${rule.title}** (\`${item.finding.rule}\`, ${item.finding.severity}) on \`${item.objectId}\`: ${item.finding.message} ${item.finding.recommendation} ${item.marker}`;
      // Keep room for the closing line: the body must stay under GitHub's limit whatever the report holds.
      if (used + entry.length + 200 > MAX_COMMENT_BODY) {
        lines.push(`- …and ${input.outsideDiff.length - index} more, listed in the check run.`);
        break;
      }
      lines.push(entry);
      used += entry.length + 1;
    }
  }
  return lines.join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Cuts an over-long body but keeps the marker, so the comment is still recognised next time. */
function clip(body: string, max: number, marker: string): string {
  if (body.length <= max) return body;
  const tail = `\n\n…\n\n${marker}`;
  return body.slice(0, max - tail.length) + tail;
}
