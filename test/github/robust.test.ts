/**
 * The app against a GitHub that fails, and against hostile input: each test states the end state GitHub
 * holds afterwards (runs, their conclusions, reviews, comments), through the real handler, Probot and
 * Octokit, over HTTP to the fake GitHub.
 */
import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, MAX_SUPPRESSIONS } from "../../src/config/load.js";
import { MAX_ANNOTATIONS, MAX_REVIEW_COMMENTS } from "../../src/github/limits.js";
import { ReviewPool } from "../../src/github/review-worker.js";
import { ERROR_TITLE } from "../../src/report/check-output.js";
import { brokenBaseFile } from "../helpers/hostile.js";
import type { FakeRepository, Tree } from "./fake-github.js";
import { calls, examplePayload, type Harness, type HarnessOptions, shopRepository, harnessPerTest } from "./harness.js";

const start = harnessPerTest();

async function open(repository: FakeRepository, options: HarnessOptions = {}) {
  const h = await start(repository, options);
  const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
  return { ...h, response };
}

/** Nothing left running, nothing GitHub would refuse. */
function expectSettled(h: Harness) {
  expect(h.fake.checkRuns.filter((run) => run.status !== "completed")).toEqual([]);
  expect(h.fake.invalidBodies).toEqual([]);
  expect(h.fake.invalidQueries).toEqual([]);
}

const service = (name: string, type: string, extra = "") =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  type: ${type}\n  selector:\n    app: ${name}\n  ports:\n    - port: 8080\n${extra}`;

/** A pull request that changes one file from `base` to `head` (undefined: no such file on that side). */
function oneFileRepository(path: string, base: string | undefined, head: string | undefined, extra: Partial<FakeRepository> = {}): FakeRepository {
  const mergeBase: Tree = new Map([["README.md", "# repo\n"]]);
  const headTree: Tree = new Map([["README.md", "# repo\n"]]);
  if (base !== undefined) mergeBase.set(path, base);
  if (head !== undefined) headTree.set(path, head);
  return { owner: "acme", name: "shop", mergeBase, head: headTree, pullNumber: 7, ...extra };
}

describe("fail closed: a changed manifest GitHub does not give", () => {
  it("a null head blob is an `unavailable` error naming the file, and the conclusion is at least neutral", async () => {
    const repository = shopRepository();
    const h = await start(repository);
    h.fake.nullBlobs.add(`${h.fake.shas.head}:k8s/web.yaml`);
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    const run = h.fake.checkRuns[0]!;
    expect(run.status).toBe("completed");
    expect(run.conclusion).toBe("failure"); // other files still fail it
    expect(run.output.summary).toContain("k8s/web.yaml");
    expect(run.annotations.filter((a) => a.path === "k8s/web.yaml").map((a) => a.title)).toEqual(["Not reviewed: unavailable"]);
    expectSettled(h);
  });

  it("a null base blob of a Service that becomes a public LoadBalancer never passes as success", async () => {
    const repository = oneFileRepository("k8s/api.yaml", service("api", "ClusterIP"), service("api", "LoadBalancer"));
    const h = await start(repository);
    h.fake.nullBlobs.add(`${h.fake.shas.mergeBase}:k8s/api.yaml`);
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    const run = h.fake.checkRuns[0]!;
    // The head's Service is what the merge deploys; with its base unknown it is reviewed as new.
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("Its base side could not be read (k8s/api.yaml)");
    expect(run.output.summary).toContain("k8s/api.yaml");
    expect(run.output.summary).toContain("unavailable");
    expectSettled(h);
  });

  it("a blob over GraphQL's 512,000 bytes whose raw read keeps failing is `unavailable`, not skipped", async () => {
    const padding = `# ${"x".repeat(98)}\n`.repeat(6000);
    const repository = oneFileRepository("k8s/big.yaml", undefined, `${padding}${service("big", "LoadBalancer")}`);
    const h = await start(repository, { retry: true });
    h.fake.fail({ method: "GET", path: /\/contents\/k8s%2Fbig\.yaml$/, status: 502, times: Infinity });
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("neutral");
    expect(run.annotations.map((a) => `${a.path} ${a.title}`)).toEqual(["k8s/big.yaml Not reviewed: unavailable"]);
    expect(String(run.annotations[0]!.message)).toContain("502");
    expectSettled(h);
  });
});

