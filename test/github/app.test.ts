/**
 * End to end: the real webhook handler, real Probot and Octokit, over HTTP to the fake GitHub.
 * Nothing in the process is mocked; assertions are on what the fake received and stored.
 */
import { describe, expect, it, vi } from "vitest";
import defaultHandler, { createWebhookHandler } from "../../functions/github-webhooks.js";
import { CHECK_NAME, openCheckRun, STALE_RUN_MS } from "../../src/github/check-run.js";
import { ReviewOctokit } from "../../src/github/octokit.js";
import type { GitHub } from "../../src/github/pull-request.js";
import { ERROR_TITLE, RERUN_ACTION, supersededText } from "../../src/report/check-output.js";
import type { FakeRepository } from "./fake-github.js";
import {
  APP_ID,
  calls,
  checkRunPayload,
  checkSuitePayload,
  examplePayload,
  type Harness,
  type HarnessOptions,
  manyFilesRepository,
  PRIVATE_KEY,
  shopRepository,
  harnessPerTest,
  WEBHOOK_SECRET,
} from "./harness.js";

const start = harnessPerTest();

async function open(repository: FakeRepository, options: HarnessOptions = {}, action = "opened") {
  const h = await start(repository, options);
  const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", action));
  return { ...h, response };
}

/** The shop fixture's title: its most important finding, then how many more there are. */
const SHOP_TITLE = "❌ shop/metrics: plain HTTP on TCP/80 public (+2 failures, +4 warnings)";
/**
 * GitHub sends no patch (a diff too large to show): no line can take a review comment, so every finding
 * is an annotation. The tests about annotation bookkeeping use it to have annotations to keep in step.
 */
const NO_PATCHES: HarnessOptions = { patchLimitLines: 0 };

const writes = (h: Harness) => calls(h.fake).filter((call) => !call.startsWith("GET "));
/** How many times a completed run was set back to in_progress. */
const resets = (h: Harness) => h.fake.requests.filter((r) => r.method === "PATCH" && (r.body as { status?: string }).status === "in_progress").length;

