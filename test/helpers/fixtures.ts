/**
 * Reads the manifest fixture pairs under fixtures/<case>/{base,head} with the same tree reader the
 * CLI uses, reviews them, and applies one-click fixes to file text, so tests see exactly what users see.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { configSchema, type Config, type ConfigInput } from "../../src/config/schema.js";
import type { Finding, Fix, ManifestFile, Report, RuleId } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
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

/**
 * The fixture folders that hold a manifest pair (fixtures/ also holds config files and payloads),
 * directly under fixtures/ or under its folder `group` (`routes`).
 */
export function manifestFixtureNames(group = ""): string[] {
  const dir = join(FIXTURES_DIR, group);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => existsSync(join(dir, name, "base")) || existsSync(join(dir, name, "head")))
    .sort();
}

/**
 * Reviews fixture `caseName` (a folder under fixtures/, `routes/x` for a group) with the config the
 * CLI would build from `configInput`, and checks that every file read cleanly: a case is about its
 * findings, never about a broken fixture.
 */
export async function reviewFixture(caseName: string, configInput: ConfigInput = {}): Promise<{ trees: FixtureTrees; config: Config; report: Report }> {
  const trees = await readFixture(caseName);
  const config = configSchema.parse(configInput);
  const report = review({ base: trees.base, head: trees.head, config });
  expect(report.errors).toEqual([]);
  return { trees, config, report };
}

/** Every finding of `rule` in `report`, suppressed ones included: a rule that stayed silent has none. */
export function findingsOfRule(report: Report, rule: RuleId): Finding[] {
  return report.objects.flatMap((object) => [...object.findings, ...object.suppressed]).filter((finding) => finding.rule === rule);
}

/** The text after applying `fix`: lines `startLine..endLine` (1-based) become `replacement`. */
export function applyFix(text: string, fix: Fix): string {
  const lines = text.split("\n");
  lines.splice(fix.startLine - 1, fix.endLine - fix.startLine + 1, ...fix.replacement.split("\n"));
  return lines.join("\n");
}
