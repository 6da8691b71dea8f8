/**
 * The "Exposure review" check run: find or create it on the head commit, then complete it with the
 * conclusion, the markdown summary and every annotation (50 per request, GitHub's limit).
 * see: https://docs.github.com/en/rest/checks/runs
 */
import type { Conclusion, Report } from "../core/model.js";
import type { CheckAnnotation } from "../report/annotations.js";
import type { GitHub, RepoRef } from "./pull-request.js";

export const CHECK_NAME = "Exposure review";
/** "The Checks API limits the number of annotations to a maximum of 50 per API request." */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** `output.summary` and `output.text` maxLength in GitHub's OpenAPI description. */
export const MAX_CHECK_OUTPUT = 65535;
/** The title of a run that ended because GitHub (or the app) failed, not because of the manifests. */
export const ERROR_TITLE = "Exposure review could not run";

/** The button shown on a completed run; a click sends `check_run.requested_action` with this identifier. */
export const RERUN_ACTION = {
  label: "Re-run", // ≤ 20 characters
  description: "Review this commit again", // ≤ 40
  identifier: "rerun", // ≤ 20
} as const;

export interface CheckRun {
  id: number;
  htmlUrl?: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion?: string | null;
  title?: string | null;
  /** The pull request number this app stored at creation (`pr:<n>`), so a re-run on a fork finds it. */
  pullNumber?: number;
}

const EXTERNAL_ID_PREFIX = "pr:";

/**
 * The most recent run of this app with our name on `sha`, or undefined.
 * see: https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference
 */
export async function findCheckRun(octokit: GitHub, repo: RepoRef, sha: string, appId?: number): Promise<CheckRun | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "latest",
    per_page: 100,
    ...(appId ? { app_id: appId } : {}),
  });
  // Another app may use the same name; only our own runs carry our external id (and can be updated by us).
  const ours = data.check_runs
    .filter((run) => run.external_id?.startsWith(EXTERNAL_ID_PREFIX) && (!appId || run.app?.id === appId))
    .sort((a, b) => b.id - a.id)[0];
  return ours ? toCheckRun(ours) : undefined;
}

/** see: https://docs.github.com/en/rest/checks/runs#create-a-check-run */
export async function createCheckRun(octokit: GitHub, repo: RepoRef, sha: string, pullNumber: number): Promise<CheckRun> {
  const { data } = await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: "in_progress",
    external_id: `${EXTERNAL_ID_PREFIX}${pullNumber}`,
    started_at: new Date().toISOString(),
  });
  return toCheckRun(data);
}

function toCheckRun(run: {
  id: number;
  html_url: string | null;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  output: { title: string | null };
}): CheckRun {
  const pullNumber = Number(run.external_id?.slice(EXTERNAL_ID_PREFIX.length));
  return {
    id: run.id,
    ...(run.html_url ? { htmlUrl: run.html_url } : {}),
    status: run.status as CheckRun["status"],
    conclusion: run.conclusion,
    title: run.output.title,
    ...(Number.isInteger(pullNumber) && pullNumber > 0 ? { pullNumber } : {}),
  };
}

export interface CheckResult {
  conclusion: Conclusion;
  title: string;
  summary: string;
  annotations?: readonly CheckAnnotation[];
}

/**
 * Completes the run with the first 50 annotations, then appends the rest 50 at a time ("each time you
 * update the check run, annotations are appended"), so every finding is on its line and none twice.
 * see: https://docs.github.com/en/rest/checks/runs#update-a-check-run
 */
export async function completeCheckRun(octokit: GitHub, repo: RepoRef, runId: number, result: CheckResult): Promise<void> {
  const annotations = result.annotations ?? [];
  const output = { title: result.title, summary: clip(result.summary, MAX_CHECK_OUTPUT) };
  await octokit.rest.checks.update({
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: runId,
    status: "completed",
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, annotations: annotations.slice(0, MAX_ANNOTATIONS_PER_REQUEST) },
    actions: [{ ...RERUN_ACTION }],
  });
  for (let start = MAX_ANNOTATIONS_PER_REQUEST; start < annotations.length; start += MAX_ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: runId,
      output: { ...output, annotations: annotations.slice(start, start + MAX_ANNOTATIONS_PER_REQUEST) },
    });
  }
}

/**
 * Ends a run that could not finish, so it never stays "in progress". The conclusion is `failure`: this is
 * a security gate, and a review that did not happen must not pass a required check. The message is the
 * error's own (Octokit's messages carry the status and GitHub's text, never the token).
 */
export async function failCheckRun(octokit: GitHub, repo: RepoRef, runId: number, error: unknown): Promise<void> {
  const status = typeof (error as { status?: unknown })?.status === "number" ? ` (HTTP ${(error as { status: number }).status})` : "";
  const message = error instanceof Error ? error.message : String(error);
  await completeCheckRun(octokit, repo, runId, {
    conclusion: "failure",
    title: ERROR_TITLE,
    summary: [
      `The review stopped with an error${status}, so this commit was not reviewed:`,
      "",
      "```",
      message.replaceAll("```", "'''"),
      "```",
      "",
      "Use **Re-run** to try again. If it keeps failing, the app's logs have the details.",
    ].join("\n"),
  });
}

/** A one-line title: the counted findings by severity, or what was found when nothing counts. */
export function checkTitle(report: Report): string {
  const counted = { failure: 0, warning: 0, notice: 0 };
  let old = 0;
  for (const object of report.objects) {
    for (const finding of object.findings) {
      if (finding.new) counted[finding.severity] += 1;
      else old += 1;
    }
  }
  const parts = (["failure", "warning", "notice"] as const)
    .filter((severity) => counted[severity] > 0)
    .map((severity) => plural(counted[severity], severity));
  const objects = plural(report.objects.length, "changed Service/Ingress", "changed Services/Ingresses");
  if (report.objects.length === 0) return report.errors.length > 0 ? `No exposure changes found; ${plural(report.errors.length, "file")} not reviewed` : "No exposure changes";
  const lead = parts.length > 0 ? parts.join(", ") : "No new findings";
  return `${lead} in ${objects}${old > 0 ? ` (${old} already present)` : ""}`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 2)}\n…`;
}
