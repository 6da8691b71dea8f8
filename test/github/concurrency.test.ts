/**
 * One check run result and one review per commit, whatever GitHub does: deliveries at the same time to
 * separate app instances (separate handlers and Probots that share nothing but the fake GitHub), writes
 * that GitHub stores and then answers 502 or resets, writes that keep failing, deliveries that die. Each
 * test states the end state: runs per commit and their conclusions, reviews, comments, nothing in progress.
 * Interleavings are forced with the fake's barrier (`hold`), never with sleeps.
 */
import { describe, expect, it } from "vitest";
import { REVIEW_MISSING_MARKER, STALE_RUN_MS } from "../../src/github/check-run.js";
import { ERROR_TITLE } from "../../src/report/check-output.js";
import type { FakeRepository, StoredCheckRun } from "./fake-github.js";
import { checkRunPayload, checkSuitePayload, examplePayload, type Harness, type HarnessOptions, shopRepository, harnessPerTest } from "./harness.js";

const start = harnessPerTest();

const opened = (h: Harness & { repository: FakeRepository }) => examplePayload(h.fake, h.repository, "pull_request", "opened");

/** The shop fixture's result, as one delivery alone produces it. */
const SHOP_TITLE = "❌ shop/metrics: plain HTTP on TCP/80 public (+2 failures, +4 warnings)";

/**
 * The commit's end state: nothing in progress, every run with the result's conclusion, one run holding the
 * result (the oldest of its round), the runs of its round that lost the race empty and pointing at it, one
 * review. `redone`: how many runs (the oldest) belong to earlier rounds that a later one reviewed again.
 */
function expectOneResult(h: Harness, { comments = 5 as number | "any", redone = 0 } = {}) {
  const runs = h.fake.checkRuns;
  expect(runs.filter((run) => run.status !== "completed")).toEqual([]);
  // Every run says the same, so a required check reads the same status whichever it takes.
  expect(new Set(runs.map((run) => run.conclusion))).toEqual(new Set(["failure"]));
  for (const run of runs.slice(0, redone)) expect(run.output.title).toBe("Superseded by a re-run");
  const round = runs.slice(redone);
  const results = round.filter((run) => run.output.title === SHOP_TITLE && !isRepeat(run));
  expect(results).toHaveLength(1);
  for (const run of round.filter((other) => other !== results[0])) expectRepeatOf(run, results[0]!);
  // Nothing anywhere still says the review is missing.
  for (const run of runs) expect(run.output.summary).not.toContain(REVIEW_MISSING_MARKER);
  expect(h.fake.reviews).toHaveLength(1);
  if (comments !== "any") expect(h.fake.reviewComments).toHaveLength(comments);
  expect(h.fake.invalidBodies).toEqual([]);
}

/** A run that lost its round's race: it repeats the result's title and summary, posted nothing, and says where the result is. */
function isRepeat(run: StoredCheckRun): boolean {
  return (run.output.summary ?? "").startsWith("> GitHub delivered this commit's event more than once at the same time");
}

function expectRepeatOf(run: StoredCheckRun, result: StoredCheckRun): void {
  expect(isRepeat(run)).toBe(true);
  // GitHub shows the newest run of a name on the pull request: that is a repeat, so it reads as the result.
  expect(run.output.title).toBe(result.output.title);
  expect(run.output.summary).toContain(`[another check run](https://github.example/acme/shop/runs/${result.id})`);
  expect(run.output.summary).toContain(result.output.summary);
  expect(run.annotations).toEqual([]);
}

type Delivery = readonly [event: string, payload: object];

/**
 * Delivers each event at once to an instance of its own, all listing the commit's runs before any acts,
 * and the first `creating` run creations held until all of them arrived (so all create before any lists
 * again; 0 when some deliveries create none). Gives the answers' statuses.
 */
