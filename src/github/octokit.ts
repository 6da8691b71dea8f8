/**
 * The Octokit the app runs with: Probot's (retry, throttling, pagination, config), except that a secondary
 * rate limit is retried. Probot only logs it ("Secondary quota detected") and gives up, which would fail a
 * review for a limit GitHub lifts in seconds. Retrying stays inside Netlify's 60 s: at most twice, and only
 * when GitHub's `retry-after` is short.
 * see: https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
import { ProbotOctokit } from "probot";

/** Longest `retry-after` (seconds) worth waiting for inside one function invocation. */
export const MAX_SECONDARY_RETRY_AFTER_S = 20;
const MAX_SECONDARY_RETRIES = 2;

interface ThrottleRequest {
  method: string;
  url: string;
}

export const ReviewOctokit = ProbotOctokit.defaults((options: Record<string, unknown> & { throttle?: object }) => ({
  ...options,
  throttle: {
    ...options.throttle,
    onSecondaryRateLimit: (retryAfter: number, request: ThrottleRequest, octokit: { log: { warn(message: string): void } }, retryCount: number) => {
      const retry = retryCount < MAX_SECONDARY_RETRIES && retryAfter <= MAX_SECONDARY_RETRY_AFTER_S;
      octokit.log.warn(`Secondary rate limit on ${request.method} ${request.url}: ${retry ? `retrying in ${retryAfter} s` : "giving up"}`);
      return retry;
    },
  },
}));
