/**
 * The "Exposure review" check run: find, create or reopen it on the head commit, then complete it with the
 * conclusion, the markdown summary and the annotations it does not show yet (50 per request, GitHub's limit).
 * see: https://docs.github.com/en/rest/checks/runs
 */
import type { Conclusion } from "../core/model.js";
import { annotationDelta, type CheckAnnotation, type PostedAnnotation } from "../report/annotations.js";
import { type CheckText, errorOutput, RERUN_ACTION, RERUNNING_TEXT, supersededText } from "../report/check-output.js";
import { clipText, MAX_CHECK_OUTPUT, MAX_CHECK_TITLE } from "./limits.js";
import type { GitHub, RepoRef } from "./pull-request.js";

export const CHECK_NAME = "Exposure review";
/** "The Checks API limits the number of annotations to a maximum of 50 per API request." */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** `GET /check-runs/{id}/annotations` page size (GitHub's maximum). */
const ANNOTATIONS_PER_PAGE = 100;

export interface CheckRun {
  id: number;
  htmlUrl?: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion?: string | null;
  title?: string | null;
  /** The pull request number this app stored at creation (`pr:<n>`), so a re-run on a fork finds it. */
  pullNumber?: number;
  /** How many annotations the run shows, when GitHub said. */
  annotationsCount?: number;
}

const EXTERNAL_ID_PREFIX = "pr:";

/** A check run as the REST API and the `check_run` webhook describe it. */
export interface CheckRunData {
  id: number;
  html_url: string | null;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  output: { title: string | null; annotations_count?: number };
}

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
  return ours ? checkRunFrom(ours) : undefined;
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
  return checkRunFrom(data);
}

/** A run from an API answer or a `check_run` webhook payload. */
export function checkRunFrom(run: CheckRunData): CheckRun {
  const pullNumber = Number(run.external_id?.slice(EXTERNAL_ID_PREFIX.length));
  return {
    id: run.id,
    ...(run.html_url ? { htmlUrl: run.html_url } : {}),
    status: run.status as CheckRun["status"],
    conclusion: run.conclusion,
    title: run.output.title,
    ...(run.external_id?.startsWith(EXTERNAL_ID_PREFIX) && Number.isInteger(pullNumber) && pullNumber > 0 ? { pullNumber } : {}),
    ...(typeof run.output.annotations_count === "number" ? { annotationsCount: run.output.annotations_count } : {}),
  };
}

/** Where a review's result goes: a run of ours on the commit, open (in progress) for this review. */
export interface OpenRun {
  run: CheckRun;
  /** The annotations the run already shows: none for a new run. */
  posted: PostedAnnotation[];
  /** A completed run GitHub would not reopen: once the result is in `run`, it gets a pointer there. */
  replaces?: CheckRun;
}

/**
 * Opens the run this review publishes to, without piling up runs on one commit: a new run when there is
 * none; the same run when a delivery died while it was in progress; and for a re-run (or a redelivery
 * after an error) the same completed run, set back to `in_progress`. The REST description of "rerequest
 * a check run" says the app "should then decide if the check run should be reset or updated and call the
 * update check_run endpoint". GitHub staff have also said a completed run's status cannot change
 * (github.community/t/120566; lyft/atlantis#265 hit it): if GitHub answers 422 or leaves the run
 * completed, the result goes to a new run instead.
 */
export async function openCheckRun(octokit: GitHub, repo: RepoRef, sha: string, pullNumber: number, previous?: CheckRun): Promise<OpenRun> {
  if (!previous) return { run: await createCheckRun(octokit, repo, sha, pullNumber), posted: [] };
  if (previous.status !== "completed") {
    return { run: previous, posted: previous.annotationsCount === 0 ? [] : await listPostedAnnotations(octokit, repo, previous.id) };
  }
  const [reopened, posted] = await Promise.all([reopenCheckRun(octokit, repo, previous.id), listPostedAnnotations(octokit, repo, previous.id)]);
  if (reopened) return { run: { ...previous, status: "in_progress", conclusion: null }, posted };
  return { run: await createCheckRun(octokit, repo, sha, pullNumber), posted: [], replaces: previous };
}

/**
 * Sets a completed run back to `in_progress` with a short "Re-running…" output (the update schema needs
 * `summary` once `output` is given; `in_progress` needs no conclusion). False when GitHub refuses.
 * see: https://docs.github.com/en/rest/checks/runs#update-a-check-run
 */
