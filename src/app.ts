/**
 * The Probot app: which events start a review, then load -> review -> publish.
 *
 * 1. Read `.github/exposure.yml` from the default branch (`context.config`: `_extends` and the org
 *    `.github` repository work; a pull request cannot switch its own review off).
 * 2. Find or create the "Exposure review" check run on the head commit.
 * 3. List the changed files against the merge base, read the manifests' base and head texts.
 * 4. `review()`, complete the check run (summary + every annotation), post one review of new comments.
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
import { planReview } from "./report/comments.js";
import { renderMarkdown } from "./report/markdown.js";
import {
  CHECK_NAME,
  type CheckRun,
  checkTitle,
  completeCheckRun,
  createCheckRun,
  ERROR_TITLE,
  failCheckRun,
  findCheckRun,
  MAX_CHECK_OUTPUT,
  RERUN_ACTION,
} from "./github/check-run.js";
import { commentableLines } from "./github/patch.js";
import { type ChangedFiles, type GitHub, listChangedFiles, type PullRequestRef, readManifests } from "./github/pull-request.js";
import { publishReview } from "./github/review.js";

export const CONFIG_FILE = "exposure.yml";
const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export interface AppOptions {
  /** This app's id, to tell its check runs from another app's of the same name. */
  appId?: number;
}

/** What started a review: a pull-request event reuses or skips a run; a re-run request always starts a new one. */
type Trigger = "pull_request" | "rerun";

interface ReviewTarget extends PullRequestRef {
  draft: boolean;
}

export function exposureReviewApp(options: AppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    const reviewedActions = ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "pull_request.ready_for_review"] as const;
    app.on([...reviewedActions], async (context) => {
      const { pull_request: pr, repository } = context.payload;
      await reviewPullRequest(context, options, "pull_request", {
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
      const run = context.payload.check_run;
      if (run.name !== CHECK_NAME) return;
      if (context.payload.action === "requested_action" && context.payload.requested_action?.identifier !== RERUN_ACTION.identifier) return;
      const number = pullNumberFromExternalId(run.external_id) ?? run.pull_requests[0]?.number;
      await rerun(context, options, run.head_sha, number);
    });

    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      await rerun(context, options, suite.head_sha, suite.pull_requests[0]?.number);
    });
  };
}

function pullNumberFromExternalId(externalId: string | null | undefined): number | undefined {
  const match = /^pr:(\d+)$/.exec(externalId ?? "");
  return match ? Number(match[1]) : undefined;
}

/**
 * A re-run names a commit, not a pull request. The run's external id or the payload gives the number;
 * for a fork (GitHub leaves `pull_requests` empty) the commit's pull requests are looked up.
 */
async function rerun(context: Context, options: AppOptions, sha: string, number: number | undefined): Promise<void> {
  const repo = context.repo();
  let pullNumber = number;
  if (pullNumber === undefined) {
    // see: https://docs.github.com/en/rest/commits/commits#list-pull-requests-associated-with-a-commit
    const { data } = await context.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha });
    pullNumber = (data.find((pr) => pr.state === "open") ?? data[0])?.number;
  }
  if (pullNumber === undefined) {
    context.log.info({ sha }, "re-run for a commit without a pull request: nothing to review");
    return;
  }
  // see: https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request
  const { data: pr } = await context.octokit.rest.pulls.get({ ...repo, pull_number: pullNumber });
  await reviewPullRequest(context, options, "rerun", {
    ...repo,
    number: pullNumber,
    baseSha: pr.base.sha,
    headSha: sha,
    // The file count describes the pull request's head; for an older commit let the compare answer decide.
    ...(pr.head.sha === sha ? { changedFiles: pr.changed_files } : {}),
    draft: pr.draft ?? false,
  });
}

async function reviewPullRequest(context: Context, options: AppOptions, trigger: Trigger, target: ReviewTarget): Promise<void> {
  const octokit = context.octokit;
  const repo = { owner: target.owner, repo: target.repo };
  const log = context.log.child({ pull: target.number, sha: target.headSha, trigger });

  // Independent reads run together: every round trip counts against GitHub's 10 s.
  const [loaded, existing] = await Promise.all([
    loadConfig(context),
    trigger === "pull_request" ? findCheckRun(octokit, repo, target.headSha, options.appId) : undefined,
  ]);
  if (loaded.config && !loaded.config.drafts && target.draft && trigger === "pull_request") {
    log.info("draft pull request and drafts: false: not reviewed until ready for review");
    return;
  }
  // A pull-request event reuses a run that never finished (an earlier delivery died) and skips a commit whose
  // run completed, unless that run ended in an error. A re-run request always creates a new run, as GitHub
  // expects: annotations can only be appended, so updating the old run would list every finding twice.
  if (existing?.status === "completed" && existing.title !== ERROR_TITLE) {
    log.info("this commit already has a completed review: nothing to do (use Re-run to review again)");
    return;
  }

  const changedFiles = loaded.config ? listChangedFiles(octokit, target) : undefined;
  // Observed here so that a failure while the run is being created is not an unhandled rejection.
  changedFiles?.catch(() => undefined);
  const run = existing && existing.status !== "completed" ? existing : await createCheckRun(octokit, repo, target.headSha, target.number);

  try {
    if (!loaded.config || !changedFiles) {
      await completeCheckRun(octokit, repo, run.id, configFailure(loaded.error ?? new Error("no config")));
      log.info({ error: loaded.error?.message }, "invalid config: check run failed");
      return;
    }
    await reviewAndPublish(octokit, target, run, loaded.config, await changedFiles, log);
  } catch (error) {
    if (!(error instanceof ReviewNotPosted)) {
      await failCheckRun(octokit, repo, run.id, error).catch((failError: unknown) => {
        log.error({ err: failError }, "could not complete the check run after an error");
      });
    }
    throw error instanceof ReviewNotPosted ? error.cause : error;
  }
}

