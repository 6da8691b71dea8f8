/**
 * Netlify Function (v2) for the GitHub App's webhooks. Do not add logic here: src/github/webhook-handler.ts
 * verifies and answers, src/app.ts reviews.
 *
 * Answer within GitHub's 10 s, finish the review, inside Netlify's 60 s synchronous limit: the handler
 * awaits the review for up to 8 s and answers 200 (or the error's status, so a failed delivery shows in
 * the app's "Recent deliveries"); past that it answers 202 and the review continues under
 * `context.waitUntil`. Measured (npm run bench: fake GitHub, 50 ms per response, cold instance, 11 requests):
 * without throttling about 0.45-0.65 s to the completed check run for 1, 30 or 300 manifests; with Probot's
 * production throttling (1 s between writes, 3 s between review posts) about 3.3 s whatever the file count,
 * plus 1 s per 50 annotations beyond the first 50. Awaiting alone would fail the deliveries of big reviews; always
 * answering 202 would hide every error from the app's "Recent deliveries". The review's CPU-bound part
 * runs in a worker thread started from this same module (or its bundle), so the 8 s answer holds even
 * while a hostile pull request takes seconds to parse: no extra file ships with the function.
 *
 * Env: WEBHOOK_SECRET, APP_ID, PRIVATE_KEY (required: without them every invocation throws, naming what is
 * missing, before anything is read), GHE_HOST / GHE_PROTOCOL for GitHub Enterprise Server, LOG_LEVEL,
 * LOG_FORMAT=json. Built on the first request, not at import, so tests can import the factory.
 */
import type { Config, Context } from "@netlify/functions";
import { createWebhookHandler, type WebhookHandler } from "../src/github/webhook-handler.js";

export { createWebhookHandler, type WebhookHandler } from "../src/github/webhook-handler.js";

let handler: WebhookHandler | undefined;

export default async (req: Request, context: Context): Promise<Response> => {
  handler ??= createWebhookHandler({ env: process.env });
  return handler(req, context);
};

export const config: Config = { path: "/api/github/webhooks", method: "POST" };
