/**
 * The review of a pull request on GitHub, in the two halves every face runs the same way: the GitHub App
 * (src/app.ts) and the GitHub Action (src/action.ts).
 *
 * 1. `reviewChanges`: read the changed manifests on both sides, review them, and build what is published
 *    (the check run's text and annotations, the review's comments).
 * 2. `publishResults`: complete the check run and post the review, together; the run always ends, never
 *    "in progress", even when publishing fails.
 *
 * What starts a review, where the config comes from and whether a commit is skipped stay with each face.
 */
import type { Config } from "../config/schema.js";
import type { Report } from "../core/model.js";
import { manifestPathFilter } from "../core/paths.js";
import { review } from "../core/review.js";
import { toAnnotations } from "../report/annotations.js";
import { noManifestsOutput, reviewOutput } from "../report/check-output.js";
import { planReview, type ReviewPlan } from "../report/comments.js";
import { type CheckResult, type CheckRun, failCheckRun, type OpenRun, publishCheckRun } from "./check-run.js";
import { diffLines } from "./patch.js";
import { type ChangedFiles, type GitHub, type PullRequestRef, readManifests, type RepoRef } from "./pull-request.js";
import { publishReview } from "./review.js";

/** Where the config is looked for when none is named (the App's, and the Action's default). */
export const DEFAULT_CONFIG_PATH = ".github/exposure.yml";

/** What the pipeline logs through: Probot's pino logger, or the Action's log lines. */
export interface PipelineLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ReviewedChanges {
  result: CheckResult;
  /** Absent when no manifest changed: then there is nothing to comment on. */
  plan?: ReviewPlan;
  /** The review itself; absent when no manifest changed. */
  report?: Report;
  /** How many files the pull request changed. */
  files: number;
}

/**
 * Reads the manifests among `changed`, reviews them, and prepares the check run's result and the review.
 * `configPath` names the config file that was read, for the summary; undefined when none was.
 */
export async function reviewChanges(
  octokit: GitHub,
  target: PullRequestRef,
  config: Config,
  { mergeBaseSha, files }: ChangedFiles,
  configPath: string | undefined,
): Promise<ReviewedChanges> {
  const repo = { owner: target.owner, repo: target.repo };
  const isManifest = manifestPathFilter(config.paths);
  const manifests = files.filter((file) => isManifest(file.path) || (file.previousPath !== undefined && isManifest(file.previousPath)));
  if (manifests.length === 0) {
    return {
      result: noManifestsOutput({ configPath: configPath ?? DEFAULT_CONFIG_PATH, changedFiles: files.length, include: config.paths.include }),
      files: files.length,
    };
  }
  const { base, head } = await readManifests(octokit, repo, manifests, { base: mergeBaseSha, head: target.headSha }, isManifest);
  const report = review({ base, head, config });
  const plan = planReview(
    report,
    manifests.map((file) => ({ path: file.path, ...(file.previousPath ? { previousPath: file.previousPath } : {}), diff: diffLines(file.patch) })),
  );
  return {
    result: {
      ...reviewOutput(report, { ...(configPath ? { configPath } : {}), baseFiles: base.length, headFiles: head.length, mergeBaseSha, headSha: target.headSha }),
      // What an inline comment shows is not annotated again (placement.ts).
      annotations: toAnnotations(report, { preexisting: config.conclusion.preexisting, covered: plan.covered }),
    },
    plan,
    report,
    files: files.length,
  };
}

/**
 * Completes the open run with the result and posts the review (when there is a plan), together: they do
 * not depend on each other. A run that could not be completed is ended as failed; a review that could not
 * be posted leaves the run's result in place. Either error is rethrown.
 */
export async function publishResults(
  octokit: GitHub,
  target: PullRequestRef,
  open: OpenRun,
  { result, plan }: Pick<ReviewedChanges, "result" | "plan">,
  log: PipelineLog,
): Promise<CheckRun> {
  try {
    if (!plan) return await publishRun(octokit, target, open, result, log);
    const [run, posted] = await Promise.allSettled([publishRun(octokit, target, open, result, log), publishReview(octokit, target, plan, open.run.htmlUrl)]);
    if (run.status === "rejected") throw run.reason;
    if (posted.status === "rejected") throw new ReviewNotPosted("the review could not be posted", { cause: posted.reason });
    log.info({ conclusion: result.conclusion, run: run.value.id, review: posted.value }, "review published");
    return run.value;
  } catch (error) {
    if (error instanceof ReviewNotPosted) throw error.cause;
    await endRunAfterError(octokit, target, open.run.id, error, log);
    throw error;
  }
}

/** Ends a run as failed after an error, so it never stays "in progress"; a failure to do so is logged. */
export async function endRunAfterError(octokit: GitHub, repo: RepoRef, runId: number, error: unknown, log: PipelineLog): Promise<void> {
  await failCheckRun(octokit, { owner: repo.owner, repo: repo.repo }, runId, error).catch((failError: unknown) => {
    log.error({ err: failError }, "could not complete the check run after an error");
  });
}

/** The check run completed with the findings, but posting the review failed: the run must keep its result. */
class ReviewNotPosted extends Error {}

async function publishRun(octokit: GitHub, target: PullRequestRef, open: OpenRun, result: CheckResult, log: PipelineLog): Promise<CheckRun> {
  const { run, warnings } = await publishCheckRun(octokit, { owner: target.owner, repo: target.repo }, target, open, result);
  for (const warning of warnings) log.warn({ err: warning.error }, warning.message);
  if (run.id !== open.run.id) log.info({ replaced: open.run.id, run: run.id }, "findings changed since the last run: result in a new check run");
  return run;
}
