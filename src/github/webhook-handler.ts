/**
 * Web `Request` -> `Response` for GitHub webhooks, around one Probot per warm instance.
 * Kept apart from functions/github-webhooks.ts so tests build handlers with their own env and overrides.
 *
 * Answers: 413 for a body over GitHub's 25 MB (counted while reading), 401 for a missing or wrong
 * X-Hub-Signature-256 (checked on the raw body, before anything is parsed), 400 for a signed body that is
 * not a usable webhook (not JSON, an event name that is not one, a handled event without the fields the
 * app reads), 200 for an event the app does not review, then 200 when the review finished in time, 202
 * when it is still running (it continues under `waitUntil`), or the error's status.
 *
 * Every GitHub request of a delivery shares a deadline (`REVIEW_DEADLINE_MS`), inside Netlify's 60 s.
 * The CPU-bound review runs in a worker thread (src/github/review-worker.ts), so this event loop stays
 * free: the 202 goes out on time however long a hostile pull request takes, and the deadline stops the
 * worker (the run then completes as an error).
 */
import { createPrivateKey } from "node:crypto";
import { createProbot, type Options, type Probot } from "probot";
import { exposureReviewApp } from "../app.js";
import { currentDeadline, ReviewOctokit, withDeadline } from "./octokit.js";
import { type ReviewPool, sharedReviewPool } from "./review-worker.js";
import { BodyTooLarge, checkEvent, readBody } from "./webhook-payload.js";

export const REQUIRED_ENV = ["WEBHOOK_SECRET", "APP_ID", "PRIVATE_KEY"] as const;

/**
 * GitHub closes a delivery after 10 s. A review that is not done by then is answered 202 and finishes
 * under `waitUntil`; 8 s leaves room for a cold start and the network.
 */
export const ANSWER_WITHIN_MS = 8000;

/**
 * How long a delivery's GitHub requests may run: Netlify stops a function at 60 s, and the write that
 * completes the check run (exempt from this deadline) needs the rest.
 */
export const REVIEW_DEADLINE_MS = 45_000;

export type Env = Record<string, string | undefined>;

/** The part of Netlify's `Context` the handler uses. */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

export interface WebhookHandlerOptions {
  env: Env;
  /**
   * Probot options that win over env. The default Octokit is `ReviewOctokit`; tests pass `log` and an
   * Octokit derived from it without throttling waits.
   */
  overrides?: Options;
  answerWithinMs?: number;
  reviewDeadlineMs?: number;
  /** Base of the wait between attempts of a guarded write (1 s). */
  retryWaitMs?: number;
  /** Where reviews run: the process's worker pool unless given (tests give one with a small memory limit). */
  reviewPool?: ReviewPool;
  /**
   * The clock the answer waits on: resolves when the delivery is to be answered 202 if the review has
   * not finished. `answerWithinMs` on a timer unless given; tests give one that fires at a chosen event.
   */
  answerClock?: (ms: number) => Promise<void>;
}

export type WebhookHandler = (req: Request, context: WaitUntil) => Promise<Response>;

/**
 * Checks the environment now (throws, naming what is missing) and builds Probot on the first request.
 * Probot would otherwise accept a missing WEBHOOK_SECRET as the secret "development".
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  checkEnv(options.env);
  const answerWithinMs = options.answerWithinMs ?? ANSWER_WITHIN_MS;
  let probot: Promise<Probot> | undefined;
  const ready = () =>
    (probot ??= (async () => {
      const instance = createProbot({ env: options.env, overrides: { Octokit: ReviewOctokit, ...options.overrides } });
      const pool = options.reviewPool ?? sharedReviewPool();
      pool.warm();
      await instance.load(
        exposureReviewApp({
          appId: Number(options.env.APP_ID),
          ...(options.retryWaitMs === undefined ? {} : { retryWaitMs: options.retryWaitMs }),
          // Off the event loop, so the answer below and the delivery's deadline fire during a long review.
          compute: (input) => pool.compute(input, currentDeadline()),
        }),
      );
      return instance;
    })());

  return async (req, context) => {
    let body: string;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) return answer(413, error.message);
      throw error;
    }
    const signature = req.headers.get("x-hub-signature-256");
    const app = await ready();
    if (!signature || !(await app.webhooks.verify(body, signature).catch(() => false))) {
      return answer(401, "signature does not match the payload and WEBHOOK_SECRET");
    }
    const id = req.headers.get("x-github-delivery");
    const name = req.headers.get("x-github-event");
    if (!id || !name) return answer(400, "missing X-GitHub-Delivery or X-GitHub-Event header");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return answer(400, "body is not JSON");
    }
    const check = checkEvent(name, payload);
    if (check.kind === "reject") return answer(400, check.message);
    if (check.kind === "ignore") return answer(200, "event not reviewed");

    const deadline = AbortSignal.timeout(options.reviewDeadlineMs ?? REVIEW_DEADLINE_MS);
    const work = withDeadline(deadline, () => app.receive({ id, name, payload } as Parameters<Probot["receive"]>[0]));
    // Probot has logged the error already; the promise must not reject unobserved after a 202.
    const settled = work.then(
      () => ({ status: 200, message: "reviewed" }),
      (error: unknown) => ({ status: errorStatus(error), message: "review failed" }),
    );
    context.waitUntil(settled);
    const clock = options.answerClock ? { late: options.answerClock(answerWithinMs), stop: () => undefined } : timer(answerWithinMs);
    const outcome = await Promise.race([settled, clock.late.then(() => undefined)]);
    clock.stop();
    return outcome ? answer(outcome.status, outcome.message) : answer(202, "accepted, still reviewing");
  };
}

/** Resolves after `ms`; `stop` clears the timer once the review answered first. */
function timer(ms: number): { late: Promise<void>; stop: () => void } {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
  });
  return { late, stop: () => clearTimeout(handle) };
}

function checkEnv(env: Env): void {
  const missing = REQUIRED_ENV.filter((name) => !env[name]?.trim());
  if (missing.length > 0) throw new Error(`exposure-review: set ${missing.join(", ")} (see docs/github-app.md); refusing to start`);
  if (!/^\d+$/.test(env.APP_ID ?? "")) throw new Error("exposure-review: APP_ID must be the GitHub App's numeric id");
  try {
    createPrivateKey(decodePrivateKey(env.PRIVATE_KEY ?? ""));
  } catch {
    // Never echo the value: it is the key.
    throw new Error("exposure-review: PRIVATE_KEY is not a PEM private key (PEM, \\n-escaped PEM, or base64 of the PEM)");
  }
}

/** The three forms @probot/get-private-key accepts, decoded the same way, to fail at start rather than at the first JWT. */
function decodePrivateKey(value: string): string {
  const text = value.includes("-----BEGIN") ? value : Buffer.from(value, "base64").toString("utf8");
  return text.replaceAll("\\n", "\n");
}

/** The handler's first error status (Probot rejects with an AggregateError), else 500. */
function errorStatus(error: unknown): number {
  const first = error instanceof AggregateError ? error.errors[0] : error;
  const status = (first as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status <= 599 ? status : 500;
}

function answer(status: number, message: string): Response {
  return Response.json({ status, message }, { status });
}
