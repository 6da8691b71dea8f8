/**
 * The Probot app: which events start a review, then load -> review -> publish. Wiring only: the texts
 * are src/report/check-output.ts's, the requests src/github/*'s.
 *
 * 1. Read `.github/exposure.yml` from the default branch (`context.config`: `_extends` and the org
 *    `.github` repository work; a pull request cannot switch its own review off).
 * 2. Open the "Exposure review" check run on the head commit: a new one, or ours again on a re-run.
 * 3. List the changed files against the merge base; src/github/pipeline.ts (shared with the Action) reads
 *    the manifests' base and head texts,
 *    reviews them, completes the check run (summary + the annotations it lacks) and posts one review.
 *
 * A bad config completes the run as `failure` naming the field; an error from GitHub (after Octokit's
 * retries) completes it as `failure` with the message, then is rethrown for Probot to log.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { ConfigError, validateConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { configFailureOutput, ERROR_TITLE, RERUN_ACTION } from "./report/check-output.js";
import { CHECK_NAME, type CheckRun, checkRunFrom, findCheckRun, openCheckRun } from "./github/check-run.js";
import { endRunAfterError, publishResults, type ReviewedChanges, reviewChanges } from "./github/pipeline.js";
import { type GitHub, listChangedFiles, type PullRequestRef } from "./github/pull-request.js";

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

  let reviewed: Pick<ReviewedChanges, "result" | "plan">;
  try {
    if (!loaded.config || !changedFiles) {
      reviewed = { result: configFailureOutput(configProblem(loaded.error)) };
      log.info({ error: loaded.error?.message }, "invalid config: check run failed");
    } else {
      const changes = await reviewChanges(octokit, target, loaded.config, await changedFiles, loaded.read ? CONFIG_PATH : undefined);
      if (!changes.plan) log.info({ files: changes.files }, "no manifest changed");
      reviewed = changes;
    }
  } catch (error) {
    await endRunAfterError(octokit, repo, open.run.id, error, log);
    throw error;
  }
  await publishResults(octokit, target, open, reviewed, log);
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

export default exposureReviewApp();