/** The check run completed with the findings, but posting the review failed: the run must keep its result. */
class ReviewNotPosted extends Error {}

type LoadedConfig = { config: Config; error?: undefined } | { config?: undefined; error: Error };

async function loadConfig(context: Context): Promise<LoadedConfig> {
  try {
    return { config: validateConfig(await context.config(CONFIG_FILE), CONFIG_PATH) };
  } catch (error) {
    // A failed request (after retries) is GitHub's problem, not the file's: let it surface as an error.
    if (typeof (error as { status?: unknown }).status === "number") throw error;
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }
}

async function reviewAndPublish(
  octokit: GitHub,
  target: ReviewTarget,
  run: CheckRun,
  config: Config,
  { mergeBaseSha, files }: ChangedFiles,
  log: Context["log"],
): Promise<void> {
  const repo = { owner: target.owner, repo: target.repo };
  const isManifest = manifestPathFilter(config.paths);
  const manifests = files.filter((file) => isManifest(file.path) || (file.previousPath !== undefined && isManifest(file.previousPath)));
  if (manifests.length === 0) {
    await completeCheckRun(octokit, repo, run.id, {
      conclusion: "success",
      title: "No Kubernetes manifests changed",
      summary: `None of the ${files.length} changed files matches \`paths\` in \`${CONFIG_PATH}\` (${config.paths.include.map((glob) => `\`${glob}\``).join(", ")}), so there is no exposure to review.`,
    });
    log.info({ files: files.length }, "no manifest changed");
    return;
  }

  const { base, head } = await readManifests(octokit, repo, manifests, { base: mergeBaseSha, head: target.headSha }, isManifest);
  const report = review({ base, head, config });
  const footer = `\n\n---\nCompared ${base.length} base and ${head.length} head manifest files: merge base \`${mergeBaseSha.slice(0, 7)}\` → head \`${target.headSha.slice(0, 7)}\`. Config: \`${CONFIG_PATH}\` on the default branch.`;
  const commentable = new Map(manifests.map((file) => [file.path, commentableLines(file.patch)]));
  // The run and the review do not depend on each other: send them together.
  const [completed, posted] = await Promise.allSettled([
    completeCheckRun(octokit, repo, run.id, {
      conclusion: report.conclusion,
      title: checkTitle(report),
      summary: renderMarkdown(report, { maxLength: MAX_CHECK_OUTPUT - footer.length }) + footer,
      annotations: toAnnotations(report, { preexisting: config.conclusion.preexisting }),
    }),
    publishReview(octokit, target, planReview(report, commentable), run.htmlUrl),
  ]);
  if (completed.status === "rejected") throw completed.reason;
  if (posted.status === "rejected") throw new ReviewNotPosted("the review could not be posted", { cause: posted.reason });
  log.info({ conclusion: report.conclusion, objects: report.objects.length, review: posted.value }, "review published");
}

function configFailure(error: Error) {
  const issues = error instanceof ConfigError ? error.issues : [];
  const fields = issues.map((issue) => issue.path).filter((path) => path !== "");
  const table =
    issues.length > 0
      ? ["| field | problem |", "|---|---|", ...issues.map((issue) => `| \`${issue.path || "(file)"}\` | ${issue.message.replaceAll("|", "\\|").replaceAll("\n", " ")} |`)].join("\n")
      : ["```", error.message, "```"].join("\n");
  return {
    conclusion: "failure" as const,
    title: `Invalid ${CONFIG_PATH}${fields.length > 0 ? `: ${fields.join(", ")}` : ""}`.slice(0, 255),
    summary: [
      `\`${CONFIG_PATH}\` on the default branch is not valid, so this pull request was not reviewed.`,
      "",
      table,
      "",
      `Fix the file on the default branch (the config is never read from the pull request), then use **${RERUN_ACTION.label}**.`,
    ].join("\n"),
  };
}

export default exposureReviewApp();
