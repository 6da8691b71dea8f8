/**
 * The Probot app: which events start a review, then load -> review -> publish. Wiring only: the texts
 * are src/report/check-output.ts's, the requests src/github/*'s.
 *
 * 1. Read `.github/exposure.yml` from the default branch (`context.config`: `_extends` and the org
 *    `.github` repository work; a pull request cannot switch its own review off).
 * 2. Claim the commit's review: create an "Exposure review" check run on the head commit and lead when
 *    it is the oldest of its round (src/github/check-run.ts `claimRun`); a re-run starts a new round.
 * 3. List the changed files against the merge base, read the manifests' base and head texts.
 * 4. `review()`, complete the check run (summary + the annotations it lacks), post one review of new comments.
 *
 * A bad config completes the run as `failure` naming the field; an error from GitHub (after Octokit's
 * retries) completes it as `failure` with the message, then is rethrown for Probot to log.
 */
import type { ApplicationFunction, Context, Probot } from "probot";
import { ConfigError } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { configFailureOutput, ERROR_TITLE, RERUN_ACTION, supersededText } from "./report/check-output.js";
import {
  CHECK_NAME,
  type CheckResult,
  type CheckRun,
  checkRunFrom,
  claimRun,
  failCheckRun,
  listOurRuns,
  newWriter,
  type Rerun,
  REVIEW_MISSING_MARKER,
  settleRuns,
  type Writer,
} from "./github/check-run.js";
import { CONFIG_FILE, CONFIG_PATH, ConfigCache, type LoadedConfig, loadRepoConfig } from "./github/config.js";
import { reviewChanges } from "./github/pipeline.js";
import { type GitHub, listChangedFiles, type PullRequestRef } from "./github/pull-request.js";
import { publish } from "./github/publish.js";
import { computeInline, type ReviewCompute } from "./github/review-compute.js";

export { CONFIG_FILE };

export interface AppOptions {
  /** This app's id, to tell its check runs from another app's of the same name. */
  appId?: number;
  /** Base of the wait between attempts of a write that must not land twice (1 s; tests shorten it). */
  retryWaitMs?: number;
  /** Runs the CPU-bound review: inline unless given (the webhook handler gives a worker thread's). */
  compute?: ReviewCompute;
}

interface InstanceOptions extends AppOptions {
  configCache: ConfigCache;
}

/**
 * What started a review. A pull-request event reviews a commit that has no result yet (or whose result
 * ended in an error, or lacks its review); a re-run asks for the run it names (or the commit's latest
 * result) to be reviewed again. Both are claimed the same way (`claimRun`).
 */
type Trigger = { kind: "pull_request" } | { kind: "rerun"; rerun: Rerun };

interface ReviewTarget extends PullRequestRef {
  draft: boolean;
}

export function exposureReviewApp(appOptions: AppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    // One per app instance: parsed config files by installation and blob SHA.
    const options: InstanceOptions = { ...appOptions, configCache: new ConfigCache() };
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
        repositoryUrl: repository.html_url,
      });
    });

    app.on(["check_run.rerequested", "check_run.requested_action"], async (context) => {
      const payloadRun = context.payload.check_run;
      if (payloadRun.name !== CHECK_NAME) return;
      // Another app's run of the same name is not ours to update.
      if (options.appId && payloadRun.app?.id !== options.appId) return;
      if (context.payload.action === "requested_action" && context.payload.requested_action?.identifier !== RERUN_ACTION.identifier) return;
      const run = checkRunFrom(payloadRun);
      await rerun(context, options, payloadRun.head_sha, run.pullNumber ?? payloadRun.pull_requests[0]?.number, { runId: run.id });
    });

    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      await rerun(context, options, suite.head_sha, suite.pull_requests[0]?.number, "latest");
    });
  };
}

/**
 * A re-run names a commit, not a pull request. The run's external id or the payload gives the number;
 * for a fork (GitHub leaves `pull_requests` empty) the commit's pull requests are looked up.
 * "Re-run all checks" names no run: the commit's latest result is reviewed again.
 */
