/**
 * Packages a hand-written chart directory with the real `helm package`, as a chart repository's
 * maintainers do, and returns the archive's bytes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enginePaths } from "../../../src/render/engines.js";

export function packageChart(chartDir: string, version?: string): Uint8Array {
  const located = enginePaths().helm;
  if (!("path" in located)) throw new Error(located.unavailable);
  const helm = located.path;
  const out = mkdtempSync(join(tmpdir(), "package-chart-"));
  const home = mkdtempSync(join(tmpdir(), "package-chart-home-"));
  try {
    execFileSync(helm, ["package", chartDir, "--destination", out, ...(version ? ["--version", version] : [])], {
      env: { HOME: home, PATH: "", HELM_CONFIG_HOME: join(home, "config"), HELM_CACHE_HOME: join(home, "cache"), HELM_DATA_HOME: join(home, "data") },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const [archive] = readdirSync(out).filter((name) => name.endsWith(".tgz"));
    if (!archive) throw new Error(`helm package wrote no archive for ${chartDir}`);
    return readFileSync(join(out, archive));
  } finally {
    rmSync(out, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