describe("pull_request.opened on the shop fixture", () => {
  it("completes the check run with the conclusion and the title, and annotates nothing an inline comment shows", async () => {
    const h = await open(shopRepository());
    expect(h.response.status).toBe(200);
    expect(h.fake.invalidBodies).toEqual([]);
    expect(h.fake.checkRuns).toHaveLength(1);
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ name: CHECK_NAME, head_sha: h.fake.shas.head, status: "completed", conclusion: "failure", external_id: expect.stringMatching(/^pr:7:[0-9a-f]+$/) });
    expect(run.output.title).toBe(SHOP_TITLE);
    // Every finding of the shop change sits in a review comment on the line that caused it.
    expect(run.annotations).toEqual([]);
    expect(run.actions).toEqual([RERUN_ACTION]);
    expect(run.output.summary).toContain("merge base `" + h.fake.shas.mergeBase.slice(0, 7) + "`");
  });

  it("annotates every finding on its line when the diff cannot take comments", async () => {
    const h = await open(shopRepository(), NO_PATCHES);
    const run = h.fake.checkRuns[0]!;
    expect(h.fake.reviewComments).toEqual([]);
    expect(run.annotations.map((a) => `${a.path}:${a.start_line}-${a.end_line} ${a.annotation_level} ${a.title}`)).toEqual([
      "k8s/api.yaml:12-12 warning LoadBalancer Service is public (public-loadbalancer)",
      "k8s/ingress.yaml:23-23 failure Public entry point without TLS (public-without-tls)",
      "k8s/metrics.yaml:7-7 warning LoadBalancer Service is public (public-loadbalancer)",
      "k8s/metrics.yaml:11-11 failure Public entry point without TLS (public-without-tls)",
      "k8s/renamed-cache.yaml:7-7 warning Service is type NodePort (nodeport)",
      "k8s/renamed-cache.yaml:11-11 failure Database, cache, queue or admin port exposed (sensitive-port-exposed)",
      "k8s/web.yaml:7-7 warning Service is type NodePort (nodeport)",
    ]);
    expect(run.actions).toEqual([RERUN_ACTION]);
    expect(run.output.summary).toContain("merge base `" + h.fake.shas.mergeBase.slice(0, 7) + "`");
  });

  it("reads base texts at the merge base, renamed files from their old path, and skips non-manifests", async () => {
    const h = await open(shopRepository());
    const graphql = h.fake.requests.filter((request) => request.path === "/graphql");
    expect(graphql).toHaveLength(1);
    const { variables } = graphql[0]!.body as { variables: Record<string, string> };
    const { mergeBase, head } = h.fake.shas;
    expect(Object.entries(variables).filter(([key]) => key.startsWith("e")).map(([, expression]) => expression)).toEqual([
      `${mergeBase}:k8s/api.yaml`,
      `${head}:k8s/api.yaml`,
      `${mergeBase}:k8s/ingress.yaml`,
      `${head}:k8s/ingress.yaml`,
      `${mergeBase}:k8s/legacy.yaml`,
      `${head}:k8s/metrics.yaml`,
      `${mergeBase}:k8s/old-cache.yaml`,
      `${head}:k8s/renamed-cache.yaml`,
      `${mergeBase}:k8s/web.yaml`,
      `${head}:k8s/web.yaml`,
    ]);
    // On the base branch's tip web is already a public LoadBalancer; against the merge base it is newly a NodePort.
    expect(h.fake.checkRuns[0]!.output.summary).not.toContain("narrowed");
  });

  it("posts one COMMENT review with one comment per object, on the changed line that caused it", async () => {
    const h = await open(shopRepository());
    expect(h.fake.reviews).toHaveLength(1);
    const review = h.fake.reviews[0]!;
    expect(review).toMatchObject({ event: "COMMENT", commit_id: h.fake.shas.head });
    expect(h.fake.reviewComments.map((c) => `${c.path}:${c.line}:${c.side}`)).toEqual([
      // api became public because the change deleted its internal-LB annotation (merge-base line 7).
      "k8s/api.yaml:7:LEFT",
      "k8s/ingress.yaml:23:RIGHT",
      // The failure's own line (the plain-HTTP port) leads; the LoadBalancer warning is listed inside.
      "k8s/metrics.yaml:11:RIGHT",
      "k8s/renamed-cache.yaml:7:RIGHT",
      "k8s/web.yaml:7:RIGHT",
    ]);
    for (const comment of h.fake.reviewComments) {
      const entry = h.fake.pullFiles.find((file) => file.filename === comment.path)!;
      expect((comment.side === "LEFT" ? entry.commentableLeft : entry.commentable).has(comment.line)).toBe(true);
    }
    const [api, ingress, metrics, cache] = h.fake.reviewComments;
    expect(api!.body).toMatch(/^⚠️ \*\*LoadBalancer made public\*\* on `Service shop\/api`/);
    expect(metrics!.body).toMatch(/^❌ \*\*plain HTTP on TCP\/80 public\*\*/);
    expect(metrics!.body).toContain("Also new on this Service:\n- ⚠️ **warning** [`public-loadbalancer`]");
    // The cache's NodePort line caused it: the comment sits there and leads with the failure, not the warning.
    expect(cache!.body).toMatch(/^❌ \*\*Redis 6379 open on every node via a new NodePort\*\*/);
    const withSuggestion = h.fake.reviewComments.filter((c) => c.body.includes("```suggestion"));
    // metrics.yaml's comment leads with its plain-HTTP failure, whose fix is no one-line edit.
    expect(withSuggestion.map((c) => c.path)).toEqual(["k8s/web.yaml"]);
    expect(withSuggestion[0]!.body).toContain("```suggestion\n  type: ClusterIP\n```");
    // The ingress fix edits spec.tls (line 10), which the diff does not touch: a comment without a suggestion.
    expect(ingress!.body).toContain("<!-- exposure-review:Ingress/shop/shop:public-without-tls@23 -->");
    // Every object was touched by the change: nothing is left for the body but the verdict.
    expect(review.body).toContain("<!-- exposure-review:head:" + h.fake.shas.head + " -->");
    expect(review.body).toContain(`: ${SHOP_TITLE}. 5 comments on the changed lines.`);
    expect(review.body).not.toContain("Findings on objects");
  });

  it("makes exactly these requests, in dependency order, each body valid against GitHub's OpenAPI schema", async () => {
    const h = await open(shopRepository());
    const { head, baseTip } = h.fake.shas;
    const made = calls(h.fake, { withToken: true });
    // The commit's runs are listed three times: before creating one, right after (the oldest run leads,
    // whichever instance created it), and once the run is completed (runs of concurrent deliveries take
    // its conclusion).
    expect([...made].sort()).toEqual([
      "GET /repos/acme/.github/contents/.github%2Fexposure.yml",
      `GET /repos/acme/shop/commits/${head}/check-runs`,
      `GET /repos/acme/shop/commits/${head}/check-runs`,
      `GET /repos/acme/shop/commits/${head}/check-runs`,
      `GET /repos/acme/shop/compare/${baseTip}...${head}`,
      "GET /repos/acme/shop/contents/.github%2Fexposure.yml",
      "GET /repos/acme/shop/pulls/7/comments",
      "GET /repos/acme/shop/pulls/7/reviews",
      "PATCH /repos/acme/shop/check-runs/1000",
      "POST /app/installations/77/access_tokens",
      "POST /graphql",
      "POST /repos/acme/shop/check-runs",
      "POST /repos/acme/shop/pulls/7/reviews",
    ]);
    const at = (call: string) => made.findIndex((made) => made.startsWith(call));
    expect(at("POST /app/installations")).toBe(0);
    expect(at("GET /repos/acme/shop/contents")).toBeLessThan(at("GET /repos/acme/.github/contents"));
    expect(at("GET /repos/acme/.github/contents")).toBeLessThan(at("POST /repos/acme/shop/check-runs"));
    expect(at("GET /repos/acme/shop/compare")).toBeLessThan(at("POST /graphql"));
    expect(at("POST /graphql")).toBeLessThan(at("PATCH"));
    expect(at("GET /repos/acme/shop/pulls/7/reviews")).toBeLessThan(at("POST /repos/acme/shop/pulls/7/reviews"));
    expect(h.fake.invalidBodies).toEqual([]);
    expect(h.fake.invalidQueries).toEqual([]);
  });

  it("never logs the private key, the webhook secret or an installation token", async () => {
    const h = await open(shopRepository());
    h.fake.fail({ method: "GET", path: /\/compare\//, status: 500, times: Infinity });
    await h.deliver("check_run", rerunPayload(h, "rerequested"));
    const logs = h.logs.join("\n");
    expect(logs.length).toBeGreaterThan(1000);
    expect(h.fake.tokens.length).toBeGreaterThan(0);
    const keyBody = PRIVATE_KEY.split("\n").slice(1, -2).join("");
    for (const secret of [WEBHOOK_SECRET, ...h.fake.tokens, ...PRIVATE_KEY.split("\n").slice(1, -2)]) expect(logs).not.toContain(secret);
    expect(logs.replaceAll("\n", "")).not.toContain(keyBody.slice(0, 64));
  });
});

