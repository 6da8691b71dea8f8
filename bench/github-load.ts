/**
 * The GitHub App under load and under hostile input (issue 9), one scenario per process so its peak
 * memory (maxRSS) is its own: `npm run bench` runs them all through `benchGithubLoad()`; one scenario alone:
 *
 *   npx tsx bench/github-load.ts '{"kind":"concurrent","deliveries":10,"prs":"same"}'
 *
 * Everything runs through the real handler, Probot, Octokit and the review's worker thread, against fake
 * GitHubs (50 ms per answer) in the same process: the peak memory includes the fakes. Several pull
 * requests are several fake repositories behind a router, so one app instance sees one GitHub.
 * Answers use the production 8 s rule (202 after 8 s, else the review's own status).
 */
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { configSchema } from "../src/config/schema.js";
import { review } from "../src/core/review.js";
import { FakeGitHub, type FakeRepository, type Tree } from "../test/github/fake-github.js";
import { APP_ID, examplePayload, type Harness, PRIVATE_KEY, shopRepository, startHarness } from "../test/github/harness.js";
import { almostMatchingName, BACKTRACKING_GLOB, brokenBaseFile, manyLoadBalancers } from "../test/helpers/hostile.js";

const LATENCY_MS = 50;
const ANSWER_WITHIN_MS = 8000;

export type LoadScenario =
  | { kind: "concurrent"; deliveries: number; prs: "same" | "different" }
  | { kind: "installations"; prs: number; installations: number }
  | { kind: "hostile"; input: HostileInput };

export type HostileInput = "glob" | "broken-base" | "config-12mb" | "long-name" | "lbs-6780";

export interface LoadRow {
  scenario: LoadScenario;
  label: string;
  answerP50Ms: number;
  answerP95Ms: number;
  /** First delivery sent to the last run completed (and every review posted). */
  allCompleteMs: number;
  statuses: Record<string, number>;
  /** Check runs left in progress (must be 0), runs in all, reviews in all. */
  inProgress: number;
  runs: number;
  reviews: number;
  /** What the (first) run says: conclusion and title. */
  outcome: string;
  peakRssMb: number;
}

