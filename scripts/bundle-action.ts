/**
 * Bundles the GitHub Action into action/main.mjs, the file action.yml runs (`runs.main`): the runner
 * runs no `npm install`, so the bundle is committed. `npm run bundle:action` writes it;
 * test/action/action.test.ts fails when the committed file differs from a fresh build, and runs the
 * fresh build against the fake GitHub.
 */
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { REQUIRE_BANNER } from "./bundle-function.js";

export const ACTION_BUNDLE = fileURLToPath(new URL("../action/main.mjs", import.meta.url));
const ENTRY = fileURLToPath(new URL("../src/action/main.ts", import.meta.url));

export async function bundleAction(outFile: string): Promise<{ bytes: number }> {
  await build({
    entryPoints: [ENTRY],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    // Licences of the bundled packages stay with the code (esbuild's default for minified output).
    legalComments: "eof",
    banner: { js: REQUIRE_BANNER },
    logLevel: "error",
  });
  return { bytes: statSync(outFile).size };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const before = (() => {
    try {
      return readFileSync(ACTION_BUNDLE, "utf8");
    } catch {
      return "";
    }
  })();
  const { bytes } = await bundleAction(ACTION_BUNDLE);
  const changed = readFileSync(ACTION_BUNDLE, "utf8") !== before;
  console.log(`src/action/main.ts → action/main.mjs: ${(bytes / 1024).toFixed(0)} KiB${changed ? " (changed: commit it)" : " (unchanged)"}`);
}