describe("request budget", () => {
  it("is the same for 1, 30 and 300 changed manifests", async () => {
    const counts: number[] = [];
    for (const count of [1, 30, 300]) {
      const h = await open(manyFilesRepository(count));
      expect(h.fake.checkRuns[0]!.conclusion).toBe("neutral");
      expect(h.fake.reviewComments).toHaveLength(1);
      counts.push(h.fake.requests.length);
      console.log(`GitHub requests for ${count} changed manifests: ${h.fake.requests.length} (${calls(h.fake, { withToken: true }).map((c) => c.split(" ")[0] + " " + c.split("/").slice(-1)[0]).join(", ")})`);
      await h.close();
    }
    expect(counts).toEqual([13, 13, 13]);
  });

  it("pages pulls/files beyond the 300 files compare lists", async () => {
    const h = await open(manyFilesRepository(301));
    expect(calls(h.fake).filter((call) => call.includes("/pulls/9/files"))).toHaveLength(4);
    expect(h.fake.checkRuns[0]!.output.title).toBe("⚠️ bulk/svc-0: TCP/8080 open on every node via NodePort");
  });

  it("sends every annotation, 50 per request, when there are more than 50", async () => {
    const h = await open(manyFilesRepository(120, "all"), NO_PATCHES);
    const patches = h.fake.requests.filter((request) => request.method === "PATCH");
    expect(patches.map((request) => (request.body as { output: { annotations: unknown[] } }).output.annotations.length)).toEqual([50, 50, 20]);
    const run = h.fake.checkRuns[0]!;
    expect(run.annotations).toHaveLength(120);
    expect(new Set(run.annotations.map((a) => a.path)).size).toBe(120);
    expect(h.fake.reviewComments).toHaveLength(0);
    expect(h.fake.invalidBodies).toEqual([]);
  });
});

