/**
 * The texts of the "Exposure review" check run: conclusion, title and markdown summary for each way a
 * review can end (reviewed, nothing to review, bad config, error), and the interim texts of a re-run.
 * Pure functions of plain data: src/github/check-run.ts sends them, src/app.ts only picks which one.
 */
import type { Conclusion, ObjectReport, Report } from "../core/model.js";
import { ruleById } from "../core/rules/index.js";
import { MAX_CHECK_SUMMARY_LENGTH, renderMarkdown } from "./markdown.js";
import { byImportance } from "./order.js";
import { countedFindings, hiddenObjects, unreadableFileCount, whyFine } from "./summary.js";

/** Title and summary of a check run's `output`. */
export interface CheckText {
  title: string;
  summary: string;
}

export interface CheckOutput extends CheckText {
  conclusion: Conclusion;
}

/** The title of a run that ended because GitHub (or the app) failed, not because of the manifests. */
export const ERROR_TITLE = "Exposure review could not run";

/** The button shown on a completed run; a click sends `check_run.requested_action` with this identifier. */
export const RERUN_ACTION = {
  label: "Re-run", // ≤ 20 characters
  description: "Review this commit again", // ≤ 40
  identifier: "rerun", // ≤ 20
} as const;

/** GitHub documents no limit for `output.title`; 255 keeps it one line, as for annotation titles. */
const MAX_TITLE = 255;

/** A field of the config file at fault; `path` is empty for the file as a whole. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export interface ConfigFailureInput {
  /** `.github/exposure.yml`. */
  configPath: string;
  /** The fields at fault; empty when the file could not be read as a config at all. */
  issues: readonly ConfigProblem[];
  /** The error's message, shown when there is no field to point at (YAML that does not parse). */
  message: string;
}

/** A config that does not validate: `failure`, naming every field, and how to get a new review. */
export function configFailureOutput(input: ConfigFailureInput): CheckOutput {
  const fields = input.issues.map((issue) => issue.path).filter((path) => path !== "");
  const table =
    input.issues.length > 0
      ? [
          "| field | problem |",
          "|---|---|",
          ...input.issues.map((issue) => `| \`${issue.path || "(file)"}\` | ${issue.message.replaceAll("|", "\\|").replaceAll("\n", " ")} |`),
        ].join("\n")
      : ["```", input.message.replaceAll("```", "'''"), "```"].join("\n");
  return {
    conclusion: "failure",
    title: `Invalid ${input.configPath}${fields.length > 0 ? `: ${fields.join(", ")}` : ""}`.slice(0, MAX_TITLE),
    summary: [
      `\`${input.configPath}\` on the default branch is not valid, so this pull request was not reviewed.`,
      "",
      table,
      "",
      `Fix the file on the default branch (the config is never read from the pull request), then use **${RERUN_ACTION.label}**.`,
    ].join("\n"),
  };
}

export interface NoManifestsInput {
  configPath: string;
  /** How many files the pull request changes. */
  changedFiles: number;
  /** The config's `paths.include` globs. */
  include: readonly string[];
}

/** None of the changed files is a manifest: `success`, saying which globs were looked for. */
export function noManifestsOutput(input: NoManifestsInput): CheckOutput {
  const globs = input.include.map((glob) => `\`${glob}\``).join(", ");
  return {
    conclusion: "success",
    title: "No Kubernetes manifests changed",
    summary: `${input.changedFiles === 1 ? "The one changed file does not match" : `None of the ${input.changedFiles} changed files matches`} \`paths\` in \`${input.configPath}\` (${globs}), so there is no exposure to review.`,
  };
}

export interface ComparedInput {
  /** The config file that was read; absent when there is none (the defaults apply, and nothing is said). */
  configPath?: string;
  /** Manifest files read on each side. */
  baseFiles: number;
  headFiles: number;
  mergeBaseSha: string;
  headSha: string;
}