async function reopenCheckRun(octokit: GitHub, repo: RepoRef, runId: number): Promise<boolean> {
  try {
    const { data } = await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: runId,
      status: "in_progress",
      started_at: new Date().toISOString(),
      output: { ...RERUNNING_TEXT },
    });
    return data.status !== "completed";
  } catch (error) {
    if ((error as { status?: unknown }).status === 422) return false;
    throw error;
  }
}

/** see: https://docs.github.com/en/rest/checks/runs#list-check-run-annotations */
export async function listPostedAnnotations(octokit: GitHub, repo: RepoRef, runId: number): Promise<PostedAnnotation[]> {
  return octokit.paginate(octokit.rest.checks.listAnnotations, {
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: runId,
    per_page: ANNOTATIONS_PER_PAGE,
  });
}

export interface CheckResult {
  conclusion: Conclusion;
  title: string;
  summary: string;
  /** `output.text`: what did not fit elsewhere (annotations left out). */
  text?: string;
  annotations?: readonly CheckAnnotation[];
}

/** The run that holds the result, and what went wrong on the way that did not change it. */
export interface Published {
  run: CheckRun;
  warnings: { message: string; error: unknown }[];
}

/**
 * Completes the open run with the result, sending only the annotations it does not show yet: each update
 * appends, so resending would list a finding twice. When the run shows an annotation the review no longer
 * produces (the config on the default branch turned a rule off, a severity changed), updating would leave
 * that wrong annotation behind, and GitHub cannot delete one: then, and only then, the result goes to a
 * new run, and the old one is completed with the same conclusion (so the suite's conclusion is the new
 * result's) and a pointer to the new one.
 */
export async function publishCheckRun(
  octokit: GitHub,
  repo: RepoRef,
  target: { headSha: string; number: number },
  open: OpenRun,
  result: CheckResult,
): Promise<Published> {
  const warnings: Published["warnings"] = [];
  const supersede = async (run: CheckRun, by: CheckRun, reason: "stale-annotations" | "final", conclusion?: Conclusion) => {
    await supersedeCheckRun(octokit, repo, run.id, supersededText({ reason, ...(by.htmlUrl ? { runUrl: by.htmlUrl } : {}) }), conclusion).catch(
      (error: unknown) => warnings.push({ message: `could not point check run ${run.id} at check run ${by.id}`, error }),
    );
  };

  const { missing, stale } = annotationDelta(result.annotations ?? [], open.posted);
  if (stale.length > 0) {
    const fresh = await createCheckRun(octokit, repo, target.headSha, target.number);
    await completeCheckRun(octokit, repo, fresh.id, result);
    await supersede(open.run, fresh, "stale-annotations", result.conclusion);
    return { run: fresh, warnings };
  }
  await completeCheckRun(octokit, repo, open.run.id, { ...result, annotations: missing });
  if (open.replaces) await supersede(open.replaces, open.run, "final");
  return { run: open.run, warnings };
}

/**
 * Completes the run with the first 50 annotations, then appends the rest 50 at a time ("each time you
 * update the check run, annotations are appended").
 * see: https://docs.github.com/en/rest/checks/runs#update-a-check-run
 */
export async function completeCheckRun(octokit: GitHub, repo: RepoRef, runId: number, result: CheckResult): Promise<void> {
  const annotations = result.annotations ?? [];
  const output = {
    title: clipText(result.title, MAX_CHECK_TITLE),
    summary: clip(result.summary, MAX_CHECK_OUTPUT),
    ...(result.text ? { text: clip(result.text, MAX_CHECK_OUTPUT) } : {}),
  };
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
 * Leaves a pointer on a run whose result went elsewhere. An open run is completed too (with the new
 * result's conclusion), so it never stays "in progress"; a completed one only gets the text.
 */
async function supersedeCheckRun(octokit: GitHub, repo: RepoRef, runId: number, text: CheckText, conclusion?: Conclusion): Promise<void> {
  await octokit.rest.checks.update({
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: runId,
    ...(conclusion ? { status: "completed" as const, conclusion, completed_at: new Date().toISOString() } : {}),
    output: { ...text },
  });
}

/**
 * Ends a run that could not finish, so it never stays "in progress", as `failure`: a review that did not
 * happen must not pass a required check.
 */
export async function failCheckRun(octokit: GitHub, repo: RepoRef, runId: number, error: unknown): Promise<void> {
  const status = (error as { status?: unknown } | undefined)?.status;
  await completeCheckRun(
    octokit,
    repo,
    runId,
    errorOutput({ message: error instanceof Error ? error.message : String(error), ...(typeof status === "number" ? { status } : {}) }),
  );
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 2)}\n…`;
}