describe("bounded in time", () => {
  it("a hung answer times out, is retried, and the run completes with the error", async () => {
    const repository = shopRepository();
    const h = await start(repository, { retry: true, requestTimeoutMs: 300 });
    h.fake.fail({ method: "GET", path: /\/compare\//, mode: "hang", times: Infinity });
    const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(response.status).toBe(500);
    expect(h.fake.requests.filter((r) => r.path.includes("/compare/"))).toHaveLength(3);
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion}`)).toEqual(["completed failure"]);
    expect(h.fake.checkRuns[0]!.output.summary).toContain("aborted");
    expectSettled(h);
  });

  it("a reset connection is retried like a 5xx for a read", async () => {
    const repository = shopRepository();
    const h = await start(repository, { retry: true });
    h.fake.fail({ method: "GET", path: /\/compare\//, mode: "reset", times: 1 });
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion}`)).toEqual(["completed failure"]);
    expect(h.fake.checkRuns[0]!.output.title).not.toBe(ERROR_TITLE);
    expect(h.fake.reviews).toHaveLength(1);
    expectSettled(h);
  });
});

describe("the answer does not wait for the review", () => {
  it("a 1 MB file broken on the base side: answered 202 while the worker reviews it, then the run completes with the result", async () => {
    const { base, head } = brokenBaseFile(8_000);
    const repository = oneFileRepository("k8s/big.yaml", base, head);
    // The answer is due the moment the review starts (an injected clock): on the event loop, the review
    // would run to its end before the answer could be sent.
    const h = await start(repository, { answerWhenLogged: '"msg":"review started"', patchLimitLines: 100_000 });
    const { response, done } = await h.send("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    // What GitHub has when the answer arrives: the review is still running, nothing is published.
    const logsAtAnswer = h.logs.join("");
    const runsAtAnswer = h.fake.checkRuns.map((run) => run.status);
    expect(response.status).toBe(202);
    expect(logsAtAnswer).toContain('"msg":"review started"');
    expect(logsAtAnswer).not.toContain('"msg":"review computed"');
    expect(runsAtAnswer).toEqual(["in_progress"]);
    await done;
    expect(h.logs.join("")).toContain('"msg":"review computed"');
    const run = h.fake.checkRuns[0]!;
    expect(run.status).toBe("completed");
    expect(run.output.title).not.toBe(ERROR_TITLE);
    // Every head Service is hidden by its broken base document: none is reported as new.
    expect(run.output.summary).toContain("k8s/big.yaml");
    expectSettled(h);
  }, 120_000);

  it("a review that needs more memory than the worker may use ends the run as an error saying so", async () => {
    const { base, head } = brokenBaseFile(8_000);
    const repository = oneFileRepository("k8s/big.yaml", base, head);
    const reviewPool = new ReviewPool({ memoryMb: 16 });
    try {
      const h = await open(repository, { reviewPool, patchLimitLines: 100_000 });
      expect(h.response.status).toBe(500);
      expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion} ${run.output.title}`)).toEqual([`completed failure ${ERROR_TITLE}`]);
      expect(h.fake.checkRuns[0]!.output.summary).toContain("The review needed more than 16 MB of memory and was stopped.");
      expect(h.fake.reviews).toEqual([]);
      expectSettled(h);
    } finally {
      await reviewPool.close();
    }
  }, 120_000);
});

describe("clean answers to signed events that are not usable webhooks", () => {
  it.each([
    ["an event named __proto__", "__proto__", (p: Record<string, unknown>) => p],
    ["an event name with a slash", "pull_request/x", (p: Record<string, unknown>) => p],
    ["a pull_request without repository", "pull_request", ({ repository: _r, ...p }: Record<string, unknown>) => p],
    ["a pull_request without pull_request", "pull_request", ({ pull_request: _p, ...p }: Record<string, unknown>) => p],
    ["a pull_request whose head sha is not one", "pull_request", (p: Record<string, any>) => ({ ...p, pull_request: { ...p.pull_request, head: { sha: "../x" } } })],
  ])("answers 400 to %s, and calls GitHub not once", async (_name, event, change) => {
    const h = await start(shopRepository());
    const payload = change(examplePayload(h.fake, h.repository, "pull_request", "opened"));
    const response = await h.deliver(event, payload);
    expect(response.status).toBe(400);
    expect(h.fake.requests).toEqual([]);
  });

  it("answers 200 without work to an event it does not review", async () => {
    const h = await start(shopRepository());
    expect((await h.deliver("ping", { zen: "Keep it logically awesome.", hook_id: 1 })).status).toBe(200);
    expect(h.fake.requests).toEqual([]);
  });

  it("answers 413 to a body over GitHub's 25 MB, before checking anything", async () => {
    const h = await start(shopRepository());
    const body = JSON.stringify({ padding: "x".repeat(25 * 1024 * 1024) });
    expect((await h.deliver("pull_request", {}, { body })).status).toBe(413);
    expect(h.fake.requests).toEqual([]);
  });
});

describe("config read like the CLI reads it", () => {
  it("refuses _extends: .. before any request, on the check", async () => {
    const h = await open(shopRepository({ config: "_extends: ..\n" }));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("_extends");
    expect(calls(h.fake).filter((call) => call.includes("/contents/"))).toEqual(["GET /repos/acme/shop/contents/.github%2Fexposure.yml"]);
    expect(calls(h.fake).some((call) => call.startsWith("GET /repos/contents"))).toBe(false);
    expectSettled(h);
  });

  it("reports an extended config that does not exist on the check, naming it", async () => {
    const h = await open(shopRepository({ config: "_extends: acme/policies\n" }));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("acme/policies:.github/exposure.yml does not exist");
    expect(h.fake.reviews).toEqual([]);
    expectSettled(h);
  });

  it("merges an extended config: the extending file wins, suppressions add up", async () => {
    const h = await open(
      shopRepository({
        config: '_extends: policies:org/exposure.yml\nrules:\n  nodeport: "off"\n',
        otherFiles: { "acme/policies:org/exposure.yml": 'rules:\n  nodeport: failure\n  sensitive-port-exposed: "off"\n' },
      }),
    );
    const shown = everythingShown(h);
    expect(shown).not.toContain("nodeport");
    expect(shown).not.toContain("sensitive-port-exposed");
    expect(shown).toContain("public-without-tls");
    expectSettled(h);
  });

  it("reads the org .github repository's config when the repository has none", async () => {
    const h = await open(shopRepository({ otherFiles: { "acme/.github:.github/exposure.yml": 'rules:\n  nodeport: "off"\n' } }));
    expect(everythingShown(h)).not.toContain("nodeport");
    expect(everythingShown(h)).toContain("public-without-tls");
  });

  it.each([
    ["a __proto__ key", "__proto__:\n  drafts: false\n", 'unknown key "__proto__"'],
    ["a __proto__ rule", "rules:\n  __proto__: failure\n", 'unknown rule id "__proto__"'],
    ["a file over the size limit", `# ${"x".repeat(MAX_CONFIG_BYTES)}\n`, `over the limit of ${MAX_CONFIG_BYTES}`],
    [
      "too many suppressions",
      `suppressions:\n${'  - rule: nodeport\n    object: "Service/shop/*"\n'.repeat(MAX_SUPPRESSIONS + 1)}`,
      `${MAX_SUPPRESSIONS + 1} suppressions, over the limit of ${MAX_SUPPRESSIONS}`,
    ],
  ])("fails the check on %s, as the CLI refuses it", async (_name, config, message) => {
    const h = await open(shopRepository({ config }));
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain(message);
    expect(h.fake.reviews).toEqual([]);
    expectSettled(h);
  });

  it("applies a changed config at once: the cache is keyed by the file's content", async () => {
    const h = await open(shopRepository({ config: 'rules:\n  nodeport: "off"\n' }));
    expect(h.fake.checkRuns[0]!.output.summary).not.toContain("nodeport");
    h.repository.config = "rules:\n  nodeport: failure\n";
    await h.deliver("check_run", rerun(h));
    expect(h.fake.checkRuns.at(-1)!.output.summary).toContain("nodeport");
  });
});

/** Rule ids appear, lowercase, only where a finding of that rule is shown (markers, links, titles). */
function everythingShown(h: Harness): string {
  return JSON.stringify([h.fake.checkRuns.map((run) => [run.output, run.annotations]), h.fake.reviews.map((r) => r.body), h.fake.reviewComments.map((c) => c.body)]);
}

function rerun(h: Harness & { repository: FakeRepository }) {
  const payload = examplePayload(h.fake, h.repository, "check_run", "rerequested");
  const run = h.fake.checkRuns.at(-1)!;
  Object.assign(payload.check_run, { id: run.id, name: run.name, head_sha: run.head_sha, status: run.status, conclusion: run.conclusion, external_id: run.external_id, pull_requests: [] });
  payload.check_run.app.id = 4242;
  return payload;
}

describe("bounded in size", () => {
  it("6,780 public LoadBalancers in one file: a few hundred annotations and comments, the rest counted", async () => {
    // About 680 KB: under the 1 MiB manifest limit, over GraphQL's 512,000 bytes (read raw).
    const head = Array.from({ length: 6780 }, (_, index) => `apiVersion: v1\nkind: Service\nmetadata: {name: lb-${index}, namespace: s}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n`).join("---\n");
    const repository = oneFileRepository("k8s/lbs.yaml", undefined, head);
    // A loaded test machine can take longer than the 45 s delivery deadline for 6,780 objects.
    const h = await open(repository, { patchLimitLines: 100_000, reviewDeadlineMs: 300_000 });
    const run = h.fake.checkRuns[0]!;
    expect(run.status).toBe("completed");
    expect(run.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(h.fake.requests.filter((r) => r.method === "PATCH")).toHaveLength(MAX_ANNOTATIONS / 50);
    expect(run.output.text).toMatch(/^\d+ more annotations are not shown/);
    expect(h.fake.reviews).toHaveLength(1);
    expect(h.fake.reviewComments).toHaveLength(MAX_REVIEW_COMMENTS);
    expect(h.fake.reviews[0]!.body.length).toBeLessThanOrEqual(65_536);
    expect(h.fake.reviews[0]!.body).toMatch(/\d+ more findings on changed lines are not commented inline/);
    expectSettled(h);
  }, 90_000);

  it("a 500 KB object name: the review and every comment stay within 65,536 characters, and are posted", async () => {
    const name = "a".repeat(500_000);
    const repository = oneFileRepository("k8s/long.yaml", service(name, "ClusterIP"), service(name, "NodePort"));
    const h = await open(repository);
    expect(h.fake.checkRuns[0]!.status).toBe("completed");
    for (const review of h.fake.reviews) expect(review.body.length).toBeLessThanOrEqual(65_536);
    for (const comment of h.fake.reviewComments) expect(comment.body.length).toBeLessThanOrEqual(65_536);
    expect(h.fake.checkRuns[0]!.output.summary!.length).toBeLessThanOrEqual(65_535);
    expectSettled(h);
  });

  it("an unterminated flow map at the end of a file: the annotation stays on the file's last line", async () => {
    const repository = oneFileRepository("k8s/broken.yaml", service("x", "ClusterIP"), "apiVersion: v1\nkind: Service\nmetadata: {name: x\n");
    // No patch (as for a diff GitHub finds too large): no review comment covers the error, the annotation shows it.
    const h = await open(repository, { patchLimitLines: 1 });
    const annotation = h.fake.checkRuns[0]!.annotations.find((a) => a.path === "k8s/broken.yaml")!;
    expect(annotation).toMatchObject({ start_line: 3, end_line: 3 });
    expectSettled(h);
  });
});