/** The last lines of a review's summary: what was compared with what, and where the config came from. */
export function reviewFooter(input: ComparedInput): string {
  return `\n\n---\nCompared ${input.baseFiles} base and ${input.headFiles} head manifest files: merge base \`${input.mergeBaseSha.slice(0, 7)}\` → head \`${input.headSha.slice(0, 7)}\`.${input.configPath ? ` Config: \`${input.configPath}\` on the default branch.` : ""}`;
}

/** A finished review: the report's conclusion, a one-line title, the markdown summary cut to fit with its footer. */
export function reviewOutput(report: Report, compared: ComparedInput): CheckOutput {
  const footer = reviewFooter(compared);
  return {
    conclusion: report.conclusion,
    title: checkTitle(report),
    summary: renderMarkdown(report, { maxLength: MAX_CHECK_SUMMARY_LENGTH - footer.length }) + footer,
  };
}

/**
 * A one-line title that names the risk: the object and the most important counted finding in its own
 * terms ("❌ cache/redis: Redis 6379 public via a new LoadBalancer (+1 warning)"), what the change
 * silences itself, and the files it could not read. A green title says why widened or public objects
 * are fine, so it never sits silently beside an orange "widened".
 */
export function checkTitle(report: Report): string {
  const counted = report.objects.flatMap((object) => countedFindings(object).map((finding) => ({ object, finding })));
  counted.sort((a, b) => byImportance(a.finding, b.finding));
  const silenced = report.objects.flatMap((object) => object.suppressed.filter((finding) => finding.addedByChange).map((finding) => ({ object, finding })));
  const tail: string[] = [];
  if (silenced.length > 0) tail.push(`${plural(silenced.length, "finding")} silenced by this change`);
  const unread = unreadableFileCount(report);
  if (unread > 0) tail.push(`${plural(unread, "file")} not reviewed`);
  const suffix = tail.length > 0 ? `; ${tail.join("; ")}` : "";

  const worst = counted[0];
  if (worst) {
    const rest = (["failure", "warning", "notice"] as const)
      .map((severity) => [severity, counted.slice(1).filter(({ finding }) => finding.severity === severity).length] as const)
      .filter(([, n]) => n > 0)
      .map(([severity, n]) => `+${plural(n, severity)}`);
    const headline = `${TITLE_ICONS[report.conclusion]} ${shortName(worst.object)}: ${worst.finding.headline ?? ruleById(worst.finding.rule).title}`;
    return clipTitle(`${headline}${rest.length > 0 ? ` (${rest.join(", ")})` : ""}${suffix}`);
  }
  if (silenced.length > 0) {
    const first = silenced[0]!;
    const more = silenced.length > 1 ? ` (+${silenced.length - 1} more)` : "";
    const unreadText = unread > 0 ? `; ${plural(unread, "file")} not reviewed` : "";
    return clipTitle(`🔕 ${shortName(first.object)}: ${first.finding.headline ?? ruleById(first.finding.rule).title}, silenced by an annotation this change adds${more}${unreadText}`);
  }
  const icon = TITLE_ICONS[report.conclusion];
  // A Service the change made unreadable is not "no exposure change": name it (the first, and how many more).
  const hidden = report.errors.filter((error) => error.side === "head" && error.new !== false).flatMap(hiddenObjects);
  if (report.objects.length === 0 && hidden.length > 0) {
    const more = hidden.length > 1 ? ` (+${hidden.length - 1} more)` : "";
    return clipTitle(`${icon} ${hidden[0]!.object} not reviewed: ${hidden[0]!.why}${more}; ${plural(unread, "file")} not reviewed`);
  }
  if (report.objects.length === 0) {
    return clipTitle(unread > 0 ? `${icon} No exposure change found; ${plural(unread, "file")} not reviewed` : `${icon} No exposure changes`);
  }
  return clipTitle(`${icon} No new findings: ${greenReasons(report)}${suffix}`);
}

const TITLE_ICONS: Record<Report["conclusion"], string> = { success: "✅", neutral: "⚠️", failure: "❌" };

/** `cache/redis`: the object as the title names it (the kind is in the summary). */
function shortName(object: ObjectReport): string {
  return `${object.namespace}/${object.name}`;
}

/**
 * Why a run with no counted finding is green, in the words of what a reviewer sees: objects that became
 * public or widened are named with the reason they pass (their findings were already there, they are
 * accepted by a suppression, or no rule finds anything wrong with them).
 */
function greenReasons(report: Report): string {
  const exposed = report.objects.filter((object) => object.classification === "public" || object.classification === "widened");
  if (exposed.length === 0) return `${plural(report.objects.length, "object")} changed, none more exposed`;
  const reasons = exposed.slice(0, 2).map((object) => `${shortName(object)} ${object.classification} (${whyFine(object)})`);
  const more = exposed.length > 2 ? `, +${exposed.length - 2} more` : "";
  return `${reasons.join(", ")}${more}`;
}

function clipTitle(title: string): string {
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`;
}

