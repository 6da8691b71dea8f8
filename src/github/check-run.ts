/**
 * The "Exposure review" check run: claim it on the head commit (the App: `claimRun`, arbitrated by GitHub
 * across instances) or find and reopen it (the Action: `openCheckRun`), then complete it with the
 * conclusion, the markdown summary and the annotations it does not show yet (50 per request, GitHub's limit).
 * see: https://docs.github.com/en/rest/checks/runs
 */
import { randomBytes } from "node:crypto";
import type { Conclusion } from "../core/model.js";
import { annotationDelta, type CheckAnnotation, type PostedAnnotation } from "../report/annotations.js";
import { type CheckText, errorOutput, RERUN_ACTION, RERUNNING_TEXT, supersededText } from "../report/check-output.js";
import { clipText, MAX_CHECK_OUTPUT, MAX_CHECK_TITLE } from "./limits.js";
import { withDeadline } from "./octokit.js";
import type { GitHub, RepoRef } from "./pull-request.js";
import { SEND_ONCE, writeOnce } from "./writes.js";

export const CHECK_NAME = "Exposure review";
/** "The Checks API limits the number of annotations to a maximum of 50 per API request." */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** `GET /check-runs/{id}/annotations` page size (GitHub's maximum). */
const ANNOTATIONS_PER_PAGE = 100;
/**
 * A run in progress for longer than this was left by a delivery that died (Netlify stops a function at
 * 60 s): the next delivery takes it over. A younger one is being worked on, and is left alone.
 */
export const STALE_RUN_MS = 70_000;
/**
 * In a completed run's summary: the review of its commit could not be posted, so a redelivery must post
 * it (a completed run otherwise means everything for the commit is done).
 */
export const REVIEW_MISSING_MARKER = "<!-- exposure-review:review-missing -->";

export interface CheckRun {
  id: number;
  htmlUrl?: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion?: string | null;
  title?: string | null;
  summary?: string | null;
  /** The pull request number this app stored at creation (`pr:<n>`), so a re-run on a fork finds it. */
  pullNumber?: number;
  /** The delivery that created the run (`pr:<n>:<token>`): how it recognises its run after a failed answer. */
  token?: string;
  /**
   * The run that ended in an error which this run reviews again (`pr:<n>:<token>:redo-<id>`): runs created
   * for the same redo compete as new runs do, the oldest leading.
   */
  redoOf?: number;
  startedAt?: string;
  /** How many annotations the run shows, when GitHub said. */
  annotationsCount?: number;
}

const EXTERNAL_ID_PREFIX = "pr:";
const EXTERNAL_ID = /^pr:(\d+)(?::([0-9a-z]+))?(?::redo-(\d+))?$/;

/** A check run as the REST API and the `check_run` webhook describe it. */
export interface CheckRunData {
  id: number;
  html_url: string | null;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  started_at?: string | null;
  output: { title: string | null; summary?: string | null; annotations_count?: number };
}

/**
 * Every run of this app with our name on `sha`, oldest (lowest id) first. `filter: all`: "latest" would
 * show only the newest run of a name, and the oldest is the one that leads.
 * see: https://docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference
 */
export async function listOurRuns(octokit: GitHub, repo: RepoRef, sha: string, appId?: number): Promise<CheckRun[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
    ...(appId ? { app_id: appId } : {}),
  });
  // Another app may use the same name; only our own runs carry our external id (and can be updated by us).
  return runs
    .filter((run) => EXTERNAL_ID.test(run.external_id ?? "") && (!appId || run.app?.id === appId))
    .sort((a, b) => a.id - b.id)
    .map((run) => checkRunFrom(run));
}

/** The most recent run of this app with our name on `sha`, or undefined. */
export async function findCheckRun(octokit: GitHub, repo: RepoRef, sha: string, appId?: number): Promise<CheckRun | undefined> {
  return (await listOurRuns(octokit, repo, sha, appId)).at(-1);
}