async function rerun(context: Context, options: InstanceOptions, sha: string, number: number | undefined, request: Rerun): Promise<void> {
  const repo = context.repo();
  const octokit = context.octokit;
  const pullNumber = number ?? (await pullRequestOfCommit(octokit, repo, sha));
  if (pullNumber === undefined) {
    context.log.info({ sha }, "re-run for a commit without a pull request: nothing to review");
    return;
  }
  // see: https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: pullNumber });
  await reviewPullRequest(context, options, { kind: "rerun", rerun: request }, {
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

async function reviewPullRequest(context: Context, options: InstanceOptions, trigger: Trigger, target: ReviewTarget): Promise<void> {
  const octokit = context.octokit;
  const repo = { owner: target.owner, repo: target.repo };
  // Recognises this delivery's own run after a create whose answer was lost.
  const who: Writer = newWriter({ ...(options.appId ? { appId: options.appId } : {}), ...(options.retryWaitMs === undefined ? {} : { waitBaseMs: options.retryWaitMs }) });
  const log = context.log.child({ pull: target.number, sha: target.headSha, trigger: trigger.kind });

  // Independent reads run together: every round trip counts against GitHub's 10 s.
  const [loaded, runs] = await Promise.all([
    loadConfig(context, options),
    // Every trigger is arbitrated: another delivery (a copy of this one, a re-run, a synchronize) may be
    // reviewing the same commit in another instance (claimRun).
    listOurRuns(octokit, repo, target.headSha, options.appId),
  ]);
  if (trigger.kind === "pull_request" && loaded.config && !loaded.config.drafts && target.draft) {
    log.info("draft pull request and drafts: false: not reviewed until ready for review");
    return;
  }

  // With no run yet this delivery will most likely lead: read the changes while the run is created.
  const early = loaded.config && runs.length === 0 ? listChangedFiles(octokit, target) : undefined;
  // Observed here so that a failure while the run is being opened is not an unhandled rejection.
  early?.catch(() => undefined);
  const claim = await claimRun(octokit, repo, target, runs, who, {
    errorTitle: ERROR_TITLE,
    superseded: concurrentText,
    ...(trigger.kind === "rerun" ? { rerun: trigger.rerun } : {}),
  });
  if (claim.kind === "follow") {
    log.info({ leader: claim.leader.id, reason: claim.reason }, "another delivery leads this commit's review: nothing to post");
    return;
  }
  const open = claim.open;

  let leader = open.run.id;
  let completed = false;
  try {
    if (!loaded.config) {
      const published = await publish(octokit, target, open, { result: configFailureOutput(configProblem(loaded)) }, who);
      completed = true;
      leader = published.run.id;
      logWarnings(log, published.warnings);
      log.info({ error: loaded.error?.message }, "invalid config: check run failed");
      return;
    }
    const changedFiles = await (early ?? listChangedFiles(octokit, target));
    // Logged on both sides so a slow review shows in the logs, and so its place among the answer and
    // the writes can be seen (the review runs in a worker: the answer does not wait for it).
    const compute: ReviewCompute = async (input) => {
      log.info({ baseFiles: input.base.length, headFiles: input.head.length }, "review started");
      const computed = await (options.compute ?? computeInline)(input);
      log.info("review computed");
      return computed;
    };
    const { result, plan, files } = await reviewChanges(octokit, target, loaded.config, changedFiles, loaded.read ? loaded.file : undefined, compute);
    const published = await publish(octokit, target, open, plan ? { result, review: plan } : { result }, who);
    completed = true;
    leader = published.run.id;
    logWarnings(log, published.warnings);
    if (published.run.id !== open.run.id) log.info({ replaced: open.run.id, run: published.run.id }, "findings changed since the last run: result in a new check run");
    if (published.reviewError !== undefined) throw published.reviewError;
    log.info({ conclusion: result.conclusion, run: published.run.id, review: published.review, files }, "review published");
  } catch (error) {
    // The run holds the findings when only the review failed (and says so); otherwise it ends as an error.
    if (!completed) {
      await failCheckRun(octokit, repo, open.run.id, error, options.retryWaitMs).catch((failError: unknown) => {
        log.error({ err: failError }, "could not complete the check run after an error");
      });
    }
    throw error;
  } finally {
    // Runs that concurrent deliveries created while this one worked take its conclusion.
    for (const problem of await settleRuns(octokit, repo, target.headSha, leader, who, concurrentText)) {
      log.warn({ err: problem }, "could not give a concurrent delivery's run this review's conclusion");
    }
  }
}

/**
 * The text on a run whose result is `leader`'s: it lost the race in its round, or its round was done
 * again (it ended in an error, or was re-run, or its review was missing, or its delivery died).
 */
function concurrentText(leader: CheckRun, run: CheckRun) {
  const reason = run.redoOf === leader.redoOf ? "concurrent" : run.title === ERROR_TITLE ? "after-error" : "redone";
  // A run of the leader's round repeats its result (GitHub shows the newest run of the name); the marker
  // of a missing review stays with the leader alone, which the next delivery reads.
  const result = reason === "concurrent" && leader.title !== ERROR_TITLE ? { title: leader.title, summary: leader.summary?.replaceAll(REVIEW_MISSING_MARKER, "") } : undefined;
  return supersededText({ reason, ...(leader.htmlUrl ? { runUrl: leader.htmlUrl } : {}), ...(result ? { result } : {}) });
}

function logWarnings(log: Context["log"], warnings: readonly { message: string; error: unknown }[]): void {
  for (const warning of warnings) log.warn({ err: warning.error }, warning.message);
}

async function loadConfig(context: Context, options: InstanceOptions): Promise<LoadedConfig> {
  const installation = String((context.payload as { installation?: { id?: number } }).installation?.id ?? "none");
  return loadRepoConfig(context.octokit, context.repo(), installation, options.configCache);
}

function configProblem(loaded: LoadedConfig) {
  const found = loaded.error ?? new ConfigError(loaded.file, []);
  return { configPath: found.file, issues: found.issues, message: found.message };
}

export default exposureReviewApp();
