/**
 * One check run result and one review per commit, whatever GitHub does: deliveries at the same time to
 * separate app instances (separate handlers and Probots that share nothing but the fake GitHub), writes
 * that GitHub stores and then answers 502 or resets, writes that keep failing, deliveries that die. Each
 * test states the end state: runs per commit and their conclusions, reviews, comments, nothing in progress.
 * Interleavings are forced with the fake's barrier (`hold`), never with sleeps.
 */
import { describe, expect, it } from "vitest";
import { STALE_RUN_MS } from "../../src/github/check-run.js";
import { ERROR_TITLE } from "../../src/report/check-output.js";
import type { FakeRepository } from "./fake-github.js";
import { checkRunPayload, examplePayload, type Harness, type HarnessOptions, shopRepository, harnessPerTest } from "./harness.js";

const start = harnessPerTest();

const opened = (h: Harness & { repository: FakeRepository }) => examplePayload(h.fake, h.repository, "pull_request", "opened");

/** The shop fixture's result, as one delivery alone produces it. */
const SHOP_TITLE = "❌ shop/metrics: plain HTTP on TCP/80 public (+2 failures, +4 warnings)";

function expectOneResult(h: Harness, { comments = 5 as number | "any" } = {}) {
  const runs = h.fake.checkRuns;
  expect(runs.filter((run) => run.status !== "completed")).toEqual([]);
  // Every run says the same, so a required check reads the same status whichever it takes.
  expect(new Set(runs.map((run) => run.conclusion))).toEqual(new Set(["failure"]));
  const results = runs.filter((run) => run.output.title === SHOP_TITLE);
  expect(results).toHaveLength(1);
  for (const run of runs.filter((other) => other !== results[0])) {
    expect(run.output.title).toBe("Superseded by a concurrent review");
    expect(run.annotations).toEqual([]);
  }
  expect(h.fake.reviews).toHaveLength(1);
  if (comments !== "any") expect(h.fake.reviewComments).toHaveLength(comments);
  expect(h.fake.invalidBodies).toEqual([]);
}

describe("concurrent deliveries of one commit to separate instances", () => {
  it("ten at once leave one result and one review; the other runs carry its conclusion and post nothing", async () => {
    const h = await start(shopRepository());
    const instances = Array.from({ length: 10 }, () => h.instance());
    // All ten list the commit's runs before any creates one, and all create before any lists again.
    h.fake.hold("GET", /\/commits\/[0-9a-f]{40}\/check-runs$/, 10);
    h.fake.hold("POST", /\/check-runs$/, 10);
    const responses = await Promise.all(instances.map((instance, index) => instance.deliver("pull_request", opened(h), { id: `d-${index}` })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
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
    h.fake.hold("POST", /^\/graphql$/, 1);
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
    const [a, b] = [h.instance(), h.instance()];
    // Both see the errored run before either acts, and both create before either lists again.
    h.fake.hold("GET", /\/commits\/[0-9a-f]{40}\/check-runs$/, 2);
    h.fake.hold("POST", /\/check-runs$/, 2);
    await Promise.all([a.deliver(event, payload, { id: "redo-a" }), b.deliver(event, structuredClone(payload), { id: "redo-b" })]);
    const [errored, ...redo] = h.fake.checkRuns;
    expect(redo).toHaveLength(2);
    expect(errored!.output.title).toBe("Superseded by a re-run");
    expect(errored!.conclusion).toBe("failure");
    // The older of the two new runs leads: GitHub's order decides.
    expect(redo[0]!.output.title).toBe(SHOP_TITLE);
    expect(redo[1]!.output.title).toBe("Superseded by a concurrent review");
    expect(redo[1]!.annotations).toEqual([]);
    expect(h.fake.checkRuns.filter((run) => run.status !== "completed")).toEqual([]);
    expect(new Set(h.fake.checkRuns.map((run) => run.conclusion))).toEqual(new Set(["failure"]));
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviewComments).toHaveLength(5);
    expect(h.fake.invalidBodies).toEqual([]);
  });
});

describe("writes GitHub stored but answered badly", () => {
  it.each([
    ["502", "stored-then-status"],
    ["a reset", "stored-then-reset"],
  ] as const)("a check run created and answered with %s is not created again: one run, completed", async (_name, mode) => {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "POST", path: /\/check-runs$/, mode, status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs"))).toHaveLength(1);
    expectOneResult(h);
    expect(h.fake.checkRuns).toHaveLength(1);
  });

  it.each([
    ["502", "stored-then-status"],
    ["a reset", "stored-then-reset"],
  ] as const)("a review stored and answered with %s is not posted again", async (_name, mode) => {
    const h = await start(shopRepository(), { retry: true });
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

  it("a create that failed before GitHub stored it is sent again", async () => {
    const h = await start(shopRepository(), { retry: true });
    h.fake.fail({ method: "POST", path: /\/check-runs$/, status: 502, times: 1 });
    await h.deliver("pull_request", opened(h));
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs")).map((r) => r.status)).toEqual([502, 201]);
    expectOneResult(h);
  });
});

describe("writes that keep failing", () => {
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
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.checkRuns[0]!.output.summary).not.toContain("could not be posted");
    expectOneResult(h);
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
    expect(h.fake.checkRuns).toHaveLength(1);
    expectOneResult(h);
  });
});