/**
 * Creates a run, in progress, once: the request is not retried blind; after a failure that may have
 * landed, the commit's runs are listed and the one carrying this delivery's token is taken as created.
 * see: https://docs.github.com/en/rest/checks/runs#create-a-check-run
 */
export async function createCheckRun(octokit: GitHub, repo: RepoRef, sha: string, pullNumber: number, who: Writer, redoOf?: number): Promise<CheckRun> {
  const externalId = `${EXTERNAL_ID_PREFIX}${pullNumber}:${who.token}${redoOf === undefined ? "" : `:redo-${redoOf}`}`;
  return writeOnce(
    async () => {
      const { data } = await octokit.rest.checks.create({
        owner: repo.owner,
        repo: repo.repo,
        name: CHECK_NAME,
        head_sha: sha,
        status: "in_progress",
        external_id: externalId,
        started_at: new Date().toISOString(),
        ...SEND_ONCE,
      });
      return checkRunFrom(data);
    },
    async () => (await listOurRuns(octokit, repo, sha, who.appId)).find((run) => run.token === who.token),
    who.waitBaseMs,
  );
}

/** Who writes: this delivery's token (in the external id of the runs it creates), the app, the wait between guarded attempts. */
export interface Writer {
  token: string;
  appId?: number;
  waitBaseMs?: number;
}

/** A writer with a fresh token: one per delivery (or Action run). */
export function newWriter(options: { appId?: number; waitBaseMs?: number } = {}): Writer {
  return { token: randomBytes(5).toString("hex"), ...options };
}

/** A run from an API answer or a `check_run` webhook payload. */
export function checkRunFrom(run: CheckRunData): CheckRun {
  const external = EXTERNAL_ID.exec(run.external_id ?? "");
  const pullNumber = Number(external?.[1]);
  return {
    id: run.id,
    ...(run.html_url ? { htmlUrl: run.html_url } : {}),
    status: run.status as CheckRun["status"],
    conclusion: run.conclusion,
    title: run.output.title,
    ...(run.output.summary !== undefined ? { summary: run.output.summary } : {}),
    ...(Number.isInteger(pullNumber) && pullNumber > 0 ? { pullNumber } : {}),
    ...(external?.[2] ? { token: external[2] } : {}),
    ...(external?.[3] ? { redoOf: Number(external[3]) } : {}),
    ...(run.started_at ? { startedAt: run.started_at } : {}),
    ...(typeof run.output.annotations_count === "number" ? { annotationsCount: run.output.annotations_count } : {}),
  };
}

/** Whether a completed run leaves its commit's review to do again: it ended in an error, or its review is missing. */
export function needsRedo(run: CheckRun, errorTitle: string): boolean {
  return run.title === errorTitle || (run.summary ?? "").includes(REVIEW_MISSING_MARKER);
}

/** Whether an open run was left by a delivery that died rather than one still working. */
export function isStale(run: CheckRun, now: number): boolean {
  const started = run.startedAt ? Date.parse(run.startedAt) : Number.NaN;
  return Number.isNaN(started) || now - started > STALE_RUN_MS;
}

/**
 * Completes `runs` that do not already say what `leader` says, with its conclusion and a pointer to it:
 * runs that concurrent deliveries of the same commit created. GitHub cannot delete a run, and a required
 * check may read any of them, so each carries the leader's conclusion. Failures are returned, not thrown:
 * the leader's result stands.
 */
export async function mirrorRuns(octokit: GitHub, repo: RepoRef, leader: CheckRun, runs: readonly CheckRun[], text: Superseded): Promise<unknown[]> {
  const problems: unknown[] = [];
  if (leader.status !== "completed" || !leader.conclusion) return problems;
  for (const run of runs) {
    const pointer = text(leader, run);
    // A run of the leader's round that says its conclusion is done; one of an earlier round (the run that
    // ended in an error, its followers) also needs the pointer to the result that replaced it.
    const settled = run.status === "completed" && run.conclusion === leader.conclusion && (run.redoOf === leader.redoOf || run.title === pointer.title);
    if (run.id === leader.id || settled) continue;
    await supersedeCheckRun(octokit, repo, run.id, pointer, leader.conclusion as Conclusion).catch((error: unknown) => problems.push(error));
  }
  return problems;
}

