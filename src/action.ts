/**
 * The GitHub Action (action.yml): a face over the App's pipeline for repositories that do not install
 * GitHub Apps. On `pull_request` (or `pull_request_target`) it reviews the merge base against the head with
 * the same core and the same publishing code as the App (src/github/pipeline.ts): the "Exposure review"
 * check run with annotations, one review with suggestions, both sticky and idempotent across re-runs.
 *
 * Files are read through the API, as the App reads them, not from a checkout: the Action then needs no
 * `actions/checkout` (nor `fetch-depth: 0` to find the merge base), reviews exactly the diff GitHub shows
 * (the lines review comments can sit on), and the config comes from the base commit, never from the
 * pull request. A token that cannot create check runs (a fork's pull request gets a read-only token:
 * 403) is not an error: the findings become workflow annotations and the job summary instead.
 *
 * Bundled with esbuild into action/main.mjs (scripts/bundle-action.ts), committed, because the runner
 * runs no `npm install`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { ConfigError, parseConfigText } from "./config/load.js";
import { DEFAULT_CONFIG, type Config } from "./config/schema.js";
import { FAIL_ON, failsOn, type FailOn } from "./core/fail-on.js";
import type { Report } from "./core/model.js";
import { type CheckAnnotation, toAnnotations } from "./report/annotations.js";
import { configFailureOutput } from "./report/check-output.js";
import { renderSarif } from "./report/sarif.js";
import { renderText } from "./report/text.js";
import { findCheckRun, openCheckRun, type OpenRun } from "./github/check-run.js";
import { DEFAULT_CONFIG_PATH, publishResults, type PipelineLog, type ReviewedChanges, reviewChanges } from "./github/pipeline.js";
import { type GitHub, listChangedFiles, type PullRequestRef } from "./github/pull-request.js";
import { annotate, appendSummary, getInput, type Runner, setOutput, writeUntrusted } from "./action/runner.js";

const REVIEWED_EVENTS = new Set(["pull_request", "pull_request_target"]);
const EXIT = { ok: 0, failure: 1, config: 2, internal: 3 } as const;

/** Octokit with retries of 5xx and rate-limit answers, as the App's has. */
const ActionOctokit = Octokit.plugin(retry);

interface PullRequestPayload {
  pull_request?: {
    number: number;
    draft?: boolean;
    changed_files?: number;
    base: { sha: string };
    head: { sha: string };
  };
  repository?: { name: string; owner: { login: string } };
}

export async function runAction(runner: Runner): Promise<number> {
  try {
    return await review(runner);
  } catch (error) {
    annotate(runner, "error", `exposure-review could not run: ${error instanceof Error ? error.message : String(error)}`, { title: "Exposure review" });
    return EXIT.internal;
  }
}

async function review(runner: Runner): Promise<number> {
  const { env } = runner;
  const failOnInput = getInput(env, "fail-on") || "failure";
  if (!(FAIL_ON as readonly string[]).includes(failOnInput)) {
    annotate(runner, "error", `the fail-on input must be one of ${FAIL_ON.join(", ")}; got "${failOnInput}"`, { title: "Exposure review" });
    return EXIT.config;
  }
  const failOn = failOnInput as FailOn;
  const event = env.GITHUB_EVENT_NAME ?? "";
  if (!REVIEWED_EVENTS.has(event)) {
    annotate(runner, "notice", `exposure-review reviews pull requests (on: pull_request); the ${event || "unknown"} event has nothing to review`);
    return EXIT.ok;
  }
  const payload = JSON.parse(readFileSync(required(env, "GITHUB_EVENT_PATH"), "utf8")) as PullRequestPayload;
  const pr = payload.pull_request;
  if (!pr) throw new Error(`the ${event} event payload has no pull_request`);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? `${payload.repository?.owner.login}/${payload.repository?.name}`).split("/") as [string, string];
  const token = getInput(env, "token") || env.GITHUB_TOKEN;
  if (!token) throw new Error("no token: give the step `token: ${{ github.token }}` (the default) or set GITHUB_TOKEN");

  const octokit = new ActionOctokit({
    auth: token,
    baseUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    userAgent: "exposure-review-action",
    request: { retries: 2 },
    // Failed requests are thrown and handled (a missing config file is a 404 by design): not logged twice.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => runner.write(`${message}\n`), error: () => {} },
  }) as unknown as GitHub; // The pipeline uses `rest`, `paginate` and `graphql`, which this Octokit has.
  const target: PullRequestRef = {
    owner,
    repo,
    number: pr.number,
    baseSha: pr.base.sha,
    headSha: pr.head.sha,
    ...(pr.changed_files === undefined ? {} : { changedFiles: pr.changed_files }),
  };
  const log = runnerLog(runner);

  const configInput = getInput(env, "config");
  const configPath = configInput || DEFAULT_CONFIG_PATH;
  let config: Config;
  let configRead: boolean;
  try {
    ({ config, read: configRead } = await readConfig(octokit, target, configPath, configInput !== ""));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const result = configFailureOutput({ configPath, issues: error.issues, message: error.message });
    await publish(runner, octokit, target, { result }, [], log);
    return EXIT.config;
  }
  if (pr.draft && !config.drafts) {
    annotate(runner, "notice", "draft pull request and drafts: false in the config: not reviewed until it is ready for review");
    return EXIT.ok;
  }

  const reviewed = await reviewChanges(octokit, target, config, await listChangedFiles(octokit, target), configRead ? configPath : undefined);
  if (reviewed.report) writeUntrusted(runner, renderText(reviewed.report));
  // Without a check run there is no review either: every finding becomes an annotation, none left to comments.
  const everyFinding = reviewed.report ? toAnnotations(reviewed.report, { preexisting: config.conclusion.preexisting }) : [];
  await publish(runner, octokit, target, reviewed, everyFinding, log);

  const conclusion = reviewed.result.conclusion;
  setOutput(runner, "conclusion", conclusion);
  const sarif = getInput(env, "sarif");
  if (sarif !== "") {
    const file = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), sarif);
    writeFileSync(file, renderSarif(reviewed.report ?? emptyReport()));
    setOutput(runner, "sarif", file);
  }
  if (failsOn(conclusion, failOn)) {
    annotate(runner, "error", `${reviewed.result.title} (fail-on: ${failOn})`, { title: "Exposure review" });
    return EXIT.failure;
  }
  return EXIT.ok;
}

