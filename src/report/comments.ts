/**
 * Report + the pull request's changed files -> the inline comments and body of one pull-request review.
 * Pure: src/github/review.ts lists what is already posted and sends only what is new.
 *
 * placement.ts decides where things go: one comment per object on the changed line that caused it
 * (RIGHT, or LEFT for a deleted line), a comment on a broken line the change wrote, and the review body
 * for objects the change touched on no line. Only new findings (and suppressions the change adds itself)
 * are commented: an old one is the base branch's, not this change's; it stays an annotation.
 */
import type { Finding, Report, ReviewError, SuppressedFinding } from "../core/model.js";
import { ruleById } from "../core/rules/index.js";
import { checkTitle } from "./check-output.js";
import { escapeMarkdown } from "./markdown.js";
import { shownPathLine } from "./path.js";
import { byImportance } from "./order.js";
import { hiddenObjects } from "./summary.js";
import { type ChangedFile, type CommentAnchor, coveredByComments, type ObjectPlacement, placeFindings } from "./placement.js";

/** GitHub rejects comment and review bodies longer than this (422 "Body is too long"); not in the OpenAPI spec. */
export const MAX_COMMENT_BODY = 65536;

/** One item of `comments` in the create-review request (line/side form; `position` is deprecated). */
export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT" | "LEFT";
  start_line?: number;
  start_side?: "RIGHT" | "LEFT";
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
  /** Findings of objects the change touched on no line, most important (failing) first. */
  outsideDiff: OutsideDiffFinding[];
  /** Keys (placement.ts) of every finding and error an inline comment shows: they get no annotation. */
  covered: ReadonlySet<string>;
  /** The check run's title, repeated as the review's verdict. */
  title: string;
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
 * The review of `report` on a pull request whose changed files are `files`: one comment per object with
 * something new, on its cause; a comment on each broken line the change wrote; the rest for the body.
 */
export function planReview(report: Report, files: readonly ChangedFile[]): ReviewPlan {
  const placement = placeFindings(report, files);
  const comments: ReviewPlan["comments"] = [];
  const outside: OutsideDiffFinding[] = [];
  for (const item of placement.objects) {
    if (item.anchor) {
      const marker = objectMarker(item);
      comments.push({ ...commentPosition(item.anchor), body: objectCommentBody(item, marker), marker });
      continue;
    }
    for (const finding of item.findings) {
      outside.push({
        path: finding.file ?? item.object.file,
        line: finding.line,
        objectId: item.object.id,
        finding,
        marker: findingMarker(finding.rule, item.object.id, finding.line),
      });
    }
  }
  for (const item of placement.errors) {
    if (!item.anchor) continue;
    const marker = errorMarker(item.error);
    comments.push({ ...commentPosition(item.anchor), body: errorCommentBody(item.error, marker), marker });
  }
  // Failing findings first: the body is read top down, and it is where a reviewer could miss one.
  outside.sort((a, b) => byImportance(a.finding, b.finding));
  return { comments, outsideDiff: outside, covered: coveredByComments(placement), title: checkTitle(report) };
}

function commentPosition(anchor: CommentAnchor): ReviewComment & { body: "" } {
  return {
    path: anchor.path,
    ...(anchor.startLine === undefined ? {} : { start_line: anchor.startLine, start_side: anchor.side }),
    line: anchor.line,
    side: anchor.side,
    body: "",
  };
}

/**
 * The marker of one object's comment: what it says (rules and their lines, and the entry points a finding
 * about the whole object newly covers, `public-loadbalancer@7+TCP%2F8443`), so a new finding, or a port
 * added by a later commit, is a new comment.
 */
function objectMarker(item: ObjectPlacement): string {
  const said = [...item.findings, ...item.silenced].map((finding) => {
    const covered = (finding.newlyCovered ?? []).map((label) => `+${encodeURIComponent(label)}`).join("");
    return `${finding.rule}@${finding.side === "base" ? "L" : ""}${finding.line}${covered}`;
  });
  return `<!-- ${MARKER_PREFIX}${item.object.id}:${said.join(",")} -->`;
}

function errorMarker(error: ReviewError): string {
  return `<!-- ${MARKER_PREFIX}unreadable:${error.file}:${error.line ?? 0} -->`;
}

const SEVERITY_ICONS: Record<Finding["severity"], string> = { failure: "❌", warning: "⚠️", notice: "ℹ️" };

/**
 * The object's comment: its worst new finding as the lead (what, why, the fix), then the other new
 * findings in one line each, then what the change silences itself. The object is named once.
 */
function objectCommentBody(item: ObjectPlacement, marker: string): string {
  const label = `\`${item.object.kind} ${item.object.namespace}/${item.object.name}\``;
  const [lead, ...others] = item.findings;
  const parts: string[] = [];
  if (lead) {
    const rule = ruleById(lead.rule);
    parts.push(
      `${SEVERITY_ICONS[lead.severity]} **${escapeMarkdown(lead.headline ?? rule.title)}** on ${label} ([\`${lead.rule}\`](${rule.docsUrl}), ${lead.severity})`,
      escapeMarkdown(lead.message),
    );
    const path = shownPathLine(item.object);
    if (path !== undefined) parts.push(`**Path:** ${escapeMarkdown(path)}`);
    parts.push(`**Fix:** ${lead.recommendation}`);
    if (item.anchor?.suggestionFrom !== undefined) parts.push(`One edit ends this exposure (the fix of [\`${item.anchor.suggestionFrom}\`](${ruleById(item.anchor.suggestionFrom).docsUrl})):`);
    if (item.anchor?.suggestion !== undefined) parts.push(suggestionBlock(item.anchor.suggestion));
    else if (lead.fix && lead.side === "base") parts.push(restoreBlock(lead.fix));
    if (others.length > 0) {
      parts.push(
        [`Also new on this ${item.object.kind}:`, ...others.map((finding) => `- ${findingLine(finding)}`)].join("\n"),
      );
    }
  }
  if (item.silenced.length > 0) {
    parts.push(silencedText(item.silenced, lead === undefined ? label : undefined));
  }
  parts.push(marker);
  return clip(parts.join("\n\n"), MAX_COMMENT_BODY, marker);
}