/** The text a run gets when `leader` holds the commit's result instead (its round's or a later one's). */
export type Superseded = (leader: CheckRun, run: CheckRun) => CheckText;

/**
 * The lead of the commit's latest round of review (`runs` oldest first): the oldest run, or, once a run
 * that ended in an error was reviewed again, the oldest of the runs created for that redo (and so on
 * along redos of redos). Undefined when there is no run yet.
 */
export function latestRound(runs: readonly CheckRun[]): CheckRun | undefined {
  let lead = runs.find((run) => run.redoOf === undefined);
  for (;;) {
    const next = lead && runs.find((run) => run.redoOf === lead!.id);
    if (!next) return lead;
    lead = next;
  }
}

/**
 * What a delivery does for its commit: review it in `open` (it leads), or nothing (`follow`): the commit
 * is `done`, another delivery is `busy` with it, or this one `lost` the race to a run created before its
 * own.
 */
export type Claim = { kind: "lead"; open: OpenRun } | { kind: "follow"; reason: "done" | "busy" | "lost"; leader: CheckRun };

/**
 * What a re-run asks to review again: the run it names (`check_run.rerequested`, the run's button), or the
 * commit's current result (`check_suite.rerequested` names no run). Absent for a pull-request delivery.
 */
export type Rerun = { runId: number } | "latest";

/**
 * Whether the latest round must be done again because a re-run asked for it. A re-run that names a run
 * older than the latest round's lead was served already: a concurrent or redelivered copy of the same
 * request started that round (the user's next click names the newer run, the one GitHub shows).
 */
function rerunPending(lead: CheckRun, rerun: Rerun | undefined): boolean {
  if (rerun === undefined) return false;
  return rerun === "latest" || lead.id <= rerun.runId;
}

/**
 * One check run and one review per commit across instances that share nothing, arbitrated by GitHub: the
 * commit's runs of ours (listed by the caller), the oldest of the latest round leading (`latestRound`).
 * GitHub orders creations and nothing else (an update is never conditional), so every path that reviews
 * a commit again starts a round by creating a run; no path reopens a run.
 *
 * - The lead is in progress: another delivery is at work (`busy`), unless it started more than
 *   `STALE_RUN_MS` ago (that delivery died).
 * - The lead is completed: `done`, unless it ended in an error, its review is missing, or a re-run asks
 *   for it again (`rerunPending`); leftover runs get its conclusion.
 * - Otherwise (no run yet, or one of the cases above): a new round. Create a run (tagged
 *   `redo-<lead id>` unless it is the first), list again; when an older run of the same round exists (a
 *   concurrent delivery created it first), this one lost: it posts nothing, and takes the leader's
 *   conclusion now if the leader is done (otherwise the leader gives it its conclusion when it completes,
 *   see `settleRuns`, as it does the round's predecessor, with a pointer to the new result).
 */
export async function claimRun(
  octokit: GitHub,
  repo: RepoRef,
  target: { headSha: string; number: number },
  runs: readonly CheckRun[],
  who: Writer,
  options: { errorTitle: string; superseded: Superseded; now?: number; rerun?: Rerun },
): Promise<Claim> {
  const lead = latestRound(runs);
  if (lead && lead.status !== "completed" && !isStale(lead, options.now ?? Date.now())) return { kind: "follow", reason: "busy", leader: lead };
  if (lead && lead.status === "completed" && !needsRedo(lead, options.errorTitle) && !rerunPending(lead, options.rerun)) {
    await mirrorRuns(octokit, repo, lead, runs, options.superseded);
    return { kind: "follow", reason: "done", leader: lead };
  }
  const redoOf = lead?.id;
  const created = await createCheckRun(octokit, repo, target.headSha, target.number, who, redoOf);
  let leader: CheckRun;
  try {
    leader = (await listOurRuns(octokit, repo, target.headSha, who.appId)).find((run) => run.redoOf === redoOf) ?? created;
  } catch (error) {
    // Whether this run leads is unknown: it ends as an error rather than staying in progress, and the
    // next delivery (or a re-run) reviews the commit again.
    await failCheckRun(octokit, repo, created.id, error, who.waitBaseMs).catch(() => undefined);
    throw error;
  }
  if (leader.id === created.id) return { kind: "lead", open: { run: created, posted: [] } };
  if (leader.status === "completed") await mirrorRuns(octokit, repo, leader, [created], options.superseded);
  return { kind: "follow", reason: "lost", leader };
}

