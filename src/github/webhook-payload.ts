/**
 * What a signed webhook must hold before Probot sees it. The signature proves GitHub (or whoever holds
 * the secret) sent the bytes, not that they are a usable event: a name like `__proto__` or a
 * `pull_request` without `repository` would otherwise crash a handler and answer 500. These schemas list
 * only the fields the app reads; everything else passes through untouched.
 */
import { z } from "zod";

/** GitHub refuses to deliver payloads over 25 MB; a bigger body is not from GitHub. */
export const MAX_WEBHOOK_BODY_BYTES = 25 * 1024 * 1024;

/** Event names are lowercase words joined by `_` (`pull_request`, `check_run`). */
const EVENT_NAME = /^[a-z][a-z_]{0,63}$/;

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const repository = z.object({ name: z.string().min(1).max(100), owner: z.object({ login: z.string().min(1).max(39) }) });
const installation = z.object({ id: z.number().int().positive() });
const pullNumber = z.number().int().positive();

const pullRequestEvent = z.object({
  action: z.string(),
  repository,
  installation,
  pull_request: z.object({
    number: pullNumber,
    draft: z.boolean().optional(),
    changed_files: z.number().int().nonnegative().optional(),
    head: z.object({ sha }),
    base: z.object({ sha }),
  }),
});

const checkRunEvent = z.object({
  action: z.string(),
  repository,
  installation,
  check_run: z.object({
    id: z.number().int().positive(),
    name: z.string(),
    head_sha: sha,
    pull_requests: z.array(z.object({ number: pullNumber })),
  }),
});

const checkSuiteEvent = z.object({
  action: z.string(),
  repository,
  installation,
  check_suite: z.object({ head_sha: sha, pull_requests: z.array(z.object({ number: pullNumber })) }),
});

/** The events the app subscribes to (app.yml), each with the shape it needs. */
const HANDLED: Record<string, z.ZodType> = {
  pull_request: pullRequestEvent,
  check_run: checkRunEvent,
  check_suite: checkSuiteEvent,
};

export type EventCheck = { kind: "handle" } | { kind: "ignore" } | { kind: "reject"; message: string };

/**
 * Decides what to do with a signed event: hand it to Probot, answer 200 without work (an event the app
 * does not review, such as `ping` or `installation`), or refuse it (400) naming what is wrong.
 */
export function checkEvent(name: string, payload: unknown): EventCheck {
  if (!EVENT_NAME.test(name)) return { kind: "reject", message: "X-GitHub-Event is not an event name" };
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return { kind: "reject", message: "body is not a webhook payload" };
  if (!Object.hasOwn(HANDLED, name)) return { kind: "ignore" };
  const result = HANDLED[name]!.safeParse(payload);
  if (result.success) return { kind: "handle" };
  const issue = result.error.issues[0]!;
  return { kind: "reject", message: `${name} payload: ${issue.path.join(".") || "(root)"}: ${issue.message}` };
}

export class BodyTooLarge extends Error {}

/**
 * The raw body as text (the signature covers these exact bytes), refusing more than `limit` bytes while
 * reading rather than after.
 */
export async function readBody(req: Request, limit: number = MAX_WEBHOOK_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(`body is ${declared} bytes, over ${limit}`);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLarge(`body is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
