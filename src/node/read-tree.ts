/**
 * Reads a directory of manifests into `ManifestFile`s for the core. Shared by the CLI and tests.
 * Files over the core's size limit are not read into memory: the core reports them as too large.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MAX_MANIFEST_BYTES } from "../core/limits.js";
import type { ManifestFile } from "../core/model.js";

/** Folders that never hold the project's manifests and can be huge. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

export async function readTree(root: string, keep: (path: string) => boolean = () => true): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      const path = relative(root, full).split(sep).join("/");
      if (keep(path)) files.push(await readOne(full, path));
    }
  }
  await walk(root);
  return files;
}

/** The files at `paths` (relative to `root`, with `/`) that exist as regular files; others are skipped. */
export async function readFiles(root: string, paths: readonly string[]): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const path of paths) {
    const full = join(root, ...path.split("/"));
    const info = await stat(full).catch(() => undefined);
    if (info?.isFile()) files.push(await readOne(full, path));
  }
  return files;
}

async function readOne(full: string, path: string): Promise<ManifestFile> {
  const { size } = await stat(full);
  if (size > MAX_MANIFEST_BYTES) return { path, unreadable: "too-large", size };
  return fileFromBytes(path, await readFile(full));
}

/** Bytes to a ManifestFile; a NUL byte means binary (what git and GitHub use too). */
export function fileFromBytes(path: string, bytes: Uint8Array): ManifestFile {
  if (bytes.includes(0)) return { path, unreadable: "binary", size: bytes.byteLength };
  return { path, text: new TextDecoder("utf-8").decode(bytes), size: bytes.byteLength };
}
