/**
 * The Probot app: which events start a review, then load -> review -> publish. Wiring only: the texts
 * are src/report/check-output.ts's, the requests src/github/*'s.
 *
 * 1. Read `.github/exposure.yml` from the default branch (`context.config`: `_extends` and the org
 *    `.github` repository work; a pull request cannot switch its own review off).
 * 2. Open the "Exposure review" check run on the head commit: a new one, or ours again on a re-run.
 * 3. List the changed files against the merge base, read the manifests' base and head texts.
 * 4. `review()`, complete the check run (summary + the annotations it lacks), post one review of new comments.
 *
 * A bad config completes the run as `failure` naming the field; an error from GitHub (after Octokit's
 * retries) completes it as `failure` with the message, then is rethrown for Probot to log.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { ConfigError, validateConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { manifestPathFilter } from "./core/paths.js";
import { review } from "./core/review.js";
import { toAnnotations } from "./report/annotations.js";
import { configFailureOutput, ERROR_TITLE, noManifestsOutput, RERUN_ACTION, reviewOutput } from "./report/check-output.js";
import { planReview, type ReviewPlan } from "./report/comments.js";
import {
  CHECK_NAME,
  type CheckResult,
  type CheckRun,
  checkRunFrom,
  failCheckRun,
  findCheckRun,
  openCheckRun,
  type OpenRun,
  publishCheckRun,
} from "./github/check-run.js";
import { diffLines } from "./github/patch.js";
import { type GitHub, listChangedFiles, type PullRequestRef, readManifests } from "./github/pull-request.js";
import { publishReview } from "./github/review.js";

export const CONFIG_FILE = "exposure.yml";
const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface AppOptions {
  /** This app's id, to tell its check runs from another app's of the same name. */
  appId?: number;
}

/**
 * What started a review. A pull-request event skips a commit whose run completed (unless it ended in an
 * error) and otherwise finds the run to reuse; a re-run names the run to review again (or none).
 */
type Trigger = { kind: "pull_request" } | { kind: "rerun"; run: CheckRun | undefined };

interface ReviewTarget extends PullRequestRef {
  draft: boolean;
}

export function exposureReviewApp(options: AppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    const reviewedActions = ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review"] as const;
    app.on([...reviewedActions], async (context) => {
      const { pull_request: pr, repository } = context.payload;
      await reviewPullRequest(context, options, { kind: "pull_request" }, {
        owner: repository.owner.login,
        repo: repository.name,
        number: pr.number,
        baseSha: pr.base.sha,
        headSha: pr.head.sha,
        changedFiles: pr.changed_files,
        draft: pr.draft ?? false,
      });
    });

    app.on(["check_run.rerequested", "check_run.requested_action"], async (context) => {
      const payloadRun = context.payload.check_run;
      if (payloadRun.name !== CHECK_NAME) return;
      // Another app's run of the same name is not ours to update.
      if (options.appId && payloadRun.app?.id !== options.appId) return;
      if (context.payload.action === "requested_action" && context.payload.requested_action?.identifier !== RERUN_ACTION.identifier) return;
      const run = checkRunFrom(payloadRun);
      await rerun(context, options, payloadRun.head_sha, run.pullNumber ?? payloadRun.pull_requests[0]?.number, run);
    });

    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      await rerun(context, options, suite.head_sha, suite.pull_requests[0]?.number, "find");
    });
  };
}

/**
 * A re-run names a commit, not a pull request. The run's external id or the payload gives the number;
 * for a fork (GitHub leaves `pull_requests` empty) the commit's pull requests are looked up.
 * "Re-run all checks" names no run: ours is found by commit, name and app id.
 */
async function rerun(context: Context, options: AppOptions, sha: string, number: number | undefined, run: CheckRun | "find"): Promise<void> {
  const repo = context.repo();
  const octokit = context.octokit;
  const [found, pullNumber] = await Promise.all([
    run === "find" ? findCheckRun(octokit, repo, sha, options.appId) : run,
    number ?? pullRequestOfCommit(octokit, repo, sha),
  ]);
  if (pullNumber === undefined) {
    context.log.info({ sha }, "re-run for a commit without a pull request: nothing to review");
    return;
  }
  // see: https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: pullNumber });
  await reviewPullRequest(context, options, { kind: "rerun", run: found }, {
    ...repo,
    number: pullNumber,
    baseSha: pr.base.sha,
    headSha: sha,
    // The file count describes the pull request's head; for an older commit let the compare answer decide.
    ...(pr.head.sha === sha ? { changedFiles: pr.changed_files } : {}),
    draft: pr.draft ?? false,
  });
}

/** see: https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit */
async function pullRequestOfCommit(octokit: GitHub, repo: { owner: string; repo: string }, sha: string): Promise<number | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha });
  return (data.find((pr) => pr.state === "open") ?? data[0])?.number;
}

