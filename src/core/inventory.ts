/**
 * The exposure inventory of one tree (`exposure-review scan`): every object that carries exposure,
 * with its level, entry points, TLS and allow-list, and the findings that hold now.
 *
 * It is the review of the tree against an empty base: one code path, so the inventory can never
 * disagree with what a pull request adding the same files would be told (same reach readers, same
 * rules, same suppressions). Against an empty base every finding is "new", which is what "holds now"
 * means here.
 */
import { DEFAULT_CONFIG, type Config } from "../config/schema.js";
import { levelRank, type ExistingLevel, type ManifestFile, type ObjectReport, type Report } from "./model.js";
import { decideConclusion, review } from "./review.js";

export interface InventoryInput {
  /** The files of the tree (every manifest of it, not only changed ones). */
  files: ManifestFile[];
  config?: Config;
  /** List only objects at this level or above (`--level`); every level by default. */
  minLevel?: ExistingLevel;
}

export interface Inventory {
  /**
   * The review of the tree against an empty base, restricted to the listed objects, which are sorted
   * by level (public first), then file and line. Its conclusion is decided by the listed objects and
   * the tree's unreadable files, so `--level public` does not fail on a NodePort it does not show.
   */
  report: Report;
  /** How many exposure objects the tree holds, listed or not. */
  total: number;
}

export function inventory(input: InventoryInput): Inventory {
  const config = input.config ?? DEFAULT_CONFIG;
  const full = review({ base: [], head: input.files, config });
  const minRank = levelRank(input.minLevel ?? "cluster");
  const objects = full.objects.filter((object) => levelRank(object.level.head) >= minRank).sort(byExposure);
  return {
    report: { ...full, objects, conclusion: decideConclusion(objects, full.errors, config) },
    total: full.objects.length,
  };
}

/** Public first; within a level, by file then line (the report's own order). */
function byExposure(a: ObjectReport, b: ObjectReport): number {
  return levelRank(b.level.head) - levelRank(a.level.head) || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
}
