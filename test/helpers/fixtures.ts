/**
 * Reads the manifest fixture pairs under fixtures/<case>/{base,head} with the same tree reader the
 * CLI uses, and applies one-click fixes to file text, so tests see exactly what users see.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Fix, ManifestFile } from "../../src/core/model.js";
import { readTree } from "../../src/node/read-tree.js";

export const FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export interface FixtureTrees {
  base: ManifestFile[];
  head: ManifestFile[];
}

/**
 * Both trees of a fixture case. A missing side is an empty tree: a case where every object is added
 * has no base folder (git keeps no empty folders).
 */
export async function readFixture(caseName: string): Promise<FixtureTrees> {
  const dir = join(FIXTURES_DIR, caseName);
  const base = join(dir, "base");
  const head = join(dir, "head");
  if (!existsSync(base) && !existsSync(head)) throw new Error(`Fixture ${caseName} has neither base/ nor head/ in ${dir}`);
  return {
    base: existsSync(base) ? await readTree(base) : [],
    head: existsSync(head) ? await readTree(head) : [],
  };
}

/** The fixture folders that hold a manifest pair (fixtures/ also holds config files and payloads). */
export function manifestFixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => existsSync(join(FIXTURES_DIR, name, "base")) || existsSync(join(FIXTURES_DIR, name, "head")))
    .sort();
}

/** The text after applying `fix`: lines `startLine..endLine` (1-based) become `replacement`. */
export function applyFix(text: string, fix: Fix): string {
  const lines = text.split("\n");
  lines.splice(fix.startLine - 1, fix.endLine - fix.startLine + 1, ...fix.replacement.split("\n"));
  return lines.join("\n");
}