/**
 * After the leader completed: every other run of ours on the commit takes its conclusion (runs that lost
 * the race while it worked). Outside the delivery's deadline; problems are returned, not thrown.
 */
export async function settleRuns(octokit: GitHub, repo: RepoRef, sha: string, leaderId: number, who: Writer, superseded: Superseded): Promise<unknown[]> {
  return withDeadline(undefined, async () => {
    const runs = await listOurRuns(octokit, repo, sha, who.appId);
    const leader = runs.find((run) => run.id === leaderId);
    if (!leader) return [];
    return mirrorRuns(octokit, repo, leader, runs, superseded);
  }).catch((error: unknown) => [error]);
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
 * The Action's way to open the run it publishes to (one job per commit and no webhook copies, so nothing
 * to arbitrate; the App never reopens a run, see `claimRun`), without piling up runs on one commit: a new
 * run when there is none; the same run when a delivery died while it was in progress; and for a re-run (or a redelivery
 * after an error) the same completed run, set back to `in_progress`. The REST description of "rerequest
 * a check run" says the app "should then decide if the check run should be reset or updated and call the
 * update check_run endpoint". GitHub staff have also said a completed run's status cannot change
 * (github.community/t/120566; lyft/atlantis#265 hit it): if GitHub answers 422 or leaves the run
 * completed, the result goes to a new run instead.
 */
export async function openCheckRun(octokit: GitHub, repo: RepoRef, sha: string, pullNumber: number, previous?: CheckRun, who: Writer = newWriter()): Promise<OpenRun> {
  if (!previous) return { run: await createCheckRun(octokit, repo, sha, pullNumber, who), posted: [] };
  if (previous.status !== "completed") {
    return { run: previous, posted: previous.annotationsCount === 0 ? [] : await listPostedAnnotations(octokit, repo, previous.id) };
  }
  const [reopened, posted] = await Promise.all([reopenCheckRun(octokit, repo, previous.id), listPostedAnnotations(octokit, repo, previous.id)]);
  if (reopened) return { run: { ...previous, status: "in_progress", conclusion: null }, posted };
  return { run: await createCheckRun(octokit, repo, sha, pullNumber, who), posted: [], replaces: previous };
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
  who: Writer,
): Promise<Published> {
  const warnings: Published["warnings"] = [];
  const supersede = async (run: CheckRun, by: CheckRun, reason: "stale-annotations" | "final", conclusion?: Conclusion) => {
    await supersedeCheckRun(octokit, repo, run.id, supersededText({ reason, ...(by.htmlUrl ? { runUrl: by.htmlUrl } : {}) }), conclusion).catch(
      (error: unknown) => warnings.push({ message: `could not point check run ${run.id} at check run ${by.id}`, error }),
    );
  };

  const { missing, stale } = annotationDelta(result.annotations ?? [], open.posted);
  if (stale.length > 0) {
    const fresh = await createCheckRun(octokit, repo, target.headSha, target.number, who);
    await completeCheckRun(octokit, repo, fresh.id, result, { shown: 0, ...(who.waitBaseMs === undefined ? {} : { waitBaseMs: who.waitBaseMs }) });
    await supersede(open.run, fresh, "stale-annotations", result.conclusion);
    return { run: fresh, warnings };
  }
  await completeCheckRun(octokit, repo, open.run.id, { ...result, annotations: missing }, {
    shown: open.posted.length,
    ...(who.waitBaseMs === undefined ? {} : { waitBaseMs: who.waitBaseMs }),
  });
  if (open.replaces) await supersede(open.replaces, open.run, "final");
  return { run: open.run, warnings };
}

/**
 * Completes the run with the first 50 annotations, then appends the rest 50 at a time ("each time you
 * update the check run, annotations are appended"). An update that appends is not retried blind: after a
 * failure that may have landed, the run is read, and the update counts as landed when the run is
 * completed with this conclusion and shows the annotations it would have added. `shown`: how many the run
 * showed before.
 * see: https://docs.github.com/en/rest/checks/runs#update-a-check-run
 */
export async function completeCheckRun(
  octokit: GitHub,
  repo: RepoRef,
  runId: number,
  result: CheckResult,
  { shown = 0, waitBaseMs }: { shown?: number; waitBaseMs?: number } = {},
): Promise<void> {
  const annotations = result.annotations ?? [];
  const output = {
    title: clipText(result.title, MAX_CHECK_TITLE),
    summary: clip(result.summary, MAX_CHECK_OUTPUT),
    ...(result.text ? { text: clip(result.text, MAX_CHECK_OUTPUT) } : {}),
  };
  const update = async (body: Record<string, unknown>, batch: readonly CheckAnnotation[], expected: number) => {
    await writeOnce(
      async () => {
        await octokit.rest.checks.update({ owner: repo.owner, repo: repo.repo, check_run_id: runId, ...body, output: { ...output, annotations: [...batch] }, ...SEND_ONCE });
        return true;
      },
      async () => {
        const { data } = await octokit.rest.checks.get({ owner: repo.owner, repo: repo.repo, check_run_id: runId });
        const landed = data.status === "completed" && data.conclusion === result.conclusion && (data.output.annotations_count ?? 0) >= expected;
        return landed ? true : undefined;
      },
      waitBaseMs,
    );
  };
  const first = annotations.slice(0, MAX_ANNOTATIONS_PER_REQUEST);
  await update(
    { status: "completed", conclusion: result.conclusion, completed_at: new Date().toISOString(), actions: [{ ...RERUN_ACTION }] },
    first,
    shown + first.length,
  );
  for (let start = MAX_ANNOTATIONS_PER_REQUEST; start < annotations.length; start += MAX_ANNOTATIONS_PER_REQUEST) {
    const batch = annotations.slice(start, start + MAX_ANNOTATIONS_PER_REQUEST);
    await update({}, batch, shown + start + batch.length);
  }
}

/**
 * The last word on a run that could not be completed normally: the smallest update GitHub accepts
 * (status, conclusion, a short title and summary, nothing else that could be refused), retried as Octokit
 * retries, outside the delivery's deadline. Throws only when GitHub accepts no write at all.
 */
export async function forceComplete(octokit: GitHub, repo: RepoRef, runId: number, conclusion: Conclusion, title: string, summary: string): Promise<void> {
  await withDeadline(undefined, async () => {
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: runId,
      status: "completed",
      conclusion,
      completed_at: new Date().toISOString(),
      output: { title: clipText(title, MAX_CHECK_TITLE), summary: clip(summary, 1000) },
    });
  });
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
 * happen must not pass a required check. Runs outside the delivery's deadline (the deadline may be why it
 * failed); when the full error output is refused, the smallest update is tried.
 */
export async function failCheckRun(octokit: GitHub, repo: RepoRef, runId: number, error: unknown, waitBaseMs?: number): Promise<void> {
  const status = (error as { status?: unknown } | undefined)?.status;
  const output = errorOutput({ message: error instanceof Error ? error.message : String(error), ...(typeof status === "number" ? { status } : {}) });
  try {
    await withDeadline(undefined, () => completeCheckRun(octokit, repo, runId, output, waitBaseMs === undefined ? {} : { waitBaseMs }));
  } catch {
    await forceComplete(octokit, repo, runId, output.conclusion, output.title, "The review stopped with an error. Use Re-run to try again.");
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 2)}\n…`;
}
