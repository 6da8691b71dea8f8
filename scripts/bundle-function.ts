/**
 * Bundles the Netlify Function the way a deploy does (esbuild, ESM, Node 20) and reports its size and
 * cold import time: `npm run bundle`. The test suite bundles it too (test/github/bundle.test.ts), so a
 * dependency that breaks in a bundle (CommonJS `require` inside ESM) fails CI, not a deploy.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * pino and parts of Probot are CommonJS and call `require("node:os")`; an ESM bundle has no `require`.
 * Netlify's bundler adds a banner like this one. The local name avoids a clash with the bundle's own
 * `createRequire` import.
 */
export const REQUIRE_BANNER = "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);";

export async function bundleFunction(outFile: string, { minify = true } = {}): Promise<{ bytes: number }> {
  await build({
    entryPoints: [join(root, "functions/github-webhooks.ts")],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify,
    banner: { js: REQUIRE_BANNER },
    logLevel: "error",
  });
  return { bytes: statSync(outFile).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outFile = join(mkdtempSync(join(tmpdir(), "exposure-function-")), "github-webhooks.mjs");
  const { bytes } = await bundleFunction(outFile);
  // A plain node process, as Lambda has: this script's own loader (tsx) would slow the import down.
  const probe = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outFile).href)}); console.log(performance.now() - t);`;
  const runs = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" })));
  const importMs = runs.sort((a, b) => a - b)[2]!;
  console.log(`functions/github-webhooks.ts → ${outFile}`);
  console.log(`bundle: ${(bytes / 1024).toFixed(0)} KiB minified; cold import: ${importMs.toFixed(0)} ms (median of 5 fresh processes)`);
}
