/**
 * The Octokit the app runs with: Probot's (retry, throttling, pagination, config), bounded in time and
 * throttled per installation.
 *
 * - Every attempt of every request has a timeout (`REQUEST_TIMEOUT_MS`), and a delivery's requests share a
 *   deadline (`withDeadline`): a hung GitHub answer is an error that Octokit retries, never a function held
 *   past Netlify's limit. The timeout lives in `fetch`, under the retry plugin, so each retry gets its own.
 * - Retries are fewer than Probot's 3 (2, waiting 1 s then 4 s), so a persistently failing endpoint costs at
 *   most 3 attempts x 10 s + 5 s inside the 60 s a function has.
 * - A secondary rate limit is retried. Probot only logs it ("Secondary quota detected") and gives up, which
 *   would fail a review for a limit GitHub lifts in seconds; at most twice, and only when `retry-after` is short.
 * - The throttling queues are keyed by installation (plugin-throttling's `id`), so one busy installation
 *   does not space out another's writes.
 * see: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { ProbotOctokit } from "probot";

/** Longest `retry-after` (seconds) worth waiting for inside one function invocation. */
export const MAX_SECONDARY_RETRY_AFTER_S = 20;
const MAX_SECONDARY_RETRIES = 2;
/** One attempt of one request: GitHub's own GraphQL timeout is 10 s. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Retries of a failed idempotent request (5xx, reset, timeout). */
export const REQUEST_RETRIES = 2;

interface ThrottleRequest {
  method: string;
  url: string;
}

const deadlines = new AsyncLocalStorage<AbortSignal | undefined>();

/**
 * Runs `work` with every GitHub request inside it aborted at `signal` (a delivery's deadline). Pass
 * `undefined` to lift an outer deadline: the last write that completes a check run must still go out
 * after the review ran out of time.
 */
export function withDeadline<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  return deadlines.run(signal, work);
}

/** The deadline of the delivery this code runs for (`withDeadline`), if any. */
export function currentDeadline(): AbortSignal | undefined {
  return deadlines.getStore();
}

/** `fetch` with a timeout per attempt, joined with the delivery's deadline. */
export function timedFetch(timeoutMs: number = REQUEST_TIMEOUT_MS): typeof fetch {
  return (input, init = {}) => {
    const signals = [AbortSignal.timeout(timeoutMs)];
    const deadline = deadlines.getStore();
    if (deadline) signals.push(deadline);
    if (init.signal) signals.push(init.signal);
    return fetch(input, { ...init, signal: AbortSignal.any(signals) });
  };
}

type Options = Record<string, unknown> & { throttle?: Record<string, unknown>; request?: Record<string, unknown>; auth?: unknown; retry?: Record<string, unknown> };

export const ReviewOctokit = ProbotOctokit.defaults((options: Options) => {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return {
    ...options,
    request: { fetch: timedFetch(), ...options.request },
    retry: { retries: REQUEST_RETRIES, ...options.retry },
    throttle: {
      ...options.throttle,
      // Probot keys the queues by installation only when it builds the client itself; say it here too.
      ...(installationId !== undefined && options.throttle?.["enabled"] !== false ? { id: `installation-${String(installationId)}` } : {}),
      onSecondaryRateLimit: (retryAfter: number, request: ThrottleRequest, octokit: { log: { warn(message: string): void } }, retryCount: number) => {
        const retry = retryCount < MAX_SECONDARY_RETRIES && retryAfter <= MAX_SECONDARY_RETRY_AFTER_S;
        octokit.log.warn(`Secondary rate limit on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter} s` : "giving up"}`);
        return retry;
      },
    },
  };
});