function rerunPayload(h: Harness & { repository: FakeRepository }, action: "rerequested" | "requested_action", options: { externalId?: string; identifier?: string } = {}) {
  return checkRunPayload(h.fake, h.repository, action, options);
}

describe("idempotency", () => {
  it("posts nothing on a redelivery of the same event", async () => {
    const h = await open(shopRepository());
    const payload = examplePayload(h.fake, h.repository, "pull_request", "opened");
    const before = h.fake.requests.length;
    const response = await h.deliver("pull_request", payload, { id: "delivery-1" });
    expect(response.status).toBe(200);
    expect(h.fake.requests.slice(before).map((r) => `${r.method} ${r.path.split("/").pop()}`).sort()).toEqual([
      "GET .github%2Fexposure.yml",
      "GET .github%2Fexposure.yml",
      "GET check-runs",
    ]);
    expect(h.fake.checkRuns).toHaveLength(1);
    expect(h.fake.reviews).toHaveLength(1);
  });

  it.each([
    ["GitHub reopens a completed run on request", false],
    // As GitHub staff described it (github.community/t/120566): the App never needs a reopen.
    ["GitHub keeps a completed run completed", true],
  ])("a re-run reviews the commit again in a new run that the old one points at: no run reopened, no review or comment twice (%s)", async (_name, completedRunsAreFinal) => {
    const h = await open(shopRepository(), { ...NO_PATCHES, completedRunsAreFinal });
    const [old] = h.fake.checkRuns;
    const annotations = structuredClone(old!.annotations);
    const before = h.fake.requests.length;
    const response = await h.deliver("check_run", rerunPayload(h, "rerequested"));
    expect(response.status).toBe(200);
    const [, fresh] = h.fake.checkRuns;
    expect(h.fake.checkRuns).toHaveLength(2);
    // A round of its own, so concurrent copies of the re-run agree on its oldest run (see concurrency.test.ts).
    expect(fresh).toMatchObject({ status: "completed", conclusion: "failure", external_id: expect.stringMatching(/^pr:7:[0-9a-f]+:redo-1000$/) });
    expect(fresh!.output.title).toBe(SHOP_TITLE);
    expect(fresh!.annotations).toEqual(annotations);
    expect(old).toMatchObject({ id: 1000, status: "completed", conclusion: "failure" });
    expect(old!.output).toMatchObject(supersededText({ reason: "redone", runUrl: `https://github.example/acme/shop/runs/${fresh!.id}` }));
    expect(old!.annotations).toEqual(annotations);
    const made = h.fake.requests.slice(before);
    expect(made.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /repos/acme/.github/contents/.github%2Fexposure.yml",
      // Listed before the claim, after creating (who leads the round), after completing (runs to settle).
      `GET /repos/acme/shop/commits/${h.fake.shas.head}/check-runs`,
      `GET /repos/acme/shop/commits/${h.fake.shas.head}/check-runs`,
      `GET /repos/acme/shop/commits/${h.fake.shas.head}/check-runs`,
      `GET /repos/acme/shop/compare/${h.fake.shas.baseTip}...${h.fake.shas.head}`,
      "GET /repos/acme/shop/contents/.github%2Fexposure.yml",
      "GET /repos/acme/shop/pulls/7",
      "GET /repos/acme/shop/pulls/7/comments",
      "GET /repos/acme/shop/pulls/7/reviews",
      "PATCH /repos/acme/shop/check-runs/1000",
      `PATCH /repos/acme/shop/check-runs/${fresh!.id}`,
      "POST /graphql",
      "POST /repos/acme/shop/check-runs",
    ]);
    expect(resets(h)).toBe(0);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviews[0]!.body.match(/<!-- exposure-review:[^h]/g)).toHaveLength(7);
    expect(h.fake.invalidBodies).toEqual([]);
  });

  it("a re-run after the default branch's config turned a rule off: the new run shows the new findings, the old one keeps its own and points at it", async () => {
    const h = await open(shopRepository(), NO_PATCHES);
    h.repository.config = 'rules:\n  nodeport: "off"\n';
    await h.deliver("check_run", rerunPayload(h, "rerequested"));
    expect(h.fake.checkRuns).toHaveLength(2);
    const [old, fresh] = h.fake.checkRuns;
    expect(fresh).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fresh!.output.title).toBe("❌ shop/metrics: plain HTTP on TCP/80 public (+2 failures, +2 warnings)");
    expect(fresh!.annotations.map((a) => `${a.path}:${a.start_line} ${a.title}`)).toEqual([
      "k8s/api.yaml:12 LoadBalancer Service is public (public-loadbalancer)",
      "k8s/ingress.yaml:23 Public entry point without TLS (public-without-tls)",
      "k8s/metrics.yaml:7 LoadBalancer Service is public (public-loadbalancer)",
      "k8s/metrics.yaml:11 Public entry point without TLS (public-without-tls)",
      "k8s/renamed-cache.yaml:11 Database, cache, queue or admin port exposed (sensitive-port-exposed)",
    ]);
    // GitHub cannot remove the old run's nodeport annotations: it carries the new conclusion and a pointer.
    expect(old).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(old!.output).toMatchObject(supersededText({ reason: "redone", runUrl: `https://github.example/acme/shop/runs/${fresh!.id}` }));
    expect(old!.annotations).toHaveLength(7);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.invalidBodies).toEqual([]);
  });

  it("a re-run that finds more shows every finding in the new run", async () => {
    const h = await open(shopRepository({ config: 'rules:\n  nodeport: "off"\n' }), NO_PATCHES);
    expect(h.fake.checkRuns[0]!.annotations).toHaveLength(5);
    delete h.repository.config;
    await h.deliver("check_run", rerunPayload(h, "requested_action"));
    expect(h.fake.checkRuns.map((run) => `${run.annotations.length} ${run.output.title}`)).toEqual(["5 Superseded by a re-run", `7 ${SHOP_TITLE}`]);
  });

  it("the Action's reopen reads every page of a run's annotations", async () => {
    const h = await open(manyFilesRepository(120, "all"), NO_PATCHES);
    const [run] = h.fake.checkRuns;
    const octokit = new ReviewOctokit({ auth: { token: h.fake.tokens.at(-1) }, baseUrl: h.fake.url, retry: { enabled: false }, throttle: { enabled: false } });
    const before = h.fake.requests.length;
    const opened = await openCheckRun(octokit as unknown as GitHub, { owner: "acme", repo: "bulk" }, run!.head_sha, 9, { id: run!.id, status: "completed", conclusion: run!.conclusion });
    const pages = h.fake.requests.slice(before).filter((r) => r.path.endsWith("/annotations"));
    expect(pages.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
    expect(opened.posted).toHaveLength(120);
    expect(opened.run).toMatchObject({ id: run!.id, status: "in_progress" });
  });

  it("a run a dead delivery left in progress is reviewed again, on the next delivery, in a new run that it points at", async () => {
    const repository = shopRepository();
    const h = await start(repository, NO_PATCHES);
    h.fake.fail({ method: "PATCH", path: /\/check-runs\//, status: 500, times: Infinity });
    expect((await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"))).status).toBe(500);
    expect(h.fake.checkRuns.map((run) => run.status)).toEqual(["in_progress"]);
    h.fake.faults.length = 0;
    // Older than any delivery can live: the delivery that opened it died.
    h.fake.checkRuns[0]!.started_at = new Date(Date.now() - STALE_RUN_MS - 1000).toISOString();
    const before = h.fake.requests.length;
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"), { id: "delivery-1" });
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion} ${run.annotations.length} ${run.output.title}`)).toEqual([
      "completed failure 0 Superseded by a re-run",
      `completed failure 7 ${SHOP_TITLE}`,
    ]);
    // Taking the run over is a new round (two deliveries finding it stale at once agree on one), never a reopen.
    expect(h.fake.checkRuns[1]!.external_id).toMatch(/:redo-1000$/);
    expect(h.fake.requests.slice(before).filter((r) => r.path.endsWith("/annotations"))).toEqual([]);
    expect(resets(h)).toBe(0);
  });

  it("finds the pull request of a re-run without a number (a fork) through the commit", async () => {
    const h = await open(shopRepository());
    await h.deliver("check_run", rerunPayload(h, "rerequested", { externalId: "" }));
    expect(calls(h.fake)).toContain(`GET /repos/acme/shop/commits/${h.fake.shas.head}/pulls`);
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion} ${run.output.title}`)).toEqual([
      "completed failure Superseded by a re-run",
      `completed failure ${SHOP_TITLE}`,
    ]);
    expect(h.fake.checkRuns[1]!.external_id).toMatch(/^pr:7:[0-9a-f]+:redo-1000$/);
  });

  it("re-runs on the Re-run button and on check_suite.rerequested, and ignores other actions and other apps' runs", async () => {
    const h = await open(shopRepository(), NO_PATCHES);
    const before = h.fake.requests.length;
    await h.deliver("check_run", rerunPayload(h, "requested_action", { identifier: "lgtm" }));
    const otherApp = rerunPayload(h, "rerequested");
    otherApp.check_run.app.id = APP_ID + 1;
    await h.deliver("check_run", otherApp);
    expect(h.fake.requests.length).toBe(before);
    await h.deliver("check_run", rerunPayload(h, "requested_action"));
    expect(h.fake.checkRuns).toHaveLength(2);
    await h.deliver("check_suite", checkSuitePayload(h.fake, h.repository));
    // Each re-run is a round that redoes the latest one: the second run redoes the first, the third the second.
    const [first, second] = h.fake.checkRuns.map((run) => run.id);
    expect(h.fake.checkRuns.map((run) => `${run.conclusion} ${run.annotations.length} ${run.external_id?.replace(/^pr:7:[0-9a-f]+/, "pr:7")} ${run.output.title}`)).toEqual([
      "failure 7 pr:7 Superseded by a re-run",
      `failure 7 pr:7:redo-${first} Superseded by a re-run`,
      `failure 7 pr:7:redo-${second} ${SHOP_TITLE}`,
    ]);
    expect(resets(h)).toBe(0);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.invalidBodies).toEqual([]);
  });
});

