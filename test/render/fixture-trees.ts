/**
 * Render fixtures (`fixtures/render/<case>/{base,head}`) as the render stage and the review see them:
 * TreeViews over the two folders (with text replaced, e.g. a local chart server's URL put in), the
 * written manifests, and the paths the change touched.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ManifestFile } from "../../src/core/model.js";
import type { TreeView } from "../../src/render/types.js";

const ROOT = new URL("../../fixtures/render/", import.meta.url).pathname;

export function readFolder(dir: string, replace: Record<string, string> = {}): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        let text = readFileSync(full, "utf8");
        for (const [from, to] of Object.entries(replace)) text = text.split(from).join(to);
        files.set(relative(dir, full).split(sep).join("/"), text);
      }
    }
  };
  walk(dir);
  return files;
}

/** A TreeView over files in memory that counts what it is asked for. */
export function memoryTree(files: ReadonlyMap<string, string>): TreeView & { reads: string[][] } {
  const reads: string[][] = [];
  return {
    reads,
    listFiles: async () => [...files.keys()],
    readFiles: async (paths) => {
      reads.push([...paths]);
      return [...new Set(paths)].flatMap((path) => (files.has(path) ? [{ path, text: files.get(path)! }] : []));
    },
  };
}

export interface FixtureSides {
  base: Map<string, string>;
  head: Map<string, string>;
  /** Paths on one side only or with other texts. */
  changedPaths: string[];
  baseFiles: ManifestFile[];
  headFiles: ManifestFile[];
}

export function renderFixture(name: string, replace: Record<string, string> = {}): FixtureSides {
  const base = readFolder(join(ROOT, name, "base"), replace);
  const head = readFolder(join(ROOT, name, "head"), replace);
  const changedPaths = [...new Set([...base.keys(), ...head.keys()])].filter((path) => base.get(path) !== head.get(path)).sort();
  const asFiles = (files: Map<string, string>) => [...files].map(([path, text]) => ({ path, text }));
  return { base, head, changedPaths, baseFiles: asFiles(base), headFiles: asFiles(head) };
}

export const RENDER_FIXTURES = ROOT;
