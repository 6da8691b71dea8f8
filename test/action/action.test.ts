/**
 * The GitHub Action as the runner runs it: `node action/main.mjs` as a child process, with the
 * environment the runner sets (GITHUB_EVENT_PATH with a real `pull_request` payload from
 * @octokit/webhooks-examples, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
 * INPUT_*), against the fake GitHub. The bundle under test is built fresh from the sources; a separate
 * test checks that the committed action/main.mjs is that same build.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_BUNDLE, bundleAction } from "../../scripts/bundle-action.js";
import { CHECK_NAME } from "../../src/github/check-run.js";
import { FakeGitHub, type FakeRepository } from "../github/fake-github.js";
import { APP_ID, examplePayload, PRIVATE_KEY, shopRepository } from "../github/harness.js";

const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "exposure-action-"));
const bundle = join(scratch, "main.mjs");
const TOKEN = "ghs_workflowtokenoftheactionsrunner000";
/** The check run's title for the shop pull request, as the App publishes it (test/github/app.test.ts). */
const SHOP_TITLE = "❌ shop/metrics: plain HTTP on TCP/80 public (+2 failures, +4 warnings)";

beforeAll(async () => {
  await bundleAction(bundle);
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

interface Step {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: string;
  workspace: string;
}

/** One run of the step, with the environment the runner gives a `uses:` step on a pull_request event. */
async function runStep(github: FakeGitHub, repository: FakeRepository, inputs: Record<string, string> = {}, edit: (payload: Record<string, any>) => void = () => {}): Promise<Step> {
  const workspace = mkdtempSync(join(scratch, "workspace-"));
  const payload = examplePayload(github, repository, "pull_request", "synchronize");
  delete payload.installation; // an Actions event carries no App installation
  edit(payload);
  const eventPath = join(workspace, "event.json");
  writeFileSync(eventPath, JSON.stringify(payload));
  const summaryFile = join(workspace, "step_summary.md");
  const outputFile = join(workspace, "output.txt");
  writeFileSync(summaryFile, "");
  writeFileSync(outputFile, "");
  const defaults: Record<string, string> = { config: "", "fail-on": "failure", sarif: "", token: TOKEN };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: `${github.url}/api/v3`,
    GITHUB_GRAPHQL_URL: `${github.url}/api/graphql`,
    GITHUB_SERVER_URL: github.url,
    GITHUB_REPOSITORY: `${repository.owner}/${repository.name}`,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_TOKEN: TOKEN,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await run(process.execPath, [bundle], { env, cwd: workspace }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
  return { ...result, summary: readFileSync(summaryFile, "utf8"), outputs: readFileSync(outputFile, "utf8"), workspace };
}

async function startFake(repository: FakeRepository): Promise<FakeGitHub> {
  fake = await FakeGitHub.start({ repository, appId: APP_ID, privateKey: PRIVATE_KEY });
  // The workflow's token: issued by GitHub for the job, not through the App's installation.
  fake.tokens.push(TOKEN);
  return fake;
}

/** Every finding of the shop change, as the fork fallback annotates them (test/github/app.test.ts has the same list). */
const EVERY_FINDING = [
  "k8s/api.yaml:12 warning",
  "k8s/ingress.yaml:23 failure",
  "k8s/metrics.yaml:7 warning",
  "k8s/metrics.yaml:11 failure",
  "k8s/renamed-cache.yaml:7 warning",
  "k8s/renamed-cache.yaml:11 failure",
  "k8s/web.yaml:7 warning",
];

describe("the Action with a token that may write (a pull request from a branch of the repository)", { timeout: 120_000 }, () => {
  it("publishes the App's check run and review, writes SARIF and the job summary, and fails the step on a failure", async () => {
    const repository = shopRepository();
    const github = await startFake(repository);
    const step = await runStep(github, repository, { sarif: "exposure.sarif" });
    expect(step.stderr).toBe("");
    expect(step.code).toBe(1);
    expect(github.invalidBodies).toEqual([]);
    expect(github.invalidQueries).toEqual([]);

    // The same run the App publishes for this pull request (test/github/app.test.ts).
    expect(github.checkRuns).toHaveLength(1);
    const checkRun = github.checkRuns[0]!;
    expect(checkRun).toMatchObject({ name: CHECK_NAME, head_sha: github.shas.head, status: "completed", conclusion: "failure", external_id: "pr:7" });
    expect(checkRun.output.title).toBe(SHOP_TITLE);
    // Every finding sits in a review comment on its line, so the run annotates none of them again.
    expect(checkRun.annotations).toEqual([]);
    expect(github.reviews).toHaveLength(1);
    expect(github.reviews[0]).toMatchObject({ event: "COMMENT", commit_id: github.shas.head });
    expect(github.reviewComments.map((c) => `${c.path}:${c.line}:${c.side}`)).toEqual([
      "k8s/api.yaml:7:LEFT",
      "k8s/ingress.yaml:23:RIGHT",
      "k8s/metrics.yaml:11:RIGHT",
      "k8s/renamed-cache.yaml:7:RIGHT",
      "k8s/web.yaml:7:RIGHT",
    ]);
    // Read through the API at the merge base, as the App does: no checkout needed.
    expect(github.requests.some((r) => r.path.startsWith("/repos/acme/shop/compare/"))).toBe(true);
    expect(github.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);

    // With a check run there are no workflow annotations (each finding would show twice).
    expect(step.stdout).not.toMatch(/^::(warning|notice) file=/m);
    expect(step.stdout.split("\n")).toContain(`::error title=Exposure review::${SHOP_TITLE} (fail-on: failure)`);
    expect(step.summary.startsWith(`## ${SHOP_TITLE}\n`)).toBe(true);
    expect(step.outputs).toMatch(/^conclusion<<ghadelimiter_[0-9a-f]{32}\nfailure\nghadelimiter_[0-9a-f]{32}\n/);
    const sarif = JSON.parse(readFileSync(join(step.workspace, "exposure.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => {
      const location = r.locations[0]!.physicalLocation;
      return `${location.artifactLocation.uri}:${location.region.startLine}`;
    })).toEqual(expect.arrayContaining(["k8s/ingress.yaml:23", "k8s/web.yaml:7"]));
  });

  it("is sticky and idempotent: a re-run of the workflow updates the same check run and posts no second review", async () => {
    const repository = shopRepository();
    const github = await startFake(repository);
    const first = await runStep(github, repository, { "fail-on": "never" });
    const second = await runStep(github, repository, { "fail-on": "never" });
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(github.checkRuns[0]!.output.title).toBe(SHOP_TITLE);
    expect(github.reviews).toHaveLength(1);
    expect(github.reviewComments).toHaveLength(5);
  });

  it("reads the config from the base commit, and names a config input that is not there", async () => {
    const repository = shopRepository();
    const relaxed = new Map(repository.baseTip);
    relaxed.set(".github/exposure.yml", 'rules:\n  public-without-tls: warning\n  sensitive-port-exposed: "off"\n');
    const github = await startFake({ ...repository, baseTip: relaxed });
    const step = await runStep(github, repository, { "fail-on": "warning" });
    expect(github.checkRuns[0]).toMatchObject({ conclusion: "neutral" });
    expect(step.code).toBe(1); // fail-on: warning fails on neutral

    const missing = await runStep(github, repository, { config: "ci/exposure.yml" });
    expect(missing.code).toBe(2);
    const configRun = github.checkRuns[github.checkRuns.length - 1]!;
    expect(configRun.conclusion).toBe("failure");
    expect(configRun.output.summary).toContain("ci/exposure.yml");
  });
});

describe("the Action with a read-only token (a pull request from a fork)", { timeout: 120_000 }, () => {
  it("falls back to workflow annotations on each finding's line and the job summary, and still fails the step", async () => {
    const repository = shopRepository();
    const github = await startFake(repository);
    // What GitHub answers a read-only GITHUB_TOKEN for every write.
    for (const [method, path] of [
      ["POST", /\/check-runs$/],
      ["PATCH", /\/check-runs\/\d+$/],
      ["POST", /\/pulls\/\d+\/reviews$/],
    ] as const) {
      github.fail({ method, path, status: 403, times: Infinity, message: "Resource not accessible by integration" });
    }
    const step = await runStep(github, repository, { sarif: "out.sarif" }, (payload) => {
      payload.pull_request.head.repo = { ...payload.pull_request.head.repo, fork: true, full_name: "contributor/shop" };
    });
    expect(step.stderr).toBe("");
    expect(step.code).toBe(1);
    expect(github.checkRuns).toEqual([]);
    expect(github.reviews).toEqual([]);

    const annotations = [...step.stdout.matchAll(/^::(error|warning|notice) title=([^,]*),file=([^,]*),line=(\d+),endLine=(\d+)::(.*)$/gm)];
    expect(annotations.map(([, level, , file, line]) => `${file}:${line} ${level === "error" ? "failure" : level}`)).toEqual(EVERY_FINDING);
    // Titles escape ':' and ',' as the runner expects (property values), messages only '%', CR and LF.
    expect(annotations[1]![2]).toBe("Public entry point without TLS (public-without-tls)");
    expect(step.stdout).toContain("::notice title=Exposure review::The token cannot create check runs");
    expect(step.summary.startsWith(`## ${SHOP_TITLE}\n`)).toBe(true);
    expect(JSON.parse(readFileSync(join(step.workspace, "out.sarif"), "utf8")).runs[0].results.length).toBeGreaterThan(0);
  });
});

describe("action.yml and its bundle", { timeout: 120_000 }, () => {
  it("declares a node20 action whose main is the committed bundle, with the documented inputs", () => {
    const action = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
      runs: { using: string; main: string };
      inputs: Record<string, { default?: string }>;
    };
    expect(action.runs).toEqual({ using: "node20", main: "action/main.mjs" });
    expect(Object.keys(action.inputs).sort()).toEqual(["config", "fail-on", "sarif", "token"]);
    expect(action.inputs["fail-on"]!.default).toBe("failure");
    expect(action.inputs.token!.default).toBe("${{ github.token }}");
  });

  it("commits the bundle built from the current sources (npm run bundle:action rewrites it)", () => {
    const committed = readFileSync(ACTION_BUNDLE, "utf8");
    expect(committed === readFileSync(bundle, "utf8"), "action/main.mjs is stale: run `npm run bundle:action` and commit it").toBe(true);
  });
});
