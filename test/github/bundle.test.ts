/**
 * The deployed function is a bundle, not the source: bundle it as a deploy does and drive the bundle
 * itself. Probot's CommonJS parts load on the first request, so these answers prove the bundle runs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sign } from "@octokit/webhooks-methods";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFunction } from "../../scripts/bundle-function.js";
import { APP_ID, examplePayload, type HarnessOptions, PRIVATE_KEY, shopRepository, startHarness, WEBHOOK_SECRET } from "./harness.js";

type NetlifyFunction = (req: Request, context: { waitUntil(promise: Promise<unknown>): void }) => Promise<Response>;
type HandlerFactory = NonNullable<HarnessOptions["createHandler"]>;

const dir = mkdtempSync(join(tmpdir(), "exposure-bundle-"));
let bundled: { default: NetlifyFunction; config: { path: string; method: string }; createWebhookHandler: HandlerFactory };
let bytes = 0;

beforeAll(async () => {
  ({ bytes } = await bundleFunction(join(dir, "github-webhooks.mjs")));
  // No GitHub is reachable from here (GHE_HOST points at a closed port): any request would fail the test.
  Object.assign(process.env, { APP_ID: String(APP_ID), PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST: "127.0.0.1:9", GHE_PROTOCOL: "http", LOG_LEVEL: "silent" });
  bundled = await import(pathToFileURL(join(dir, "github-webhooks.mjs")).href);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function post(body: string, headers: Record<string, string>): Promise<Response> {
  const waits: Promise<unknown>[] = [];
  const response = await bundled.default(
    new Request("http://localhost/api/github/webhooks", { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
    { waitUntil: (promise) => waits.push(promise) },
  );
  await Promise.all(waits);
  return response;
}

describe("the bundled Netlify Function", () => {
  it("keeps its route and stays a reasonable size", () => {
    expect(bundled.config).toEqual({ path: "/api/github/webhooks", method: "POST" });
    expect(bytes).toBeGreaterThan(100_000);
    expect(bytes).toBeLessThan(3_000_000);
  });

  it("answers 401 to a wrong signature", async () => {
    const response = await post("{}", { "x-hub-signature-256": "sha256=00", "x-github-event": "ping", "x-github-delivery": "1" });
    expect(response.status).toBe(401);
  });

  it("receives a signed event it does not review with 200 and no GitHub request", async () => {
    const body = JSON.stringify({ action: "created", starred_at: null, repository: { id: 1 }, installation: { id: 1 } });
    const response = await post(body, { "x-hub-signature-256": await sign(WEBHOOK_SECRET, body), "x-github-event": "star", "x-github-delivery": "2" });
    expect(response.status).toBe(200);
  });

  it("answers 400 to a signed body that is not a webhook", async () => {
    const body = "not json";
    const response = await post(body, { "x-hub-signature-256": await sign(WEBHOOK_SECRET, body), "x-github-event": "star", "x-github-delivery": "3" });
    expect(response.status).toBe(400);
  });

  it("reviews a pull request in a worker thread started from the bundle itself", async () => {
    const repository = shopRepository();
    // The bundle's own handler factory: its review pool's worker loads the bundle file, not the sources.
    const h = await startHarness(repository, { createHandler: bundled.createWebhookHandler });
    try {
      const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
      expect(response.status).toBe(200);
      const logs = h.logs.join("");
      expect(logs.indexOf('"msg":"review computed"')).toBeGreaterThan(logs.indexOf('"msg":"review started"'));
      expect(h.fake.checkRuns.map((run) => `${run.status} ${run.conclusion}`)).toEqual(["completed failure"]);
      expect(h.fake.reviews).toHaveLength(1);
    } finally {
      await h.close();
    }
  }, 60_000);
});