describe("webhook verification", () => {
  it.each([
    ["a wrong signature", { signature: "sha256=" + "0".repeat(64) }],
    ["no signature", { signature: null }],
  ])("answers 401 to %s and calls GitHub not once", async (_name, init) => {
    const h = await start(shopRepository());
    const response = await h.deliver("pull_request", examplePayload(h.fake, h.repository, "pull_request", "opened"), init);
    expect(response.status).toBe(401);
    expect(h.fake.requests).toEqual([]);
  });

  it("answers 400 to a signed body that is not a webhook", async () => {
    const h = await start(shopRepository());
    expect((await h.deliver("pull_request", {}, { body: "not json" })).status).toBe(400);
    expect((await h.deliver("pull_request", {}, { event: null })).status).toBe(400);
    expect((await h.deliver("pull_request", {}, { id: null })).status).toBe(400);
    expect((await h.deliver("pull_request", {}, { body: "[1]" })).status).toBe(400);
    expect(h.fake.requests).toEqual([]);
  });

  it("refuses to start without WEBHOOK_SECRET, APP_ID or PRIVATE_KEY, and with a key that is not one", async () => {
    expect(() => createWebhookHandler({ env: { APP_ID: "1", PRIVATE_KEY } })).toThrow(
      "exposure-review: set WEBHOOK_SECRET (see docs/github-app.md); refusing to start",
    );
    expect(() => createWebhookHandler({ env: {} })).toThrow("set WEBHOOK_SECRET, APP_ID, PRIVATE_KEY");
    expect(() => createWebhookHandler({ env: { APP_ID: "1", WEBHOOK_SECRET, PRIVATE_KEY: "not a key" } })).toThrow("PRIVATE_KEY is not a PEM private key");
    const escaped = PRIVATE_KEY.replaceAll("\n", "\\n");
    const base64 = Buffer.from(PRIVATE_KEY).toString("base64");
    for (const key of [PRIVATE_KEY, escaped, base64]) {
      expect(() => createWebhookHandler({ env: { APP_ID: "1", WEBHOOK_SECRET, PRIVATE_KEY: key } })).not.toThrow();
    }
    vi.stubEnv("WEBHOOK_SECRET", "");
    await expect(defaultHandler(new Request("http://x/api/github/webhooks", { method: "POST" }), {} as never)).rejects.toThrow("WEBHOOK_SECRET");
    vi.unstubAllEnvs();
  });

  it("answers 202 when the review outlasts the answer budget, and finishes it under waitUntil", async () => {
    const h = await open(shopRepository(), { answerWithinMs: 0 });
    expect(h.response.status).toBe(202);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(h.fake.reviews).toHaveLength(1);
  });
});

