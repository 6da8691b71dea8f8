/**
 * `npm run bench`: prints the core table (full review vs the `yaml` parse floor, per N) and the
 * end-to-end GitHub rows. Not part of the tests: timings depend on the machine.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CoreRow } from "./core.js";
import type { GatewayApiRow } from "./gateway-api.js";
import { childRow, pad } from "./measure.js";
import type { RoutesRow } from "./routes.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

function coreRows(): CoreRow[] {
  // One process per N: maxRSS is a high-water mark, so sharing a process would blur the figures.
  return (sizes.length > 0 ? sizes : [100, 1_000, 10_000]).map((n) => childRow<CoreRow>(`${here}core.ts`, n));
}

console.log("Core review (median of runs; base and head differ in 10% of the objects)\n");
console.log(
  `${pad("objects", 8)} ${pad("files", 6)} ${pad("listed", 7)} ${pad("review ms", 10)} ${pad("yaml ms", 9)} ${pad("ratio", 6)}` +
    ` | ${pad("changed", 8)} ${pad("review ms", 10)} ${pad("yaml ms", 9)} ${pad("ratio", 6)} | ${pad("peak RSS MB", 12)}`,
);
for (const row of coreRows()) {
  console.log(
    `${pad(row.objects, 8)} ${pad(row.files, 6)} ${pad(row.listed, 7)} ${pad(row.reviewMs.toFixed(1), 10)} ${pad(row.parseFloorMs.toFixed(1), 9)} ${pad(row.ratio.toFixed(2), 6)}` +
      ` | ${pad(row.changedFiles, 8)} ${pad(row.changedReviewMs.toFixed(1), 10)} ${pad(row.changedParseFloorMs.toFixed(1), 9)} ${pad(row.changedRatio.toFixed(2), 6)} | ${pad(row.peakRssMb.toFixed(0), 12)}`,
  );
}
console.log(
  "\nLeft: the whole trees (files with the same text on both sides are parsed once). Right: only the" +
    "\nchanged files on each side, as the GitHub App reads a pull request (every file parsed twice).",
);
console.log("\nTargets: 1,000 objects under 1 s; review within 2x of the yaml floor at every N.");

if (sizes.length === 0) {
  const { printGatewayApiRows } = await import("./gateway-api.js");
  console.log("");
  printGatewayApiRows([1_000, 10_000].map((n) => childRow<GatewayApiRow>(`${here}gateway-api.ts`, n)));
}

{
  const { printRoutesRows } = await import("./routes.js");
  console.log("");
  printRoutesRows([1_000, 10_000].map((n) => childRow<RoutesRow>(`${here}routes.ts`, n)));
}

if (existsSync(`${here}github.ts`)) {
  const { benchGithub, printGithubRows } = await import("./github.js");
  console.log("");
  printGithubRows(await benchGithub());
}

if (existsSync(`${here}github-load.ts`)) {
  const { benchBrokenBaseCore, benchGithubLoad, printBrokenBaseCore, printGithubLoadRows } = await import("./github-load.js");
  console.log("");
  printBrokenBaseCore(benchBrokenBaseCore());
  console.log("");
  printGithubLoadRows(benchGithubLoad());
}

if (existsSync(`${here}render-engines.ts`)) {
  const { benchRenderEngines, printRenderEngineRows } = await import("./render-engines.js");
  console.log("");
  printRenderEngineRows(await benchRenderEngines());
}

// Rendered sources end to end: one child process per case (bench/render.ts).
{
  const { benchRender, printRenderRows } = await import("./render.js");
  console.log("");
  printRenderRows(benchRender());
}