function findingLine(finding: Finding): string {
  const rule = ruleById(finding.rule);
  const where = finding.side === "base" ? `deleted line ${finding.line}` : `line ${finding.line}`;
  return `${SEVERITY_ICONS[finding.severity]} **${finding.severity}** [\`${finding.rule}\`](${rule.docsUrl}) (${where}): ${escapeMarkdown(finding.message)} ${finding.recommendation}`;
}

/**
 * A pull request that adds `exposure-review.io/allow` for its own finding: said plainly, on the
 * annotation line, so the suppression is reviewed like any other change.
 */
function silencedText(silenced: readonly SuppressedFinding[], label: string | undefined): string {
  const counted = silenced.some((finding) => finding.counted);
  const lines = [
    `🔕 **This change silences its own ${silenced.length === 1 ? "finding" : "findings"}**${label ? ` on ${label}` : ""} with the annotation it adds:`,
    ...silenced.map(
      (finding) => `- ${findingLine(finding)}<br>Reason given: “${escapeMarkdown(finding.reason)}”`,
    ),
    "",
    counted
      ? "The config counts suppressions a change adds to itself (`conclusion.addedSuppressions: count`): these findings still decide the check."
      : "The suppression takes effect (the config's `conclusion.addedSuppressions` is `allow`). A reviewer should agree with the reason before approving.",
  ];
  return lines.join("\n");
}

/** The lines a restoring fix puts back, for a comment on the deleted line (where no suggestion can apply). */
function restoreBlock(fix: NonNullable<Finding["fix"]>): string {
  const kept = fix.endLine - fix.startLine + 1;
  const restored = fix.replacement.split("\n").slice(kept).join("\n");
  return `To restore it, put back after line ${fix.endLine} of the head file (GitHub cannot apply a suggestion on a deleted line):\n\n${codeBlock(restored, "yaml")}`;
}

/** What the broken piece hides, by name, or the general rule when it names nothing the other side has. */
function hiddenSentence(error: ReviewError): string {
  const hidden = hiddenObjects(error);
  if (hidden.length === 0) return "Objects in it count as unknown until it parses: fix the file to get them reviewed.";
  const names = hidden.map((item) => `\`${item.object}\``).join(", ");
  return `It hides ${names} (${hidden[0]!.why}): unknown here, neither added nor removed, until the file parses.`;
}

function errorCommentBody(error: ReviewError, marker: string): string {
  return clip(
    [
      `⚠️ **This file could not be read, so it was not reviewed** (${error.reason})`,
      escapeMarkdown(error.message),
      hiddenSentence(error),
      marker,
    ].join("\n\n"),
    MAX_COMMENT_BODY,
    marker,
  );
}

function suggestionBlock(replacement: string): string {
  return codeBlock(replacement, "suggestion");
}

/** A fence longer than any backtick run in the text, so YAML with ``` inside cannot close it early. */
function codeBlock(text: string, info: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

export interface ReviewBodyInput {
  headSha: string;
  /** Inline comments this review carries (already filtered to the new ones). */
  commentCount: number;
  /** Findings outside the diff that were not listed before, most important first. */
  outsideDiff: OutsideDiffFinding[];
  /** The check run's page, linked for the full picture. */
  checkRunUrl?: string;
  /** The check run's title, so the review says the verdict where the conversation shows it. */
  title?: string;
}

/**
 * The review's own text: the head-commit marker, the verdict, and the findings of objects the change
 * touched on no line, failing ones first (they count, even though no changed line can carry them).
 */
export function renderReviewBody(input: ReviewBodyInput): string {
  const head = headCommitMarker(input.headSha);
  const counts = [
    input.commentCount > 0 ? `${plural(input.commentCount, "comment")} on the changed lines` : undefined,
    input.outsideDiff.length > 0 ? `${plural(input.outsideDiff.length, "finding")} below` : undefined,
  ].filter((part) => part !== undefined);
  const verdict = input.title ? ` ${escapeMarkdown(input.title)}.` : "";
  const lead = `**Exposure review** of ${input.headSha.slice(0, 7)}:${verdict} ${capitalize(counts.join(" and "))}.`;
  const link = input.checkRunUrl ? ` See the [check run](${input.checkRunUrl}) for every object.` : "";
  const lines = [`${head}\n${lead}${link}`];
  if (input.outsideDiff.length > 0) {
    lines.push("", "Findings on objects whose lines this pull request does not change (they count all the same):", "");
    let used = lines.join("\n").length;
    for (const [index, item] of input.outsideDiff.entries()) {
      const entry = `- ${findingLine(item.finding)} On \`${item.objectId}\`, \`${item.path}:${item.line}\`. ${item.marker}`;
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