describe("configuration", () => {
  it("fails the check run naming the field of a broken exposure.yml, and posts nothing else", async () => {
    const h = await open(shopRepository({ config: "rules:\n  nodeprot: failure\nconclusion:\n  warnings: maybe\n" }));
    expect(h.response.status).toBe(200);
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.title).toBe("Invalid .github/exposure.yml: rules.nodeprot, conclusion.warnings");
    expect(run.output.summary).toContain("| `rules.nodeprot` |");
    expect(run.output.summary).toContain("nodeport");
    expect(run.output.summary).toContain("| `conclusion.warnings` |");
    expect(run.annotations).toEqual([]);
    expect(h.fake.reviews).toEqual([]);
    expect(calls(h.fake).some((call) => call.includes("/compare/") || call.includes("graphql"))).toBe(false);
  });

  it("fails the check run on YAML that does not parse", async () => {
    const h = await open(shopRepository({ config: "rules: [nodeport\n" }));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("Invalid .github/exposure.yml");
    // Read by the CLI's own loader: the YAML problem with its column, as `exposure-review --config` says it.
    expect(run.output.summary).toContain("YAML: Flow sequence in block collection must be sufficiently indented");
  });

  it("applies the default branch's config: severities and paths", async () => {
    const h = await open(shopRepository({ config: "rules:\n  public-without-tls: warning\n  sensitive-port-exposed: \"off\"\npaths:\n  exclude: [\"k8s/metrics.yaml\"]\n" }));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ shop/cache: TCP/30079 open on every node via NodePort (+3 warnings)");
    const { variables } = h.fake.requests.find((r) => r.path === "/graphql")!.body as { variables: Record<string, string> };
    expect(Object.values(variables).some((expression) => expression.endsWith("k8s/metrics.yaml"))).toBe(false);
  });

  it("skips a draft when drafts: false, and reviews it when ready", async () => {
    const repository = shopRepository({ config: "drafts: false\n", draft: true });
    const h = await open(repository);
    expect(h.fake.checkRuns).toEqual([]);
    expect(writes(h)).toEqual([]);
    h.repository.draft = false;
    await h.deliver("pull_request", examplePayload(h.fake, h.repository, "pull_request", "ready_for_review"));
    expect(h.fake.checkRuns.map((run) => run.conclusion)).toEqual(["failure"]);
  });

  it("reviews drafts by default", async () => {
    const h = await open(shopRepository({ draft: true }));
    expect(h.fake.checkRuns.map((run) => run.conclusion)).toEqual(["failure"]);
  });
});

