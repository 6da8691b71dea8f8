/**
 * Engine and fetch figures for `npm run bench`: chart fetch cold and warm (a local Helm repository
 * and OCI registry on 127.0.0.1, so the figures are our overhead, not the internet's), `helm template`
 * of real charts, and `kustomize build`. Medians of a few runs; timings depend on the machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createChartFetcher } from "../src/render/charts.js";
import { createEngines } from "../src/render/engines.js";
import type { ChartRef, RenderBudget } from "../src/render/types.js";
import { startHelmRepository, startOciRegistry } from "../test/render/servers/index.js";

const SHARED_CHARTS = fileURLToPath(new URL("../../shared/charts/", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/render-engines/", import.meta.url));
const RUNS = 5;

export interface EngineBenchRow {
  case: string;
  ms: number;
  note: string;
}

async function median(runs: number, step: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await step();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function budget(): RenderBudget {
  return { deadline: Date.now() + 60_000, maxOutputBytes: 64 * 1024 * 1024 };
}

async function must<T extends { ok: boolean }>(result: Promise<T>): Promise<T> {
  const value = await result;
  if (!value.ok) throw new Error(JSON.stringify(value));
  return value;
}

export async function benchRenderEngines(): Promise<EngineBenchRow[]> {
  const rows: EngineBenchRow[] = [];
  const engines = createEngines();
  const described = engines.describe();
  if (typeof described.helm !== "string" || typeof described.kustomize !== "string") {
    return [{ case: "engines unavailable", ms: 0, note: JSON.stringify(described) }];
  }
  const shared = existsSync(join(SHARED_CHARTS, "app-template-3.5.1.tgz"));
  const repo = await startHelmRepository({ dirs: shared ? [SHARED_CHARTS] : [] });
  const registry = await startOciRegistry();
  try {
    if (shared) {
      const archive = readFileSync(join(SHARED_CHARTS, "app-template-3.5.1.tgz"));
      registry.pushChart("charts/app-template", "3.5.1", archive);
      const options = { allowedPrefixes: [`${repo.url}/`, `oci://${registry.host}/`], deadline: Date.now() + 60_000 };
      for (const [label, ref] of [
        ["Helm repository", { repository: repo.url, chart: "app-template", version: "3.5.1" }],
        ["OCI registry", { repository: `oci://${registry.host}/charts`, chart: "app-template", version: "3.5.1", insecure: true }],
      ] as Array<[string, ChartRef]>) {
        const cold = await median(RUNS, async () => must(createChartFetcher().fetch(ref, options)));
        const fetcher = createChartFetcher();
        await must(fetcher.fetch(ref, options));
        const warm = await median(RUNS, async () => must(fetcher.fetch(ref, options)));
        rows.push({ case: `fetch app-template 3.5.1, ${label}, cold`, ms: cold, note: `${Math.round(archive.length / 1024)} kB archive` });
        rows.push({ case: `fetch app-template 3.5.1, ${label}, warm`, ms: warm, note: "per-process cache" });
      }

      const dir = mkdtempSync(join(tmpdir(), "bench-engines-"));
      try {
        const values = join(dir, "values.yaml");
        writeFileSync(
          values,
          "controllers:\n  main:\n    containers:\n      main:\n        image: { repository: nginx, tag: '1.27' }\n" +
            "service:\n  main:\n    controller: main\n    type: LoadBalancer\n    ports: { http: { port: 80 } }\n",
        );
        const chart = join(SHARED_CHARTS, "app-template-3.5.1.tgz");
        rows.push({
          case: "helm template app-template 3.5.1",
          ms: await median(RUNS, () => must(engines.helmTemplate({ chart, release: "plex", namespace: "media", valuesFiles: [values] }, budget()))),
          note: described.helm,
        });
        const podinfo = join(SHARED_CHARTS, "podinfo-6.7.0.tgz");
        rows.push({
          case: "helm template podinfo 6.7.0",
          ms: await median(RUNS, () => must(engines.helmTemplate({ chart: podinfo, release: "podinfo", namespace: "web", valuesFiles: [] }, budget()))),
          note: described.helm,
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    rows.push({
      case: "kustomize build, overlay over a base",
      ms: await median(RUNS, () => must(engines.kustomizeBuild({ dir: join(FIXTURES, "kustomize/overlays/prod"), enableHelm: false }, budget()))),
      note: described.kustomize,
    });
    rows.push({
      case: "kustomize build, helmCharts through Helm",
      ms: await median(RUNS, () => must(engines.kustomizeBuild({ dir: join(FIXTURES, "kustomize/helm-charts"), enableHelm: true }, budget()))),
      note: described.kustomize,
    });
  } finally {
    await repo.close();
    await registry.close();
  }
  return rows;
}

export function printRenderEngineRows(rows: readonly EngineBenchRow[]): void {
  console.log(`Render engines and chart fetching (median of ${RUNS} runs)\n`);
  const width = Math.max(...rows.map((row) => row.case.length));
  for (const row of rows) console.log(`${row.case.padEnd(width)} ${row.ms.toFixed(1).padStart(8)} ms   ${row.note}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printRenderEngineRows(await benchRenderEngines());
}