const service = (name: string, type: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  type: ${type}\n  selector:\n    app: web\n  ports:\n    - port: 8080\n`;

function oneFile(path: string, base: string | undefined, head: string, extra: Partial<FakeRepository> = {}): FakeRepository {
  const mergeBase: Tree = new Map([["README.md", "# repo\n"]]);
  const headTree: Tree = new Map([["README.md", "# repo\n"], [path, head]]);
  if (base !== undefined) mergeBase.set(path, base);
  return { owner: "acme", name: "shop", mergeBase, head: headTree, pullNumber: 7, ...extra };
}

/** Issue 9's hostile inputs, as pull requests. */
function hostileRepository(input: HostileInput): FakeRepository {
  switch (input) {
    case "glob": {
      // A suppression glob that backtracks in a regular expression, against a long name it almost matches.
      const config = `suppressions:\n  - rule: "*"\n    object: "${BACKTRACKING_GLOB}"\n    reason: hostile\n`;
      return oneFile("k8s/long.yaml", service("web", "ClusterIP"), service(almostMatchingName(252), "NodePort"), { config });
    }
    case "broken-base": {
      const { base, head } = brokenBaseFile(8_000);
      return oneFile("k8s/big.yaml", base, head);
    }
    case "config-12mb": {
      const config = `suppressions:\n${'  - rule: nodeport\n    object: "Service/shop/legacy-*"\n    reason: "accepted in 2019 by the platform team"\n'.repeat(200_000)}`;
      return oneFile("k8s/web.yaml", service("web", "ClusterIP"), service("web", "NodePort"), { config });
    }
    case "long-name": {
      const name = "a".repeat(500_000);
      return oneFile("k8s/long.yaml", service(name, "ClusterIP"), service(name, "NodePort"));
    }
    case "lbs-6780":
      return oneFile("k8s/lbs.yaml", undefined, manyLoadBalancers(6_780));
  }
}

/** One HTTP front for several fakes: REST by repository in the path, GraphQL by its `name` variable, tokens shared. */
async function startRouter(fakes: readonly { fake: FakeGitHub; repository: FakeRepository }[]): Promise<{ host: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      const repoName = /^\/api\/v3\/repos\/[^/]+\/([^/]+)\//.exec(path)?.[1] ?? (path === "/api/graphql" ? (JSON.parse(body.toString("utf8")) as { variables?: { name?: string } }).variables?.name : undefined);
      const target = fakes.find((entry) => entry.repository.name === repoName) ?? fakes[0]!;
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([key]) => !["host", "connection", "content-length"].includes(key))) as Record<string, string>;
      const answer = await fetch(`${target.fake.url}${path}`, { method: req.method ?? "GET", headers, ...(body.length > 0 ? { body } : {}) });
      const payload = Buffer.from(await answer.arrayBuffer());
      if (path.endsWith("/access_tokens") && answer.status === 201) {
        const { token } = JSON.parse(payload.toString("utf8")) as { token: string };
        // One installation token is good for every repository of the installation.
        for (const entry of fakes) if (!entry.fake.tokens.includes(token)) entry.fake.tokens.push(token);
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (!["content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"].includes(key)) out[key] = value;
      });
      res.writeHead(answer.status, out);
      res.end(payload);
    })().catch((error: unknown) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `router: ${String(error)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Sends every delivery at once; the answer time of each and the time until all finished. */
async function sendAll(deliveries: readonly (() => ReturnType<Harness["send"]>)[]): Promise<{ answers: number[]; statuses: number[]; allMs: number }> {
  const start = performance.now();
  const answers: number[] = [];
  const statuses: number[] = [];
  await Promise.all(
    deliveries.map(async (send) => {
      const { response, done } = await send();
      answers.push(performance.now() - start);
      statuses.push(response.status);
      await done;
    }),
  );
  return { answers, statuses, allMs: performance.now() - start };
}

export async function runScenario(scenario: LoadScenario): Promise<LoadRow> {
  const common = { latencyMs: LATENCY_MS, answerWithinMs: ANSWER_WITHIN_MS, logLevel: "warn" as const, patchLimitLines: 100_000 };
  let fakes: { fake: FakeGitHub; repository: FakeRepository }[];
  let result: Awaited<ReturnType<typeof sendAll>>;
  const closers: (() => Promise<void>)[] = [];
  if (scenario.kind === "hostile") {
    const repository = hostileRepository(scenario.input);
    const h = await startHarness(repository, common);
    closers.push(() => h.close());
    fakes = [{ fake: h.fake, repository }];
    // Built before the clock starts: the payload asks the fake for the diff, which is the fake's work, not the app's.
    const payload = examplePayload(h.fake, repository, "pull_request", "opened");
    result = await sendAll([() => h.send("pull_request", payload)]);
  } else if (scenario.kind === "concurrent" && scenario.prs === "same") {
    const repository = shopRepository();
    const h = await startHarness(repository, common);
    closers.push(() => h.close());
    fakes = [{ fake: h.fake, repository }];
    const payload = examplePayload(h.fake, repository, "pull_request", "opened");
    result = await sendAll(Array.from({ length: scenario.deliveries }, (_, index) => () => h.send("pull_request", structuredClone(payload), { id: `d-${index}` })));
  } else {
    // Several pull requests: one repository (one fake) each, behind a router, one app instance.
    const count = scenario.kind === "concurrent" ? scenario.deliveries : scenario.prs;
    const installations = scenario.kind === "installations" ? scenario.installations : 1;
    const repositories = Array.from({ length: count }, (_, index) => shopRepository({ name: `shop-${index}` }));
    fakes = [];
    for (const repository of repositories) {
      const fake = await FakeGitHub.start({ repository, appId: APP_ID, privateKey: PRIVATE_KEY, latencyMs: LATENCY_MS });
      fakes.push({ fake, repository });
      closers.push(() => fake.close());
    }
    const router = await startRouter(fakes);
    closers.push(() => router.close());
    // Production throttling for the installation rows: its queues are what they measure.
    const h = await startHarness(repositories[0]!, { ...common, githubHost: router.host, throttling: scenario.kind === "installations" });
    closers.push(() => h.close());
    const payloads = fakes.map(({ fake, repository }, index) => {
      const payload = examplePayload(fake, repository, "pull_request", "opened");
      payload.installation.id = 1000 + (index % installations);
      return payload;
    });
    result = await sendAll(payloads.map((payload, index) => () => h.send("pull_request", payload, { id: `d-${index}` })));
  }
  const runs = fakes.flatMap(({ fake }) => fake.checkRuns);
  const first = fakes[0]!.fake.checkRuns[0];
  const row: LoadRow = {
    scenario,
    label: label(scenario),
    answerP50Ms: percentile(result.answers, 50),
    answerP95Ms: percentile(result.answers, 95),
    allCompleteMs: result.allMs,
    statuses: result.statuses.reduce<Record<string, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {}),
    inProgress: runs.filter((run) => run.status !== "completed").length,
    runs: runs.length,
    reviews: fakes.reduce((sum, { fake }) => sum + fake.reviews.length, 0),
    outcome: first ? `${first.conclusion}: ${String(first.output.title).slice(0, 60)}` : "no run",
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  for (const close of closers.reverse()) await close();
  return row;
}

function label(scenario: LoadScenario): string {
  if (scenario.kind === "concurrent") return `${scenario.deliveries} at once, ${scenario.prs === "same" ? "same PR" : "different PRs"}`;
  if (scenario.kind === "installations") return `${scenario.prs} PRs, ${scenario.installations} installation${scenario.installations === 1 ? "" : "s"}, throttled`;
  return `hostile: ${scenario.input}`;
}

export const LOAD_SCENARIOS: readonly LoadScenario[] = [
  { kind: "concurrent", deliveries: 10, prs: "same" },
  { kind: "concurrent", deliveries: 50, prs: "same" },
  { kind: "concurrent", deliveries: 10, prs: "different" },
  { kind: "concurrent", deliveries: 50, prs: "different" },
  { kind: "installations", prs: 50, installations: 50 },
  { kind: "installations", prs: 10, installations: 1 },
  { kind: "hostile", input: "glob" },
  { kind: "hostile", input: "broken-base" },
  { kind: "hostile", input: "config-12mb" },
  { kind: "hostile", input: "long-name" },
  { kind: "hostile", input: "lbs-6780" },
];

/**
 * The core alone on the 1 MB file broken in every base document (issue 9: 30 s, then 18.8 s): the
 * review's time against the `yaml` library's own parse of both sides (the floor), median of 3.
 */
export function benchBrokenBaseCore(counts: readonly number[] = [2_000, 4_000, 8_000]): { objects: number; bytes: number; reviewMs: number; floorMs: number }[] {
  const config = configSchema.parse({});
  const median = (work: () => void) => {
    const times = [0, 1, 2].map(() => {
      const start = performance.now();
      work();
      return performance.now() - start;
    });
    return times.sort((a, b) => a - b)[1]!;
  };
  return counts.map((objects) => {
    const { base, head } = brokenBaseFile(objects);
    return {
      objects,
      bytes: head.length,
      reviewMs: median(() => review({ base: [{ path: "big.yaml", text: base }], head: [{ path: "big.yaml", text: head }], config })),
      floorMs: median(() => {
        parseAllDocuments(base);
        parseAllDocuments(head);
      }),
    };
  });
}

export function printBrokenBaseCore(rows: ReturnType<typeof benchBrokenBaseCore>): void {
  console.log("A file broken in every base document, valid on the head: the core review vs the yaml parse floor of both sides\n");
  console.log(`${"objects".padStart(8)} ${"KB".padStart(6)} ${"review ms".padStart(10)} ${"yaml ms".padStart(8)} ${"ratio".padStart(6)}`);
  for (const row of rows) {
    console.log(
      `${String(row.objects).padStart(8)} ${(row.bytes / 1024).toFixed(0).padStart(6)} ${row.reviewMs.toFixed(0).padStart(10)} ${row.floorMs.toFixed(0).padStart(8)} ${(row.reviewMs / row.floorMs).toFixed(2).padStart(6)}`,
    );
  }
  console.log("\nTarget: linear in the file (the ratio stays flat as the file grows).");
}

const here = fileURLToPath(import.meta.url);

/** Every scenario in its own process (maxRSS is a high-water mark). */
export function benchGithubLoad(scenarios: readonly LoadScenario[] = LOAD_SCENARIOS): LoadRow[] {
  return scenarios.map((scenario) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", here, JSON.stringify(scenario)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out.trim().split("\n").at(-1)!) as LoadRow;
  });
}

export function printGithubLoadRows(rows: readonly LoadRow[]): void {
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "-");
  console.log(`GitHub App under load and hostile input (one instance, fake GitHub ${LATENCY_MS} ms per answer, answer after at most ${ANSWER_WITHIN_MS / 1000} s)\n`);
  console.log(
    `${"scenario".padEnd(42)} ${pad("answer p50", 11)} ${pad("p95", 7)} ${pad("all done ms", 12)} ${pad("HTTP", 12)} ${pad("runs", 5)} ${pad("open", 5)} ${pad("reviews", 8)} ${pad("peak RSS MB", 12)}  outcome`,
  );
  for (const row of rows) {
    const statuses = Object.entries(row.statuses)
      .map(([status, count]) => `${count}x${status}`)
      .join(" ");
    console.log(
      `${row.label.padEnd(42)} ${pad(ms(row.answerP50Ms), 11)} ${pad(ms(row.answerP95Ms), 7)} ${pad(ms(row.allCompleteMs), 12)} ${pad(statuses, 12)} ${pad(row.runs, 5)} ${pad(row.inProgress, 5)} ${pad(row.reviews, 8)} ${pad(row.peakRssMb.toFixed(0), 12)}  ${row.outcome}`,
    );
  }
  console.log(
    "\nTargets: every answer within 10 s; nothing left open; one review per pull request. Same PR: one result," +
      "\nthe other runs superseded. Throttled rows use Probot's production spacing (1 s between writes) per installation.",
  );
}

if (process.argv[1] === here) {
  const arg = process.argv[2];
  if (arg === "core") printBrokenBaseCore(benchBrokenBaseCore());
  else if (arg) console.log(JSON.stringify(await runScenario(JSON.parse(arg) as LoadScenario)));
  else printGithubLoadRows(benchGithubLoad());
}