describe("GitHub errors", () => {
  it("retries a 500 and a secondary rate limit, then completes", async () => {
    const repository = shopRepository();
    const h = await start(repository, { retry: true });
    h.fake.fail({ method: "PATCH", path: /\/check-runs\//, status: 500, times: 1 });
    h.fake.fail({
      method: "POST",
      path: /\/reviews$/,
      status: 403,
      times: 1,
      headers: { "retry-after": "1" },
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    });
    const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(response.status).toBe(200);
    expect(h.fake.requests.filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([500, 200]);
    expect(h.fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/reviews")).map((r) => r.status)).toEqual([403, 200]);
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(h.fake.reviews).toHaveLength(1);
  });

  it("completes the check run with the error when a call keeps failing", async () => {
    const repository = shopRepository();
    const h = await start(repository, { retry: true, ...NO_PATCHES });
    h.fake.fail({ method: "POST", path: /^\/graphql$/, status: 502, times: Infinity, message: "Bad Gateway" });
    const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(response.status).toBe(502);
    // One attempt and REQUEST_RETRIES (2) retries.
    expect(h.fake.requests.filter((r) => r.path === "/graphql")).toHaveLength(3);
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.title).toBe(ERROR_TITLE);
    expect(run.output.summary).toContain("(HTTP 502)");
    expect(h.fake.reviews).toEqual([]);
    // The run that ended in an error is not "already reviewed": a redelivery reviews again, in a new run
    // (concurrent redoes agree on the oldest new one), and the errored run carries its conclusion.
    h.fake.faults.length = 0;
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(h.fake.checkRuns.map((r) => `${r.id} ${r.conclusion} ${r.annotations.length} ${r.output.title}`)).toEqual([
      "1000 failure 0 Superseded by a re-run",
      `1001 failure 7 ${SHOP_TITLE}`,
    ]);
    expect(h.fake.checkRuns[0]!.output.summary).toContain(String(h.fake.checkRuns[1]!.id));
  });
});

describe("files", () => {
  it("passes a PR without manifests as success and posts no review", async () => {
    const base = new Map([["README.md", "# Shop\n"], ["k8s/web.yaml", "kind: Service\n"]]);
    const head = new Map([["README.md", "# Shop!\n"], ["k8s/web.yaml", "kind: Service\n"]]);
    const h = await open({ owner: "acme", name: "docs", mergeBase: base, head, pullNumber: 3 });
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ conclusion: "success", output: { title: "No Kubernetes manifests changed" } });
    expect(run.output.summary).toBe(
      "The one changed file does not match `paths` in `.github/exposure.yml` (`**/*.yaml`, `**/*.yml`, `**/*.json`), so there is no exposure to review.",
    );
    expect(h.fake.reviews).toEqual([]);
    expect(calls(h.fake).some((call) => call.includes("graphql"))).toBe(false);
  });

  it("reads a blob GraphQL truncates raw, skips one over the size limit, and reports a binary one", async () => {
    const repository = shopRepository();
    const padding = `# ${"x".repeat(98)}\n`.repeat(6000); // 600,000 bytes: over GraphQL's 512,000, under 1 MiB
    repository.head.set("k8s/big.yaml", `${padding}apiVersion: v1\nkind: Service\nmetadata:\n  name: big\n  namespace: shop\nspec:\n  type: NodePort\n  ports:\n    - port: 8080\n`);
    repository.head.set("k8s/huge.yaml", `# ${"y".repeat(1_100_000)}\n`);
    repository.head.set("k8s/snapshot.yaml", new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x00, 0x01]));
    const h = await open(repository, NO_PATCHES);
    const raw = h.fake.requests.filter((r) => r.path.includes("/contents/") && r.query.has("ref"));
    expect(raw.map((r) => `${r.path} ${r.query.get("ref")}`)).toEqual([`/repos/acme/shop/contents/k8s%2Fbig.yaml ${h.fake.shas.head}`]);
    const run = h.fake.checkRuns[0]!;
    const notReviewed = run.annotations.filter((a) => String(a.title).startsWith("Not reviewed")).map((a) => `${a.path} ${a.title}`);
    expect(notReviewed).toEqual(["k8s/huge.yaml Not reviewed: too-large", "k8s/snapshot.yaml Not reviewed: binary"]);
    expect(run.annotations.some((a) => a.path === "k8s/big.yaml" && a.start_line === 6007)).toBe(true);
  });
});