async function deliverAtOnce(h: Harness, deliveries: readonly Delivery[], { creating = deliveries.length } = {}): Promise<number[]> {
  const instances = deliveries.map(() => h.instance());
  h.fake.hold("GET", /\/commits\/[0-9a-f]{40}\/check-runs$/, deliveries.length);
  if (creating > 0) h.fake.hold("POST", /\/check-runs$/, creating);
  const responses = await Promise.all(deliveries.map(([event, payload], index) => instances[index]!.deliver(event, structuredClone(payload), { id: `at-once-${index}` })));
  return responses.map((response) => response.status);
}

const times = (count: number, delivery: Delivery): Delivery[] => Array.from({ length: count }, () => delivery);

describe("concurrent deliveries of one commit to separate instances", () => {
  it("ten at once leave one result and one review; the other runs carry its conclusion and post nothing", async () => {
    const h = await start(shopRepository());
    expect(await deliverAtOnce(h, times(10, ["pull_request", opened(h)]))).toEqual(Array(10).fill(200));
    expect(h.fake.checkRuns).toHaveLength(10);
    expectOneResult(h);
    // The leader is the oldest run: GitHub's own order decides, not the instances.
    expect(h.fake.checkRuns[0]!.output.title).toBe(SHOP_TITLE);
  });

  it("ten at once without a forced order still leave one result and one review", async () => {
    const h = await start(shopRepository());
    const instances = Array.from({ length: 10 }, () => h.instance());
    await Promise.all(instances.map((instance, index) => instance.deliver("pull_request", opened(h), { id: `d-${index}` })));
    expectOneResult(h);
  });

  it("opened and ready_for_review at once: one result, one review", async () => {
    const h = await start(shopRepository());
    const [a, b] = [h.instance(), h.instance()];
    h.fake.hold("POST", /\/check-runs$/, 2);
    await Promise.all([a.deliver("pull_request", opened(h)), b.deliver("pull_request", examplePayload(h.fake, h.repository, "pull_request", "ready_for_review"))]);
    expectOneResult(h);
  });

  it("a delivery that finds the commit's run in progress posts nothing and leaves it to its owner", async () => {
    const h = await start(shopRepository());
    const [a, b] = [h.instance(), h.instance()];
    // A's review is held at the GraphQL read until B has looked at the runs and left.
    h.fake.hold("POST", /^\/graphql$/);
    const first = a.deliver("pull_request", opened(h));
    await h.fake.arrived("POST", /^\/graphql$/);
    const before = h.fake.requests.length;
    await b.deliver("pull_request", opened(h));
    // B's only write is its installation token (a new instance has none).
    expect(h.fake.requests.slice(before).filter((r) => r.method !== "GET" && !r.path.endsWith("/access_tokens")).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    h.fake.release();
    await first;
    expect(h.fake.checkRuns).toHaveLength(1);
    expectOneResult(h);
  });
});

describe("redoing a run that ended in an error", () => {
  it.each([
    ["two redeliveries of the pull request event", "pull_request"],
    ["two re-runs of the errored run", "check_run"],
  ] as const)("%s at once: a new run holds the one result, the errored run carries its conclusion", async (_name, event) => {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "POST", path: /^\/graphql$/, status: 502, times: Infinity });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => run.output.title)).toEqual([ERROR_TITLE]);
    h.fake.faults.length = 0;
    const payload = event === "pull_request" ? opened(h) : checkRunPayload(h.fake, h.repository, "rerequested");
    await deliverAtOnce(h, times(2, [event, payload]));
    const [errored, ...redo] = h.fake.checkRuns;
    expect(redo).toHaveLength(2);
    expect(errored!.output.title).toBe("Superseded by a re-run");
    expect(errored!.conclusion).toBe("failure");
    // The older of the two new runs leads: GitHub's order decides.
    expect(redo[0]!.output.title).toBe(SHOP_TITLE);
    expect(isRepeat(redo[0]!)).toBe(false);
    expectRepeatOf(redo[1]!, redo[0]!);
    expect(h.fake.checkRuns.filter((run) => run.status !== "completed")).toEqual([]);
    expect(new Set(h.fake.checkRuns.map((run) => run.conclusion))).toEqual(new Set(["failure"]));
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviewComments).toHaveLength(5);
    expect(h.fake.invalidBodies).toEqual([]);
  });
});

