/**
 * The review off the event loop that answers GitHub. Parsing and reviewing a hostile pull request can
 * hold the CPU for seconds; run on the event loop, it would stop the "answer within 8 s" timer and the
 * delivery's deadline from firing (a webhook answered at 64 s, or never). So the App hands the CPU-bound
 * part (src/github/review-compute.ts) to a worker thread, with
 *
 * - a memory limit (`resourceLimits`): a review that needs more ends as an error on the check run, not
 *   as an instance killed by Netlify with the run left in progress;
 * - the delivery's deadline: when it passes, the worker is terminated (`terminate()` stops even a
 *   thread stuck in a regular expression) and the review ends as an error, never a hang;
 * - a small pool per instance (`REVIEW_WORKERS`), reused between deliveries, so a warm instance does not
 *   pay a worker's start-up on every delivery and concurrent deliveries cannot start unbounded threads.
 *
 * Why a worker rather than "answer first, then compute": Netlify Functions send the response when the
 * handler's promise settles, and what runs after it (`context.waitUntil`) shares the event loop with the
 * runtime that writes the response; only a second thread makes the answer independent of the review.
 * Background Functions would also work but need a paid plan and retry on their own (docs/design.md).
 *
 * The worker's entry is this module itself, found through `import.meta.url`, which is
 * - the compiled module (dist/github/review-worker.js) when run from the package;
 * - the bundle when esbuild bundled the function or the Action: the whole bundle is then loaded in the
 *   worker, and the check below, at the top level of a module every bundle holding the pool contains,
 *   starts serving; nothing else in the function's bundle runs at import;
 * - the TypeScript source under a TypeScript loader (the tests, the bench): the worker registers tsx
 *   first, since a loader given as `--import` does not reach a worker thread on Node 20.
 * No separate file needs to ship, so Netlify's bundling (esbuild or its file tracer) needs no
 * `included_files` entry.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { type ComputedReview, computeReview, type ReviewComputeInput } from "./review-compute.js";

/** The old-generation heap a review may use. Two workers and the main thread stay inside Netlify's 1024 MB. */
export const REVIEW_MEMORY_MB = 384;
/** Reviews one instance runs at once; more wait their turn (inside their own deadline). */
export const REVIEW_WORKERS = 2;

const WORKER_FLAG = "exposureReviewWorker";

interface Job {
  id: number;
  input: ReviewComputeInput;
}
type Reply = { id: number; output: ComputedReview } | { id: number; error: { message: string; stack?: string } };

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG] === true) serve(parentPort);

function serve(port: NonNullable<typeof parentPort>): void {
  port.on("message", ({ id, input }: Job) => {
    let reply: Reply;
    try {
      // The report stays here: the App publishes the result and the plan, and cloning every object back costs time.
      const { result, plan } = computeReview(input);
      reply = { id, output: { result, plan } };
    } catch (error) {
      reply = { id, error: error instanceof Error ? { message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) } };
    }
    port.postMessage(reply);
  });
}

/** Why a review in a worker did not finish: its message is what the check run shows. */
export class ReviewStopped extends Error {
  constructor(
    readonly reason: "deadline" | "memory" | "crash",
    message: string,
  ) {
    super(message);
    this.name = "ReviewStopped";
  }
}

export interface ReviewPoolOptions {
  size?: number;
  memoryMb?: number;
}

export class ReviewPool {
  readonly size: number;
  readonly memoryMb: number;
  private readonly idle: Worker[] = [];
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private nextId = 0;

  constructor({ size = REVIEW_WORKERS, memoryMb = REVIEW_MEMORY_MB }: ReviewPoolOptions = {}) {
    this.size = size;
    this.memoryMb = memoryMb;
  }

