/**
 * Rendered sources end to end, for `npm run bench` (issue 6): pull requests in the home-ops pattern
 * that change 1, 10 and 30 Flux HelmReleases of bjw-s app-template (the real chart from
 * ../shared/charts, served by the tests' Helm repository on 127.0.0.1), and a repository with 20
 * Kustomize overlays of which the change touches 3.
 *
 * Per case, in a child process of its own (peak memory is a high-water mark):
 * `add:1` is the other everyday home-ops pull request: one new app, which also edits the namespace's
 * kustomization.yaml that every release there reads.
 *
 * - the render stage as the command line runs it (trees in memory, real engines), with a cold chart
 *   cache (a new fetcher and new engines) and then a warm one, and the review of what it rendered;
 * - the GitHub App: a signed pull_request webhook through the real handler to the fake GitHub (50 ms
 *   per answer, as bench/github.ts), first on a cold instance, then another pull request (other
 *   releases, so nothing but the charts can be reused) on the same warm instance; the end-to-end time
 *   and the number of GitHub requests.
 *
 *   npx tsx bench/render.ts            # all cases
 *   npx tsx bench/render.ts hr:10      # one case, as JSON (what the parent runs per case)
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_CONFIG, type Config } from "../src/config/schema.js";
import type { ManifestFile } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { createChartFetcher } from "../src/render/charts.js";
import { createEngines, residentBytes } from "../src/render/engines.js";
import { renderChanges } from "../src/render/index.js";
import type { Tree } from "../test/github/fake-github.js";
import { checkRunPayload, examplePayload, startHarness } from "../test/github/harness.js";
import { memoryTree } from "../test/render/fixture-trees.js";
import { appTemplateRelease, homeOpsRepository, overlaysRepository, type GeneratedRepository } from "../test/render/home-ops.js";
import { startHelmRepository } from "../test/render/servers/index.js";

const SHARED_CHARTS = fileURLToPath(new URL("../../shared/charts/", import.meta.url));
const LATENCY_MS = 50;
/** HelmReleases in the repository, of which a case changes some. */
const APPS = 40;
export const RENDER_CASES = ["hr:1", "hr:10", "hr:30", "add:1", "overlays:20:3"] as const;

export interface RenderBenchRow {
  case: string;
  changedFiles: number;
  /** Targets rendered per side. */
  targets: number;
  renderColdMs: number;
  renderWarmMs: number;
  reviewMs: number;
  appColdMs: number;
  appWarmMs: number;
  appColdRequests: number;
  appWarmRequests: number;
  /** A re-run of the warm pull request's commit: its releases are rendered already (RenderCache). */
  appRerunMs: number;
  conclusion: string;
  /** Node's own high-water mark, and the highest sum of Node and its engine processes sampled. */
  nodePeakMb: number;
  totalPeakMb: number;
  note?: string;
}

function generate(name: string, chartsUrl: string, namespace: string): GeneratedRepository {
  const [kind, a, b] = name.split(":");
  if (kind === "hr") return homeOpsRepository({ apps: APPS, changedApps: Number(a), chartsUrl, namespace });
  if (kind === "add") {
    // One more app: its HelmRelease, and the namespace's kustomization.yaml that every release reads.
    const before = homeOpsRepository({ apps: APPS, changedApps: 0, chartsUrl, namespace }).base;
    const after = homeOpsRepository({ apps: APPS + 1, changedApps: 0, chartsUrl, namespace }).base;
    const name = `app-${APPS}`;
    after.set(`kubernetes/apps/${namespace}/${name}/app/helmrelease.yaml`, appTemplateRelease(name, { serviceType: "LoadBalancer" }));
    const changedPaths = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();
    return { base: before, head: after, changedPaths };
  }
  return overlaysRepository({ overlays: Number(a), changedOverlays: Number(b), prefix: namespace });
}

const asFiles = (files: ReadonlyMap<string, string>): ManifestFile[] => [...files].map(([path, text]) => ({ path, text }));

/** Samples the resident memory of this process and its engine children until stopped. */
function memorySampler(): { stop(): number } {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, residentBytes(process.pid)));
  const timer = setInterval(sample, 25);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak / (1024 * 1024);
    },
  };
}