describe("re-running a run that completed without error", () => {
  /**
   * A commit reviewed once with nothing to say (the config matched no file), then the config on the
   * default branch changed: a re-run has a review to post, so two instances that both reviewed would
   * both post one (the head-commit marker is listed before posting, and neither had posted yet).
   */
  async function reviewedWithNothingToSay() {
    const h = await start(shopRepository({ config: 'paths:\n  include: ["none/**"]\n' }));
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion}`)).toEqual(["completed success"]);
    expect(h.fake.reviews).toEqual([]);
    delete h.repository.config;
    return h;
  }

  it.each([2, 10])("%i re-runs of the run at once: the oldest run of the new round holds the result, one review, nothing in progress", async (count) => {
    const h = await reviewedWithNothingToSay();
    const rerun = checkRunPayload(h.fake, h.repository, "rerequested");
    expect(await deliverAtOnce(h, times(count, ["check_run", rerun]))).toEqual(Array(count).fill(200));
    expect(h.fake.checkRuns).toHaveLength(1 + count);
    // GitHub's order decides: the oldest run of the round leads; the re-run run takes the new conclusion.
    expect(h.fake.checkRuns[1]!.output.title).toBe(SHOP_TITLE);
    expectOneResult(h, { redone: 1 });
  });

  it("two 'Re-run all checks' at once: one result, one review", async () => {
    const h = await reviewedWithNothingToSay();
    await deliverAtOnce(h, times(2, ["check_suite", checkSuitePayload(h.fake, h.repository)]));
    expect(h.fake.checkRuns).toHaveLength(3);
    expectOneResult(h, { redone: 1 });
  });

  it("a re-run redelivered after it completed was served: nothing more is created or posted", async () => {
    const h = await reviewedWithNothingToSay();
    const rerun = checkRunPayload(h.fake, h.repository, "rerequested");
    await h.deliver("check_run", rerun, { id: "rerun-1" });
    const writesBefore = h.fake.requests.filter((r) => r.method !== "GET").length;
    await h.deliver("check_run", rerun, { id: "rerun-1" });
    // Only the new instance's token: the run it names is older than the round it started.
    expect(h.fake.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
    expect(h.fake.checkRuns).toHaveLength(2);
    expectOneResult(h, { redone: 1 });
  });

  it("a re-run racing a synchronize of the same commit: the re-run's round reviews, the synchronize finds the commit done", async () => {
    const h = await reviewedWithNothingToSay();
    const synchronize = examplePayload(h.fake, h.repository, "pull_request", "synchronize");
    // Only the re-run creates a run: the synchronize sees a completed run that needs nothing.
    await deliverAtOnce(h, [["check_run", checkRunPayload(h.fake, h.repository, "rerequested")], ["pull_request", synchronize]], { creating: 0 });
    expect(h.fake.checkRuns).toHaveLength(2);
    expectOneResult(h, { redone: 1 });
  });

  it("a 'Re-run all checks' racing a synchronize before the commit has any run: both create one, the oldest leads", async () => {
    const h = await start(shopRepository());
    await deliverAtOnce(h, [["check_suite", checkSuitePayload(h.fake, h.repository)], ["pull_request", examplePayload(h.fake, h.repository, "pull_request", "synchronize")]]);
    expect(h.fake.checkRuns).toHaveLength(2);
    expect(h.fake.checkRuns[0]!.output.title).toBe(SHOP_TITLE);
    expectOneResult(h);
  });
});

describe("posting a review that could not be posted before", () => {
  /** A commit whose run completed with its result while its review could not be posted. */
  async function reviewMissing() {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "POST", path: /\/reviews$/, status: 500, times: Infinity });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.output.title}`)).toEqual([`completed ${SHOP_TITLE}`]);
    expect(h.fake.checkRuns[0]!.output.summary).toContain(REVIEW_MISSING_MARKER);
    h.fake.faults.length = 0;
    return h;
  }

  it.each([2, 10])("%i redeliveries at once: one round posts the one review, nothing in progress", async (count) => {
    const h = await reviewMissing();
    expect(await deliverAtOnce(h, times(count, ["pull_request", opened(h)]))).toEqual(Array(count).fill(200));
    expect(h.fake.checkRuns).toHaveLength(1 + count);
    expect(h.fake.checkRuns[1]!.output.title).toBe(SHOP_TITLE);
    expectOneResult(h, { redone: 1 });
  });

  it("a re-run and a redelivery at once: one review", async () => {
    const h = await reviewMissing();
    await deliverAtOnce(h, [["check_run", checkRunPayload(h.fake, h.repository, "rerequested")], ["pull_request", opened(h)]]);
    expect(h.fake.checkRuns).toHaveLength(3);
    expectOneResult(h, { redone: 1 });
  });
});