/**
 * Publishes as the App does; where the token may not create check runs (403: a fork's read-only token,
 * or `permissions:` without `checks: write`), shows the same result as workflow annotations instead. The
 * job summary always gets it.
 */
async function publish(
  runner: Runner,
  octokit: GitHub,
  target: PullRequestRef,
  reviewed: Pick<ReviewedChanges, "result" | "plan">,
  fallbackAnnotations: readonly CheckAnnotation[],
  log: PipelineLog,
): Promise<void> {
  appendSummary(runner, `## ${reviewed.result.title}\n\n${reviewed.result.summary}\n`);
  let open: OpenRun;
  try {
    const existing = await findCheckRun(octokit, target, target.headSha);
    open = await openCheckRun(octokit, target, target.headSha, target.number, existing);
  } catch (error) {
    if (!isForbidden(error)) throw error;
    annotate(
      runner,
      "notice",
      "The token cannot create check runs (a pull request from a fork gets a read-only token, or the workflow lacks `permissions: checks: write`): the findings are shown as annotations and in the job summary.",
      { title: "Exposure review" },
    );
    for (const annotation of fallbackAnnotations) {
      annotate(runner, annotation.annotation_level === "failure" ? "error" : annotation.annotation_level, annotation.message, {
        title: annotation.title,
        file: annotation.path,
        line: annotation.start_line,
        endLine: annotation.end_line,
      });
    }
    return;
  }
  try {
    await publishResults(octokit, target, open, reviewed, log);
  } catch (error) {
    // The run holds the result; only the review could not be posted (no `pull-requests: write`).
    if (!isForbidden(error)) throw error;
    annotate(runner, "warning", `The review comments could not be posted (${(error as Error).message}): give the workflow \`permissions: pull-requests: write\`. The check run has every finding.`);
  }
}

/**
 * The config from the base commit (as the App reads it from the default branch): a pull request cannot
 * switch its own review off. A `config` input naming a file that is not there is an error; the default
 * path may be absent (defaults apply).
 * see: https://docs.github.com/en/rest/repos/contents#get-repository-content
 */
async function readConfig(octokit: GitHub, target: PullRequestRef, path: string, explicit: boolean): Promise<{ config: Config; read: boolean }> {
  let text: string;
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: target.owner, repo: target.repo, path, ref: target.baseSha, mediaType: { format: "raw" } });
    text = String(data);
  } catch (error) {
    if ((error as { status?: unknown }).status !== 404) throw error;
    if (!explicit) return { config: DEFAULT_CONFIG, read: false };
    throw new ConfigError(path, [{ path: "", message: `the config file does not exist on the base commit ${target.baseSha.slice(0, 12)}` }]);
  }
  return { config: parseConfigText(text, path), read: true };
}

function isForbidden(error: unknown): boolean {
  return (error as { status?: unknown }).status === 403;
}

function runnerLog(runner: Runner): PipelineLog {
  const line = (message: string, details: object) => {
    const err = (details as { err?: unknown }).err;
    return err instanceof Error ? `${message}: ${err.message}` : message;
  };
  return {
    info: (details, message) => runner.write(`${line(message, details)}\n`),
    warn: (details, message) => annotate(runner, "warning", line(message, details)),
    error: (details, message) => annotate(runner, "error", line(message, details)),
  };
}

function required(env: Runner["env"], name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: this runs as a GitHub Action step`);
  return value;
}

function emptyReport(): Report {
  return { version: 1, conclusion: "success", objects: [], errors: [], stats: { baseFiles: 0, headFiles: 0, objectsCompared: 0 } };
}