export async function benchRenderCase(name: string): Promise<RenderBenchRow> {
  const sampler = memorySampler();
  const server = await startHelmRepository({ dirs: [SHARED_CHARTS] });
  const chartsUrl = `${server.url}/`;
  const config: Config = { ...DEFAULT_CONFIG, render: { ...DEFAULT_CONFIG.render, repositories: [chartsUrl] } };
  const repo = generate(name, chartsUrl, "media");
  try {
    // The command line's way: both trees in memory, the render stage, then the review.
    const renderOnce = async (charts: ReturnType<typeof createChartFetcher>, engines: ReturnType<typeof createEngines>) => {
      const started = performance.now();
      const rendered = await renderChanges({ base: memoryTree(repo.base), head: memoryTree(repo.head), changedPaths: repo.changedPaths, config, engines, charts });
      return { rendered, ms: performance.now() - started };
    };
    const charts = createChartFetcher();
    const cold = await renderOnce(charts, createEngines());
    const warm = await renderOnce(charts, createEngines());
    if (warm.rendered.errors.length > 0) throw new Error(JSON.stringify(warm.rendered.errors));
    const reviewStarted = performance.now();
    const report = review({ base: asFiles(repo.base), head: asFiles(repo.head), config, rendered: warm.rendered });
    const reviewMs = performance.now() - reviewStarted;

    // The App: a cold instance, then the next pull request (other releases) on the same instance.
    const app = async (generated: GeneratedRepository, pullNumber: number) => {
      const repository = {
        owner: "home",
        name: "home-ops",
        config: `render:\n  repositories: ["${chartsUrl}"]\n`,
        mergeBase: generated.base as Tree,
        head: generated.head as Tree,
        pullNumber,
      };
      const harness = await startHarness(repository, { latencyMs: LATENCY_MS });
      try {
        const started = performance.now();
        await harness.deliver("pull_request", examplePayload(harness.fake, repository, "pull_request", "opened"));
        const ms = performance.now() - started;
        const requests = harness.fake.requests.length;
        // A re-run of the same commit: the instance has rendered these releases already.
        const rerunStarted = performance.now();
        await harness.deliver("check_run", checkRunPayload(harness.fake, repository, "rerequested"));
        const rerunMs = performance.now() - rerunStarted;
        return { ms, requests, rerunMs, conclusion: harness.fake.checkRuns[0]?.conclusion ?? "none" };
      } finally {
        await harness.close();
      }
    };
    const appCold = await app(repo, 1);
    const appWarm = await app(generate(name, chartsUrl, "home"), 2);
    return {
      case: name,
      changedFiles: repo.changedPaths.length,
      targets: warm.rendered.head.length,
      renderColdMs: cold.ms,
      renderWarmMs: warm.ms,
      reviewMs,
      appColdMs: appCold.ms,
      appWarmMs: appWarm.ms,
      appColdRequests: appCold.requests,
      appWarmRequests: appWarm.requests,
      appRerunMs: appWarm.rerunMs,
      conclusion: appCold.conclusion === report.conclusion ? report.conclusion : `${report.conclusion} (App: ${appCold.conclusion})`,
      nodePeakMb: process.resourceUsage().maxRSS / 1024,
      totalPeakMb: sampler.stop(),
    };
  } finally {
    sampler.stop();
    await server.close();
  }
}

/** One child process per case. */
export function benchRender(): RenderBenchRow[] | { skipped: string } {
  if (!existsSync(`${SHARED_CHARTS}index.yaml`)) return { skipped: `${SHARED_CHARTS} is absent: the rendered cases need the real app-template chart` };
  const engines = createEngines().describe();
  if (typeof engines.helm !== "string" || typeof engines.kustomize !== "string") return { skipped: `no engines: ${JSON.stringify(engines)}` };
  const script = fileURLToPath(import.meta.url);
  return RENDER_CASES.map((name) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", script, name], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(out.trim().split("\n").at(-1)!) as RenderBenchRow;
  });
}

export function printRenderRows(rows: RenderBenchRow[] | { skipped: string }): void {
  console.log("Rendered sources (home-ops: 40 HelmReleases of app-template 3.5.1, N changed or 1 added; 20 Kustomize overlays, 3 changed)\n");
  if (!Array.isArray(rows)) {
    console.log(`skipped: ${rows.skipped}`);
    return;
  }
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(
    `${"case".padEnd(14)} ${pad("files", 5)} ${pad("targets", 7)} | ${pad("render cold", 11)} ${pad("warm", 6)} ${pad("review", 6)} | ${pad("App cold", 8)} ${pad("req", 4)} ${pad("App warm", 8)} ${pad("req", 4)} ${pad("re-run", 6)} | ${pad("node MB", 7)} ${pad("+engines MB", 11)} ${pad("conclusion", 10)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.case.padEnd(14)} ${pad(row.changedFiles, 5)} ${pad(row.targets, 7)} | ${pad(row.renderColdMs.toFixed(0), 11)} ${pad(row.renderWarmMs.toFixed(0), 6)} ${pad(row.reviewMs.toFixed(0), 6)} | ${pad(row.appColdMs.toFixed(0), 8)} ${pad(row.appColdRequests, 4)} ${pad(row.appWarmMs.toFixed(0), 8)} ${pad(row.appWarmRequests, 4)} ${pad(row.appRerunMs.toFixed(0), 6)} | ${pad(row.nodePeakMb.toFixed(0), 7)} ${pad(row.totalPeakMb.toFixed(0), 11)} ${pad(row.conclusion, 10)}`,
    );
  }
  console.log(
    `\nTimes in ms. render: the render stage alone (both sides), cold = new chart cache and engines, warm = the same fetcher again.` +
      `\nApp: webhook to review posted, fake GitHub with ${LATENCY_MS} ms per answer; warm = the next pull request on the same instance` +
      "\n(charts cached, nothing rendered before); re-run = that pull request re-run (its releases rendered already)." +
      "\nTarget: hr:10 under 5 s end to end with a warm chart cache; requests do not grow with the changed files.",
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (name) process.stdout.write(`${JSON.stringify(await benchRenderCase(name))}\n`);
  else printRenderRows(benchRender());
}