/** Octokit's retry on; a short timeout per attempt only when an answer hangs (1 s: a loaded machine's GraphQL stays under it). */
const faultOptions = (mode: string): HarnessOptions => ({ retry: true, ...(mode.endsWith("hang") ? { requestTimeoutMs: 1000 } : {}) });

describe("writes GitHub stored but answered badly", () => {
  it.each([
    ["502", "stored-then-status"],
    ["a reset", "stored-then-reset"],
    ["no answer at all", "stored-then-hang"],
  ] as const)("a check run created and answered with %s is not created again: one run, completed", async (_name, mode) => {
    const h = await start(shopRepository(), faultOptions(mode));
    h.fake.fail({ method: "POST", path: /\/check-runs$/, mode, status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs"))).toHaveLength(1);
    expectOneResult(h);
    expect(h.fake.checkRuns).toHaveLength(1);
  });

  it.each([
    ["502", "stored-then-status"],
    ["a reset", "stored-then-reset"],
    ["no answer at all", "stored-then-hang"],
  ] as const)("a review stored and answered with %s is not posted again", async (_name, mode) => {
    const h = await start(shopRepository(), faultOptions(mode));
    h.fake.fail({ method: "POST", path: /\/reviews$/, mode, status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reviews"))).toHaveLength(1);
    expectOneResult(h);
  });

  it("an annotation update stored and answered 502 does not append the annotations twice", async () => {
    // No patch: nothing can be commented, so all 7 findings are annotations.
    const h = await start(shopRepository(), { retry: true, patchLimitLines: 1 });
    h.fake.fail({ method: "PATCH", path: /\/check-runs\/\d+$/, mode: "stored-then-status", status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([502]);
    const annotations = h.fake.checkRuns[0]!.annotations;
    expect(annotations.length).toBeGreaterThan(1);
    expect(new Set(annotations.map((annotation) => JSON.stringify(annotation))).size).toBe(annotations.length);
    expectOneResult(h, { comments: "any" });
  });

  it.each([
    ["502", "status", 502],
    ["a reset", "reset", -1],
    ["no answer at all", "hang", 0],
  ] as const)("a create that failed (%s) before GitHub stored it is sent again", async (_name, mode, status) => {
    const h = await start(shopRepository(), faultOptions(mode));
    h.fake.fail({ method: "POST", path: /\/check-runs$/, mode, status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs")).map((r) => r.status)).toEqual([status, 201]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expectOneResult(h);
  });

  it.each([
    ["a reset", "reset"],
    ["no answer at all", "hang"],
  ] as const)("a review that failed (%s) before GitHub stored it is posted once", async (_name, mode) => {
    const h = await start(shopRepository(), faultOptions(mode));
    h.fake.fail({ method: "POST", path: /\/reviews$/, mode, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reviews"))).toHaveLength(2);
    expect(h.fake.checkRuns).toHaveLength(1);
    expectOneResult(h);
  });
});

describe("writes that keep failing", () => {
  it("a run whose round cannot be listed after its creation ends as an error, never in progress, and the next delivery redoes it", async () => {
    const h = await start(shopRepository(), { retry: true });
    // The claim's first listing succeeds; once the run is created, listing fails for good.
    h.fake.hold("POST", /\/check-runs$/);
    const delivery = h.deliver("pull_request", opened(h));
    await h.fake.arrived("POST", /\/check-runs$/);
    h.fake.fail({ method: "GET", path: /\/commits\/[0-9a-f]{40}\/check-runs$/, status: 502, times: Infinity });
    h.fake.release();
    expect((await delivery).status).toBe(502);
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion} ${run.output.title}`)).toEqual([`completed failure ${ERROR_TITLE}`]);
    expect(h.fake.reviews).toEqual([]);
    h.fake.faults.length = 0;
    await h.deliver("pull_request", opened(h));
    expectOneResult(h, { redone: 1 });
  });

  it("a review that cannot be posted leaves the result on a completed run, and the next delivery posts it", async () => {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "POST", path: /\/reviews$/, status: 500, times: Infinity });
    expect((await h.deliver("pull_request", opened(h))).status).toBe(500);
    const [run] = h.fake.checkRuns;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run!.output.title).toBe(SHOP_TITLE);
    expect(run!.output.summary).toContain("The review comments could not be posted");
    expect(h.fake.reviews).toEqual([]);
    h.fake.faults.length = 0;
    await h.deliver("pull_request", opened(h));
    // Reviewed again in a round of its own (concurrent redeliveries agree on its oldest run), never reopened.
    expect(h.fake.checkRuns).toHaveLength(2);
    expect(h.fake.checkRuns[1]!.external_id).toMatch(new RegExp(`:redo-${run!.id}$`));
    expect(h.fake.checkRuns[0]!.output.summary).not.toContain("could not be posted");
    expectOneResult(h, { redone: 1 });
  });

  it("an update refused every time with its annotations still completes the run, as an error", async () => {
    const h = await start(shopRepository(), { retry: true, patchLimitLines: 1 });
    h.fake.fail({ method: "PATCH", path: /\/check-runs\/\d+$/, status: 500, times: Infinity, when: (body) => ((body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length > 0 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion} ${run.output.title}`)).toEqual([`completed failure ${ERROR_TITLE}`]);
    // Bounded: three guarded attempts of the update, then the error output.
    expect(h.fake.requests.filter((r) => r.method === "PATCH").length).toBeLessThanOrEqual(5);
  });

  it("when GitHub accepts no update at all, the delivery ends in bounded requests, and a later one completes the run", async () => {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "PATCH", path: /\/check-runs\/\d+$/, status: 500, times: Infinity });
    expect((await h.deliver("pull_request", opened(h))).status).toBe(500);
    expect(h.fake.checkRuns.map((run) => run.status)).toEqual(["in_progress"]);
    expect(h.fake.requests.filter((r) => r.method === "PATCH").length).toBeLessThanOrEqual(12);
    // A redelivery soon after leaves a run in progress to its owner; one after the owner must have died takes it over.
    h.fake.faults.length = 0;
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => run.status)).toEqual(["in_progress"]);
    h.fake.checkRuns[0]!.started_at = new Date(Date.now() - STALE_RUN_MS - 1000).toISOString();
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns).toHaveLength(2);
    expectOneResult(h, { redone: 1 });
  });

  it("two deliveries that find a dead delivery's run at once: one takes it over, one review", async () => {
    const h = await start(shopRepository(), { retry: true });
    // The delivery dies with nothing posted: its run stays in progress, its review is not there.
    h.fake.fail({ method: "PATCH", path: /\/check-runs\/\d+$/, status: 500, times: Infinity });
    h.fake.fail({ method: "POST", path: /\/reviews$/, status: 500, times: Infinity });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.checkRuns.map((run) => run.status)).toEqual(["in_progress"]);
    expect(h.fake.reviews).toEqual([]);
    h.fake.faults.length = 0;
    h.fake.checkRuns[0]!.started_at = new Date(Date.now() - STALE_RUN_MS - 1000).toISOString();
    await deliverAtOnce(h, times(2, ["pull_request", opened(h)]));
    expect(h.fake.checkRuns).toHaveLength(3);
    expectOneResult(h, { redone: 1 });
  });
});
