/**
 * Reads a directory of manifests into `ManifestFile`s for the core. Shared by the CLI and tests.
 * Files over the core's size limit are not read into memory: the core reports them as too large.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MAX_MANIFEST_BYTES } from "../core/limits.js";
import type { ManifestFile } from "../core/model.js";
import type { TreeView } from "../render/types.js";

/** Folders that never hold the project's manifests and can be huge. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

export async function readTree(root: string, keep: (path: string) => boolean = () => true, { withText = true } = {}): Promise<ManifestFile[]> {
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
      if (!keep(path)) continue;
      files.push(withText ? await readOne(full, path) : { path });
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

/**
 * A directory as a render-stage `TreeView` (src/render/types.ts): every file under it (the same
 * folders skipped as `readTree`), texts read on demand. Paths that would leave the directory are
 * never read.
 */
export function directoryTree(root: string): TreeView {
  let listing: Promise<string[]> | undefined;
  return {
    listFiles: () => {
      listing ??= readTree(root, () => true, { withText: false }).then((files) => files.map((file) => file.path));
      return listing;
    },
    async readFiles(paths) {
      // Only listed paths: a symbolic link is not listed, so none is followed out of the tree.
      const known = new Set(await this.listFiles());
      return readFiles(root, [...new Set(paths)].filter((path) => known.has(path)));
    },
  };
}

/**
 * Paths that differ between two directories: on one side only, or with other bytes. What the render
 * stage asks "did the change touch this target?" about when the CLI compares two trees.
 */
export async function changedBetween(baseRoot: string, headRoot: string, base: TreeView, head: TreeView): Promise<string[]> {
  const [basePaths, headPaths] = await Promise.all([base.listFiles(), head.listFiles()]);
  const inBase = new Set(basePaths);
  const changed = headPaths.filter((path) => !inBase.has(path));
  const inHead = new Set(headPaths);
  changed.push(...basePaths.filter((path) => !inHead.has(path)));
  for (const path of basePaths) {
    if (!inHead.has(path)) continue;
    const [left, right] = [join(baseRoot, ...path.split("/")), join(headRoot, ...path.split("/"))];
    const [leftStat, rightStat] = await Promise.all([stat(left), stat(right)]);
    if (leftStat.size !== rightStat.size || !(await readFile(left)).equals(await readFile(right))) changed.push(path);
  }
  return changed.sort();
}
