/**
 * The review in a worker thread (src/github/review-worker.ts): the same result as inline, and every
 * way it can fail to finish (the deadline, memory, a full pool) ends as a `ReviewStopped` error, never
 * a hang. These run the real worker, loaded from the TypeScript sources.
 */
import { afterEach, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { computeReview, type ReviewComputeInput } from "../../src/github/review-compute.js";
import { ReviewPool, ReviewStopped } from "../../src/github/review-worker.js";
import { brokenBaseFile } from "../helpers/hostile.js";

/** A one-file pull request: `count` load balancers, broken in every base document (1 MB at 8,000). */
function input(count: number): ReviewComputeInput {
  const { base, head } = brokenBaseFile(count);
  return {
    base: [{ path: "k8s/big.yaml", text: base }],
    head: [{ path: "k8s/big.yaml", text: head }],
    config: configSchema.parse({}),
    files: [{ path: "k8s/big.yaml", patch: "@@ -1,2 +1,2 @@\n-a\n+b\n x\n" }],
    mergeBaseSha: "a".repeat(40),
    headSha: "b".repeat(40),
  };
}

const pools: ReviewPool[] = [];
function pool(options: ConstructorParameters<typeof ReviewPool>[0] = {}): ReviewPool {
  const created = new ReviewPool(options);
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function stopped(promise: Promise<unknown>): Promise<ReviewStopped> {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(ReviewStopped);
  return error as ReviewStopped;
}

describe("the review in a worker thread", () => {
  it("gives the result and the plan the inline review gives, and the worker serves the next review too", async () => {
    const workers = pool({ size: 1 });
    for (const count of [40, 3]) {
      const { result, plan } = computeReview(input(count));
      expect(await workers.compute(input(count))).toEqual({ result, plan });
    }
  }, 60_000);

  it("is terminated when the deadline passes during the review, and the pool still works afterwards", async () => {
    const workers = pool({ size: 1 });
    // Started and warm, so the deadline passes during the review, not while the worker loads.
    await workers.compute(input(2));
    // A 1 MB file broken on the base side takes seconds to review; the deadline is far shorter.
    const error = await stopped(workers.compute(input(8_000), AbortSignal.timeout(300)));
    expect(error.reason).toBe("deadline");
    expect(error.message).toContain("did not finish within the time one webhook delivery has");
    expect((await workers.compute(input(2))).result.conclusion).toBe("success");
  }, 60_000);

  it("a warmed pool reviews in the worker it started ahead, and warming twice starts no second one", async () => {
    const workers = pool({ size: 1 });
    workers.warm();
    workers.warm();
    expect(workers.threads).toBe(1);
    expect((await workers.compute(input(2))).result.conclusion).toBe("success");
    expect((await workers.compute(input(2))).result.conclusion).toBe("success");
    // The reviews ran in the warmed worker, which is idle again.
    expect(workers.threads).toBe(1);
  }, 60_000);

  it("does not start a review whose deadline has already passed", async () => {
    const error = await stopped(pool().compute(input(2), AbortSignal.abort()));
    expect(error.reason).toBe("deadline");
  });

  it("ends a review that needs more memory than its limit as an error naming the limit", async () => {
    const error = await stopped(pool({ memoryMb: 16 }).compute(input(8_000)));
    expect(error.reason).toBe("memory");
    expect(error.message).toBe("The review needed more than 16 MB of memory and was stopped.");
  }, 60_000);

  it("queues reviews beyond its size, and a queued review whose deadline passes gives up without waiting", async () => {
    const workers = pool({ size: 1 });
    const first = workers.compute(input(2_000));
    const queued = workers.compute(input(2), AbortSignal.timeout(50));
    expect((await stopped(queued)).reason).toBe("deadline");
    expect((await first).result.title).toBeTypeOf("string");
    expect((await workers.compute(input(2))).result.conclusion).toBe("success");
  }, 60_000);
});
