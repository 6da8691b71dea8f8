/**
 * Shared setup for the GitHub App tests and the bench: a fake GitHub with a repository read from a
 * fixture folder, the real webhook handler pointed at it, and signed webhook requests built from
 * @octokit/webhooks-examples payloads rewritten to match the fake repository.
 */
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";
import { Writable } from "node:stream";
import { sign } from "@octokit/webhooks-methods";
import Bottleneck from "bottleneck";
import { pino } from "pino";
import { afterEach } from "vitest";
import { createWebhookHandler, type WebhookHandler } from "../../functions/github-webhooks.js";
import { ReviewOctokit, timedFetch } from "../../src/github/octokit.js";
import type { ReviewPool } from "../../src/github/review-worker.js";
import { RERUN_ACTION } from "../../src/report/check-output.js";
import { FakeGitHub, type FakeRepository, type Tree } from "./fake-github.js";

export const APP_ID = 4242;
export const INSTALLATION_ID = 77;
export const WEBHOOK_SECRET = "wh-secret-that-must-never-be-logged";
export const { privateKey: PRIVATE_KEY } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

export function readFixtureTree(name: string): Tree {
  const root = join(FIXTURES, name);
  const tree: Tree = new Map();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else tree.set(relative(root, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return tree;
}

export function shopRepository(overrides: Partial<FakeRepository> = {}): FakeRepository {
  return {
    owner: "acme",
    name: "shop",
    mergeBase: readFixtureTree("shop/merge-base"),
    baseTip: readFixtureTree("shop/base-tip"),
    head: readFixtureTree("shop/head"),
    pullNumber: 7,
    renames: { "k8s/old-cache.yaml": "k8s/renamed-cache.yaml" },
    ...overrides,
  };
}

/**
 * A repository whose pull request changes `count` manifests. With `findings: "one"` the first Service becomes
 * a NodePort and the others only change a label (no finding), so the report's size does not grow with the
 * file count; with "all" every Service becomes a NodePort (one finding, one annotation, one comment each).
 */
export function manyFilesRepository(count: number, findings: "one" | "all" = "one"): FakeRepository {
  const mergeBase: Tree = new Map();
  const head: Tree = new Map();
  const service = (index: number, type: string, tier: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${index}\n  namespace: bulk\n  labels:\n    tier: ${tier}\nspec:\n  type: ${type}\n  selector:\n    app: svc-${index}\n  ports:\n    - port: 8080\n`;
  for (let index = 0; index < count; index++) {
    const path = `k8s/svc-${String(index).padStart(3, "0")}.yaml`;
    mergeBase.set(path, service(index, "ClusterIP", "web"));
    head.set(path, findings === "all" || index === 0 ? service(index, "NodePort", "web") : service(index, "ClusterIP", "edge"));
  }
  return { owner: "acme", name: "bulk", mergeBase, head, pullNumber: 9 };
}

export interface HarnessOptions {
  /** Probot's production throttling (1 s between writes): only the bench wants it. */
  throttling?: boolean;
  /** Octokit's retry plugin, with waits cut to milliseconds. */
  retry?: boolean;
  answerWithinMs?: number;
  latencyMs?: number;
  patchLimitLines?: number;
  /** The fake keeps completed runs completed (see FakeGitHubOptions). */
  completedRunsAreFinal?: boolean;
  /**
   * Timeout of one request attempt. Tests default to 30 s: on a loaded machine the fake's GraphQL
   * validation alone can take seconds. Tests of hung answers set it short.
   */
  requestTimeoutMs?: number;
  /** The delivery's deadline for GitHub requests (REVIEW_DEADLINE_MS by default). */
  reviewDeadlineMs?: number;
  /** Where reviews run (the process's shared worker pool by default). */
  reviewPool?: ReviewPool;
  /**
   * Answer (202, unless the review is done) at the moment a log line with this text is written, rather
   * than after `answerWithinMs`: an injected clock, so a test fixes when the answer is due in events.
   */
  answerWhenLogged?: string;
  /**
   * Where the handler sends its GitHub requests (`host:port`): the fake unless given (the bench puts a
   * router to several fakes there, one per repository).
   */
  githubHost?: string;
  /** Tests read every log line; the bench keeps only warnings, so the logs do not weigh in its memory figures. */
  logLevel?: "trace" | "info" | "warn";
  /** The handler factory: the sources' unless given (the bundle test gives the bundled function's). */
  createHandler?: typeof createWebhookHandler;
}

export interface DeliveryInit {
  signature?: string | null;
  id?: string | null;
  event?: string | null;
  body?: string;
}

export interface Harness {
  fake: FakeGitHub;
  handler: WebhookHandler;
  logs: string[];
  /** Sends a signed webhook and waits for everything the handler left running (waitUntil). */
  deliver(name: string, payload: object, init?: DeliveryInit): Promise<Response>;
  /**
   * Sends a signed webhook and gives the answer as soon as the handler returns it, with `done` for
   * what it left running: what GitHub sees when it gets the answer.
   */
  send(name: string, payload: object, init?: DeliveryInit): Promise<{ response: Response; done: Promise<void> }>;
  /**
   * Another app instance on the same fake GitHub: its own handler, Probot and Octokit, sharing nothing
   * with the others (as separate Netlify instances).
   */
  instance(): { handler: WebhookHandler; deliver: Harness["deliver"]; send: Harness["send"] };
  close(): Promise<void>;
}

export async function startHarness(repository: FakeRepository, options: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeGitHub.start({
    repository,
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}),
    ...(options.patchLimitLines !== undefined ? { patchLimitLines: options.patchLimitLines } : {}),
    ...(options.completedRunsAreFinal ? { completedRunsAreFinal: true } : {}),
  });
  const logs: string[] = [];
  const logWatchers: { text: string; seen: () => void }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const line = String(chunk);
      logs.push(line);
      for (const watcher of logWatchers.filter((w) => line.includes(w.text))) {
        logWatchers.splice(logWatchers.indexOf(watcher), 1);
        watcher.seen();
      }
      done();
    },
  });
  const whenLogged = (text: string) => new Promise<void>((seen) => logWatchers.push({ text, seen }));
  const fetch = timedFetch(options.requestTimeoutMs ?? 30_000);
  const Octokit = options.throttling
    ? ReviewOctokit.defaults((defaults: Record<string, unknown> & { request?: object }) => ({ ...defaults, request: { ...defaults.request, fetch } }))
    : ReviewOctokit.defaults((defaults: Record<string, unknown> & { throttle?: object; request?: object }) => ({
        ...defaults,
        request: { ...defaults.request, fetch },
        // The function form runs after Probot's own defaults; the object form would be overwritten.
        throttle: options.retry
          ? // Throttling stays on so a secondary rate limit is retried, but with no spacing between requests.
            { ...defaults.throttle, retryAfterBaseValue: 1, global: new Bottleneck.Group(), write: new Bottleneck.Group(), notifications: new Bottleneck.Group(), auth: new Bottleneck.Group(), search: new Bottleneck.Group() }
          : { ...defaults.throttle, enabled: false },
        retry: options.retry ? { retryAfterBaseValue: 1 } : { enabled: false },
      }));
  const log = pino({ level: options.logLevel ?? "trace" }, stream);
  const makeHandler = () =>
    (options.createHandler ?? createWebhookHandler)({
      env: {
        APP_ID: String(APP_ID),
        PRIVATE_KEY,
        WEBHOOK_SECRET,
        GHE_HOST: options.githubHost ?? fake.host,
        GHE_PROTOCOL: "http",
        LOG_LEVEL: options.logLevel ?? "trace",
      },
      overrides: { log, Octokit },
      // Tests assert what the answer says, not when: on a loaded machine a cold review can pass 8 s.
      answerWithinMs: options.answerWithinMs ?? 120_000,
      ...(options.reviewDeadlineMs !== undefined ? { reviewDeadlineMs: options.reviewDeadlineMs } : {}),
      ...(options.reviewPool ? { reviewPool: options.reviewPool } : {}),
      ...(options.answerWhenLogged === undefined ? {} : { answerClock: () => whenLogged(options.answerWhenLogged!) }),
      // Guarded writes wait 1, 4 ms between attempts instead of 1, 4 s.
      retryWaitMs: options.throttling ? 1000 : 1,
    });
  let deliveries = 0;
  const sendTo: (handler: WebhookHandler) => Harness["send"] = (handler) => async (name, payload, init = {}) => {
    const body = init.body ?? JSON.stringify(payload);
    const headers = new Headers({ "content-type": "application/json" });
    const signature = init.signature === undefined ? await sign(WEBHOOK_SECRET, body) : init.signature;
    if (signature !== null) headers.set("x-hub-signature-256", signature);
    const id = init.id === undefined ? `delivery-${++deliveries}` : init.id;
    if (id !== null) headers.set("x-github-delivery", id);
    const event = init.event === undefined ? name : init.event;
    if (event !== null) headers.set("x-github-event", event);
    const pending: Promise<unknown>[] = [];
    const response = await handler(new Request(`${fake.url}/api/github/webhooks`, { method: "POST", headers, body }), {
      waitUntil: (promise) => pending.push(promise),
    });
    return { response, done: Promise.all(pending).then(() => undefined) };
  };
  const deliverTo: (handler: WebhookHandler) => Harness["deliver"] = (handler) => async (name, payload, init = {}) => {
    const { response, done } = await sendTo(handler)(name, payload, init);
    await done;
    return response;
  };
  const handler = makeHandler();
  return {
    fake,
    handler,
    logs,
    deliver: deliverTo(handler),
    send: sendTo(handler),
    instance() {
      const other = makeHandler();
      return { handler: other, deliver: deliverTo(other), send: sendTo(other) };
    },
    close: () => fake.close(),
  };
}

/**
 * `start(repository, options)` for a test file: a harness per test, closed after it. The returned
 * harness also carries the repository, which tests change between deliveries.
 */
export function harnessPerTest(): (repository: FakeRepository, options?: HarnessOptions) => Promise<Harness & { repository: FakeRepository }> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (repository, options = {}) => {
    current = await startHarness(repository, options);
    return { ...current, repository };
  };
}

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as { name: string; examples: Record<string, unknown>[] }[];

/** A real example payload (with `installation`) of `event.action`, rewritten to the fake repository and pull request. */
export function examplePayload(fake: FakeGitHub, repository: FakeRepository, event: string, action: string): Record<string, any> {
  const found = examples.find((group) => group.name === event)?.examples.find((example) => example.action === action && example.installation);
  if (!found) throw new Error(`no ${event}.${action} example with an installation`);
  const payload = structuredClone(found) as Record<string, any>;
  payload.installation.id = INSTALLATION_ID;
  Object.assign(payload.repository, {
    name: repository.name,
    full_name: `${repository.owner}/${repository.name}`,
    default_branch: repository.defaultBranch ?? "main",
  });
  payload.repository.owner.login = repository.owner;
  if (payload.pull_request) {
    Object.assign(payload.pull_request, { number: repository.pullNumber, draft: repository.draft ?? false, changed_files: fake.pullFiles.length });
    payload.number = repository.pullNumber;
    payload.pull_request.head.sha = fake.shas.head;
    payload.pull_request.base.sha = fake.shas.baseTip;
  }
  return payload;
}

/**
 * A `check_run` event (a re-run, or a click on the run's button) for the fake's latest run, describing
 * the run as the fake has it, as GitHub's payload would.
 */
export function checkRunPayload(
  fake: FakeGitHub,
  repository: FakeRepository,
  action: "rerequested" | "requested_action",
  options: { externalId?: string; identifier?: string } = {},
): Record<string, any> {
  const payload = examplePayload(fake, repository, "check_run", action);
  const run = fake.checkRuns[fake.checkRuns.length - 1]!;
  Object.assign(payload.check_run, {
    id: run.id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    external_id: options.externalId ?? run.external_id,
    output: { ...payload.check_run.output, title: run.output.title, summary: run.output.summary, annotations_count: run.annotations.length },
    // GitHub leaves this empty for a fork's pull request; the app must not need it.
    pull_requests: [],
  });
  payload.check_run.app.id = APP_ID;
  if (action === "requested_action") payload.requested_action = { identifier: options.identifier ?? RERUN_ACTION.identifier };
  return payload;
}

/** "Re-run all checks" (`check_suite.rerequested`) on the pull request's head commit: it names no run. */
export function checkSuitePayload(fake: FakeGitHub, repository: FakeRepository): Record<string, any> {
  const payload = examplePayload(fake, repository, "check_suite", "rerequested");
  Object.assign(payload.check_suite, {
    head_sha: fake.shas.head,
    pull_requests: [{ number: repository.pullNumber, head: { sha: fake.shas.head }, base: { sha: fake.shas.baseTip } }],
  });
  return payload;
}

/** Requests that reached the fake, as "METHOD /path" (token requests excluded unless asked). */
export function calls(fake: FakeGitHub, { withToken = false } = {}): string[] {
  return fake.requests
    .filter((request) => withToken || !request.path.endsWith("/access_tokens"))
    .map((request) => `${request.method} ${request.path}`);
}