  /**
   * Reviews `input` in a worker. Rejects with `ReviewStopped` when `deadline` aborts (before or while the
   * worker runs: it is then terminated), when the review needs more than `memoryMb`, or when the worker
   * dies; with the review's own error when it throws.
   */
  async compute(input: ReviewComputeInput, deadline?: AbortSignal): Promise<ComputedReview> {
    await this.turn(deadline);
    try {
      // An abort listener added after the abort never fires: check once more now the turn has come.
      if (deadline?.aborted) throw stoppedAtDeadline();
      return await this.run(this.idle.pop() ?? this.spawn(), input, deadline);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Workers started and alive: idle ones and those reviewing. */
  get threads(): number {
    return this.idle.length + this.running;
  }

  /**
   * Starts one worker ahead of the first review, so it loads (hundreds of ms on a cold instance) while the
   * delivery reads from GitHub. Idle, it does not keep the process alive.
   */
  warm(): void {
    if (this.idle.length > 0 || this.running > 0) return;
    const worker = this.spawn();
    worker.unref();
    this.idle.push(worker);
  }

  /** Stops every idle worker (a busy one stops when its review ends or its deadline passes). */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((worker) => worker.terminate()));
  }

  /** Waits for a free worker, or rejects when the deadline passes first. */
  private async turn(deadline: AbortSignal | undefined): Promise<void> {
    if (deadline?.aborted) throw stoppedAtDeadline();
    if (this.running < this.size) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        deadline?.removeEventListener("abort", giveUp);
        this.running++;
        resolve();
      };
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(go), 1);
        reject(stoppedAtDeadline());
      };
      this.waiting.push(go);
      deadline?.addEventListener("abort", giveUp, { once: true });
    });
  }

  private run(worker: Worker, input: ReviewComputeInput, deadline: AbortSignal | undefined): Promise<ComputedReview> {
    const id = ++this.nextId;
    return new Promise<ComputedReview>((resolve, reject) => {
      const done = (keep: boolean) => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        deadline?.removeEventListener("abort", onDeadline);
        if (keep) {
          // An idle worker must not keep a process (the bench, a test run) alive.
          worker.unref();
          this.idle.push(worker);
        } else {
          void worker.terminate();
        }
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        done(true);
        if ("output" in reply) resolve(reply.output);
        else reject(Object.assign(new Error(reply.error.message), reply.error.stack ? { stack: reply.error.stack } : {}));
      };
      const onError = (error: Error & { code?: string }) => {
        done(false);
        reject(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new ReviewStopped("memory", `The review needed more than ${this.memoryMb} MB of memory and was stopped.`)
            : new ReviewStopped("crash", `The review's worker failed: ${error.message}`),
        );
      };
      const onExit = (code: number) => {
        done(false);
        reject(new ReviewStopped("crash", `The review's worker stopped unexpectedly (exit code ${code}).`));
      };
      const onDeadline = () => {
        done(false);
        reject(stoppedAtDeadline());
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      deadline?.addEventListener("abort", onDeadline, { once: true });
      worker.ref();
      worker.postMessage({ id, input } satisfies Job);
    });
  }

  private spawn(): Worker {
    const worker = startWorker({ workerData: { [WORKER_FLAG]: true }, resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    // An idle worker that dies leaves the pool; without a listener its error would end the process.
    const drop = () => {
      const index = this.idle.indexOf(worker);
      if (index >= 0) this.idle.splice(index, 1);
    };
    worker.on("error", drop);
    worker.on("exit", drop);
    return worker;
  }
}

function startWorker(options: { workerData: object; resourceLimits: { maxOldGenerationSizeMb: number } }): Worker {
  const entry = import.meta.url;
  if (!entry.endsWith(".ts")) return new Worker(new URL(entry), options);
  // Running from the TypeScript sources: register tsx in the worker, then load this module.
  const tsx = new URL("dist/esm/api/index.mjs", pathToFileURL(createRequire(entry).resolve("tsx/package.json"))).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function stoppedAtDeadline(): ReviewStopped {
  return new ReviewStopped(
    "deadline",
    "The review did not finish within the time one webhook delivery has and was stopped. Manifests this large or this unusual cannot be reviewed by the app; the command line reviews them without this limit.",
  );
}

let shared: ReviewPool | undefined;

/** The instance's pool: one per process, as a warm Netlify instance is one process. */
export function sharedReviewPool(): ReviewPool {
  return (shared ??= new ReviewPool());
}
