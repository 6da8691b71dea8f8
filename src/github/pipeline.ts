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
import type { ManifestFile, Report } from "../core/model.js";
import { manifestPathFilter } from "../core/paths.js";
import { noManifestsOutput } from "../report/check-output.js";
import type { ReviewPlan } from "../report/comments.js";
import { type CheckResult, type CheckRun, failCheckRun, newWriter, type OpenRun, type Writer } from "./check-run.js";
import { readReviewContext } from "./context.js";
import { publish, type PublishOutcome } from "./publish.js";
import { type ChangedFiles, type GitHub, type PullRequestRef, readManifests, type RepoRef } from "./pull-request.js";
import { computeInline, type ReviewCompute } from "./review-compute.js";
import { githubTree } from "./tree.js";
import { RENDER_SOURCE_KIND, renderChanges } from "../render/index.js";
import { renderServices } from "../render/services.js";

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
 * `compute` runs the CPU-bound part (src/github/review-compute.ts): inline by default; the App hands it
 * to a worker thread so its event loop stays free to answer GitHub.
 */
export async function reviewChanges(
  octokit: GitHub,
  target: PullRequestRef,
  config: Config,
  { mergeBaseSha, files }: ChangedFiles,
  configPath: string | undefined,
  compute: ReviewCompute = computeInline,
): Promise<ReviewedChanges> {
  const repo = { owner: target.owner, repo: target.repo };
  const isManifest = manifestPathFilter(config.paths);
  const manifests = files.filter((file) => isManifest(file.path) || (file.previousPath !== undefined && isManifest(file.previousPath)));
  const read = manifests.length === 0 ? { base: [], head: [] } : await readManifests(octokit, repo, manifests, { base: mergeBaseSha, head: target.headSha }, isManifest);
  const { base, head } = read;
  // Rendered sources: the sides are listed and read from GitHub only when a changed file could feed a
  // target (a chart file, a kustomization, a Flux / Argo CD object, a values file), judged from the
  // changed paths and the texts already read, so a plain manifest change costs no request more.
  const rendered = config.render.enabled && mayFeedTargets(files.map((file) => file.path), [...base, ...head])
    ? await renderChanges({
        base: githubTree(octokit, repo, mergeBaseSha, "base"),
        head: githubTree(octokit, repo, target.headSha, "head"),
        changedPaths: files.flatMap((file) => [file.path, ...(file.previousPath ? [file.previousPath] : [])]),
        config,
        ...renderServices(),
        repositoryUrl: target.repositoryUrl ?? `https://github.com/${target.owner}/${target.repo}`,
      })
    : undefined;
  const renderedAnything = rendered !== undefined && rendered.base.length + rendered.head.length + rendered.errors.length > 0;
  if (manifests.length === 0 && !renderedAnything) {
    return {
      result: noManifestsOutput({ configPath: configPath ?? DEFAULT_CONFIG_PATH, changedFiles: files.length, include: config.paths.include }),
      files: files.length,
    };
  }
  // A route's Gateway usually sits in a file the change does not touch (src/github/context.ts).
  const context = await readReviewContext(octokit, repo, target.headSha, files, [...base, ...head], isManifest);
  const { result, plan, report } = await compute({
    base,
    head,
    config,
    ...(context ? { context } : {}),
    ...(rendered ? { rendered } : {}),
    files: files.map((file) => ({ path: file.path, ...(file.previousPath ? { previousPath: file.previousPath } : {}), ...(file.patch === undefined ? {} : { patch: file.patch }) })),
    ...(configPath ? { configPath } : {}),
    mergeBaseSha,
    headSha: target.headSha,
  });
  return { result, plan, ...(report ? { report } : {}), files: files.length };
}

/** A changed path or text that could be the input of a render target (see src/render/index.ts). */
function mayFeedTargets(paths: readonly string[], texts: readonly ManifestFile[]): boolean {
  const sourceFile = /(^|\/)(Chart\.ya?ml|Chart\.lock|kustomization\.ya?ml|Kustomization|values[^/]*\.ya?ml)$|(^|\/)templates\/|\.tpl$/;
  if (paths.some((path) => sourceFile.test(path))) return true;
  return texts.some((file) => file.text !== undefined && (RENDER_SOURCE_KIND.test(file.text) || !/^\s*(apiVersion|kind)\s*:/m.test(file.text)));
}

/**
 * Posts the review, then completes the open run (src/github/publish.ts: a completed run means the commit
 * is done). A run that could not be completed is ended as failed; a review that could not be posted leaves
 * the run's result in place, marked for the next delivery. Either error is rethrown.
 */
export async function publishResults(
  octokit: GitHub,
  target: PullRequestRef,
  open: OpenRun,
  { result, plan }: Pick<ReviewedChanges, "result" | "plan">,
  log: PipelineLog,
  who: Writer = newWriter(),
): Promise<CheckRun> {
  let published: PublishOutcome;
  try {
    published = await publish(octokit, target, open, plan ? { result, review: plan } : { result }, who);
  } catch (error) {
    await endRunAfterError(octokit, target, open.run.id, error, log);
    throw error;
  }
  for (const warning of published.warnings) log.warn({ err: warning.error }, warning.message);
  if (published.run.id !== open.run.id) log.info({ replaced: open.run.id, run: published.run.id }, "findings changed since the last run: result in a new check run");
  if (published.reviewError !== undefined) throw published.reviewError;
  log.info({ conclusion: result.conclusion, run: published.run.id, review: published.review }, "review published");
  return published.run;
}

/** Ends a run as failed after an error, so it never stays "in progress"; a failure to do so is logged. */
export async function endRunAfterError(octokit: GitHub, repo: RepoRef, runId: number, error: unknown, log: PipelineLog): Promise<void> {
  await failCheckRun(octokit, { owner: repo.owner, repo: repo.repo }, runId, error).catch((failError: unknown) => {
    log.error({ err: failError }, "could not complete the check run after an error");
  });
}