export interface ErrorInput {
  /** The HTTP status of GitHub's answer, when the error was one. */
  status?: number;
  message: string;
}

/**
 * A review that did not happen: `failure`, because this is a security gate and an unreviewed commit must
 * not pass a required check. The message is the error's own (Octokit's carry the status and GitHub's
 * text, never the token).
 */
export function errorOutput(input: ErrorInput): CheckOutput {
  return {
    conclusion: "failure",
    title: ERROR_TITLE,
    summary: [
      `The review stopped with an error${input.status === undefined ? "" : ` (HTTP ${input.status})`}, so this commit was not reviewed:`,
      "",
      "```",
      input.message.replaceAll("```", "'''"),
      "```",
      "",
      `Use **${RERUN_ACTION.label}** to try again. If it keeps failing, the app's logs have the details.`,
    ].join("\n"),
  };
}

/** What a run being reviewed again shows until the new result replaces it. */
export const RERUNNING_TEXT: CheckText = {
  title: "Re-running…",
  summary: "This commit is being reviewed again; the result replaces this text when the review completes.",
};

export interface SupersededInput {
  /** The run that now holds the result. */
  runUrl?: string;
  /**
   * `stale-annotations`: the findings changed (e.g. the config turned a rule off) and GitHub cannot delete
   * an annotation; `final`: GitHub kept this completed run as it was instead of reopening it;
   * `concurrent`: another delivery of the same commit created an older run and reviewed in it;
   * `after-error`: this run ended in an error and a new one reviewed the commit again; `redone`: a new run
   * reviewed the commit again for another reason (a re-run, a review that could not be posted, a delivery
   * that stopped before completing this run).
   */
  reason: "stale-annotations" | "final" | "concurrent" | "after-error" | "redone";
  /**
   * `concurrent`: the leading run's own title and summary. GitHub shows the newest run of a name on the
   * pull request, which is a run that lost the race, so that run repeats the result rather than only
   * pointing at it.
   */
  result?: { title?: string | null; summary?: string | null };
}

/** The text left on a run whose re-run result went to a new run, pointing at it. */
export function supersededText(input: SupersededInput): CheckText {
  if (input.reason === "concurrent") {
    const where = input.runUrl ? `[another check run](${input.runUrl})` : "another check run";
    if (input.result?.title) {
      const note = `> GitHub delivered this commit's event more than once at the same time; ${where} reviewed it and holds its annotations. This run repeats its result and posted nothing.\n\n`;
      return { title: clipTitle(input.result.title), summary: `${note}${input.result.summary ?? ""}`.slice(0, MAX_CHECK_SUMMARY_LENGTH) };
    }
    return {
      title: "Superseded by a concurrent review",
      summary: `GitHub delivered this commit's event more than once at the same time, and ${where} reviewed it. This run carries that run's conclusion, so the commit's status is the same whichever run is read; it posted nothing.`,
    };
  }
  const where = input.runUrl ? `[a new check run](${input.runUrl})` : "a new check run";
  if (input.reason === "after-error") {
    return {
      title: "Superseded by a re-run",
      summary: `The review of this commit ended in an error and was done again; the result is in ${where}, and this run carries its conclusion.`,
    };
  }
  if (input.reason === "redone") {
    return {
      title: "Superseded by a re-run",
      summary: `This commit was reviewed again (a re-run, a review that was missing, or a review that stopped before it finished); the result is in ${where}, and this run carries its conclusion.`,
    };
  }
  const why =
    input.reason === "stale-annotations"
      ? "The findings changed since this run (for example, the config on the default branch turned a rule off), and GitHub cannot remove an annotation from a run, so updating this one would have left wrong annotations behind."
      : "GitHub did not reopen this completed run for the re-run.";
  return {
    title: "Superseded by a re-run",
    summary: `This commit was reviewed again and the result is in ${where}. ${why} The annotations below are from the earlier review.`,
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
