/**
 * End-to-end GitHub App bench: a signed pull_request webhook through the real handler, Probot and Octokit
 * to the fake GitHub with 50 ms added to every answer, for pull requests of 1, 30 and 300 changed manifests
 * (one finding each time, so only the file count varies), then a re-run of the same commit (a new round:
 * one new run holds the result, the old one points at it). Once with Probot's production throttling (≥ 1 s between writes, 3 s
 * between review posts) and once without. Cold instance for the pull_request event: the installation
 * token request is included; the re-run reuses the warm instance.
 *
 *   npx tsx bench/github.ts
 */
import { fileURLToPath } from "node:url";
import { checkRunPayload, examplePayload, manyFilesRepository, startHarness } from "../test/github/harness.js";

export interface GithubRow {
  files: number;
  throttling: boolean;
  /** Webhook request to the check run answered as completed. */
  checkRunMs: number;
  /** Webhook request to the end of the review (the review posted). */
  totalMs: number;
  requests: number;
  status: number;
  /** The re-run: webhook request to the new round's run completed, and its requests. */
  rerunMs: number;
  rerunRequests: number;
  /** Check runs on the commit after the re-run (2: the re-run's round added one, never more). */
  runs: number;
}

const LATENCY_MS = 50;
/** plugin-throttling's limiter groups are per process and per installation: let the spacing lapse between steps. */
const THROTTLE_LAPSE_MS = 3100;

export async function benchGithub(sizes: readonly number[] = [1, 30, 300]): Promise<GithubRow[]> {
  const rows: GithubRow[] = [];
  const lapse = () => new Promise((resolve) => setTimeout(resolve, THROTTLE_LAPSE_MS));
  for (const throttling of [false, true]) {
    for (const files of sizes) {
      const repository = manyFilesRepository(files);
      const harness = await startHarness(repository, { throttling, latencyMs: LATENCY_MS });
      const payload = examplePayload(harness.fake, repository, "pull_request", "opened");
      const start = performance.now();
      const response = await harness.deliver("pull_request", payload);
      const totalMs = performance.now() - start;
      const run = harness.fake.checkRuns[0];
      const checkRunMs = run?.completedAt === undefined ? Number.NaN : run.completedAt - start;
      const requests = harness.fake.requests.length;

      if (throttling) await lapse();
      const rerunStart = performance.now();
      await harness.deliver("check_run", checkRunPayload(harness.fake, repository, "rerequested"));
      const rerun = harness.fake.checkRuns[harness.fake.checkRuns.length - 1];
      rows.push({
        files,
        throttling,
        checkRunMs,
        totalMs,
        requests,
        status: response.status,
        rerunMs: rerun?.completedAt === undefined ? Number.NaN : rerun.completedAt - rerunStart,
        rerunRequests: harness.fake.requests.length - requests,
        runs: harness.fake.checkRuns.length,
      });
      await harness.close();
      if (throttling) await lapse();
    }
  }
  return rows;
}

export function printGithubRows(rows: readonly GithubRow[]): void {
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  console.log(`GitHub App end to end (fake GitHub, ${LATENCY_MS} ms per response, cold instance; re-run on the warm one)\n`);
  console.log(
    `${pad("files", 6)} ${pad("throttling", 11)} ${pad("check run ms", 13)} ${pad("total ms", 9)} ${pad("requests", 9)} ${pad("HTTP", 5)} ${pad("re-run ms", 10)} ${pad("re-run req", 11)} ${pad("runs", 5)}`,
  );
  for (const row of rows) {
    console.log(
      `${pad(row.files, 6)} ${pad(row.throttling ? "production" : "off", 11)} ${pad(row.checkRunMs.toFixed(0), 13)} ${pad(row.totalMs.toFixed(0), 9)} ${pad(row.requests, 9)} ${pad(row.status, 5)} ${pad(row.rerunMs.toFixed(0), 10)} ${pad(row.rerunRequests, 11)} ${pad(row.runs, 5)}`,
    );
  }
  console.log("\nTarget: without throttling, 300 files under 1 s; the request count does not depend on the file count; a re-run adds exactly one run.");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printGithubRows(await benchGithub());