async function reviewPullRequest(context: Context, options: AppOptions, trigger: Trigger, target: ReviewTarget): Promise<void> {
  const octokit = context.octokit;
  const repo = { owner: target.owner, repo: target.repo };
  const log = context.log.child({ pull: target.number, sha: target.headSha, trigger: trigger.kind });

  // Independent reads run together: every round trip counts against GitHub's 10 s.
  const [loaded, existing] = await Promise.all([
    loadConfig(context),
    trigger.kind === "pull_request" ? findCheckRun(octokit, repo, target.headSha, options.appId) : trigger.run,
  ]);
  if (trigger.kind === "pull_request") {
    if (loaded.config && !loaded.config.drafts && target.draft) {
      log.info("draft pull request and drafts: false: not reviewed until ready for review");
      return;
    }
    if (existing?.status === "completed" && existing.title !== ERROR_TITLE) {
      log.info("this commit already has a completed review: nothing to do (use Re-run to review again)");
      return;
    }
  }

  const changedFiles = loaded.config ? listChangedFiles(octokit, target) : undefined;
  // Observed here so that a failure while the run is being opened is not an unhandled rejection.
  changedFiles?.catch(() => undefined);
  const open = await openCheckRun(octokit, repo, target.headSha, target.number, existing);

  try {
    if (!loaded.config || !changedFiles) {
      await publishRun(octokit, target, open, configFailureOutput(configProblem(loaded.error)), log);
      log.info({ error: loaded.error?.message }, "invalid config: check run failed");
      return;
    }
    const { result, plan, files } = await reviewChanges(octokit, target, loaded, await changedFiles);
    if (!plan) {
      await publishRun(octokit, target, open, result, log);
      log.info({ files }, "no manifest changed");
      return;
    }
    // The run and the review do not depend on each other: send them together.
    const [run, posted] = await Promise.allSettled([
      publishRun(octokit, target, open, result, log),
      publishReview(octokit, target, plan, open.run.htmlUrl),
    ]);
    if (run.status === "rejected") throw run.reason;
    if (posted.status === "rejected") throw new ReviewNotPosted("the review could not be posted", { cause: posted.reason });
    log.info({ conclusion: result.conclusion, run: run.value.id, review: posted.value }, "review published");
  } catch (error) {
    if (!(error instanceof ReviewNotPosted)) {
      await failCheckRun(octokit, repo, open.run.id, error).catch((failError: unknown) => {
        log.error({ err: failError }, "could not complete the check run after an error");
      });
    }
    throw error instanceof ReviewNotPosted ? error.cause : error;
  }
}

/** The check run completed with the findings, but posting the review failed: the run must keep its result. */
class ReviewNotPosted extends Error {}

async function publishRun(octokit: GitHub, target: ReviewTarget, open: OpenRun, result: CheckResult, log: Context["log"]): Promise<CheckRun> {
  const { run, warnings } = await publishCheckRun(octokit, { owner: target.owner, repo: target.repo }, target, open, result);
  for (const warning of warnings) log.warn({ err: warning.error }, warning.message);
  if (run.id !== open.run.id) log.info({ replaced: open.run.id, run: run.id }, "findings changed since the last run: result in a new check run");
  return run;
}

/** `read`: a config file exists (on the repository or through `_extends`), so the summary names it. */
type LoadedConfig = { config: Config; read: boolean; error?: undefined } | { config?: undefined; error: Error };

async function loadConfig(context: Context): Promise<LoadedConfig> {
  try {
    const raw = await context.config(CONFIG_FILE);
    return { config: validateConfig(raw, CONFIG_PATH), read: raw !== null && raw !== undefined };
  } catch (error) {
    // A failed request (after retries) is GitHub's problem, not the file's: let it surface as an error.
    if (typeof (error as { status?: unknown }).status === "number") throw error;
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

function configProblem(error: Error | undefined) {
  const found = error ?? new Error("no config");
  return { configPath: CONFIG_PATH, issues: found instanceof ConfigError ? found.issues : [], message: found.message };
}

/** Reads the manifests and reviews them; `plan` is absent when no manifest changed. */
async function reviewChanges(
  octokit: GitHub,
  target: ReviewTarget,
  { config, read }: { config: Config; read: boolean },
  { mergeBaseSha, files }: Awaited<ReturnType<typeof listChangedFiles>>,
): Promise<{ result: CheckResult; plan?: ReviewPlan; files: number }> {
  const repo = { owner: target.owner, repo: target.repo };
  const isManifest = manifestPathFilter(config.paths);
  const manifests = files.filter((file) => isManifest(file.path) || (file.previousPath !== undefined && isManifest(file.previousPath)));
  if (manifests.length === 0) {
    return { result: noManifestsOutput({ configPath: CONFIG_PATH, changedFiles: files.length, include: config.paths.include }), files: files.length };
  }
  const { base, head } = await readManifests(octokit, repo, manifests, { base: mergeBaseSha, head: target.headSha }, isManifest);
  const report = review({ base, head, config });
  const plan = planReview(
    report,
    manifests.map((file) => ({ path: file.path, ...(file.previousPath ? { previousPath: file.previousPath } : {}), diff: diffLines(file.patch) })),
  );
  return {
    result: {
      ...reviewOutput(report, { ...(read ? { configPath: CONFIG_PATH } : {}), baseFiles: base.length, headFiles: head.length, mergeBaseSha, headSha: target.headSha }),
      // What an inline comment shows is not annotated again (placement.ts).
      annotations: toAnnotations(report, { preexisting: config.conclusion.preexisting, covered: plan.covered }),
    },
    plan,
    files: files.length,
  };
}

export default exposureReviewApp();
