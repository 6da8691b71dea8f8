/**
 * Reads the manifests a range of commits changed, on both sides, from a git repository: what the
 * CLI's `--git BASE..HEAD` compares. Only changed files are read, as on a pull request; all blobs
 * come through one `git cat-file --batch` process rather than one `git show` per file.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { MAX_MANIFEST_BYTES } from "../core/limits.js";
import type { ManifestFile } from "../core/model.js";
import { fileFromBytes } from "./read-tree.js";

const run = promisify(execFile);

export interface GitTrees {
  base: ManifestFile[];
  head: ManifestFile[];
  baseRev: string;
  headRev: string;
}

export interface GitRange {
  baseRev: string;
  headRev: string;
}

/** `A..B` compares A with B; `A...B` compares the merge base of A and B with B, as a pull request does. */
export async function resolveRange(cwd: string, range: string): Promise<GitRange> {
  const match = /^(.+?)(\.\.\.?)(.+)$/.exec(range);
  if (!match) throw new Error(`--git takes BASE..HEAD (or BASE...HEAD); got "${range}"`);
  const [, baseRef, dots, headRef] = match as unknown as [string, string, string, string];
  const headRev = await revParse(cwd, headRef);
  const baseRev = dots === "..." ? await git(cwd, ["merge-base", baseRef, headRef]) : await revParse(cwd, baseRef);
  return { baseRev, headRev };
}

/** The manifests the range changed, read on both sides. */
export async function readGitTrees(cwd: string, { baseRev, headRev }: GitRange, keep: (path: string) => boolean): Promise<GitTrees> {
  // -z: paths with spaces or unicode come through verbatim; --no-renames: a moved file is read on
  // both sides under its own path, and the core matches objects by identity anyway.
  const changed = (await git(cwd, ["diff", "--name-only", "--no-renames", "-z", baseRev, headRev], false))
    .split("\0")
    .filter((path) => path !== "" && keep(path));
  const [base, head] = await Promise.all([readBlobs(cwd, baseRev, changed), readBlobs(cwd, headRev, changed)]);
  return { base, head, baseRev, headRev };
}

/** One file's text at a revision, or undefined when the revision has no such file. */
export async function readGitFile(cwd: string, rev: string, path: string): Promise<string | undefined> {
  const [file] = await readBlobs(cwd, rev, [path]);
  return file?.text;
}

async function revParse(cwd: string, ref: string): Promise<string> {
  return git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => {
    throw new Error(`not a commit in ${cwd}: ${ref}`);
  });
}

async function git(cwd: string, args: string[], trim = true): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
    return trim ? stdout.trim() : stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args[0]} failed${stderr ? `: ${stderr}` : ""}`);
  }
}

/** Reads `rev:path` for every path through one `git cat-file --batch`; missing paths are skipped. */
function readBlobs(cwd: string, rev: string, paths: string[]): Promise<ManifestFile[]> {
  if (paths.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`git cat-file failed: ${stderr.trim()}`));
      resolve(parseBatch(Buffer.concat(chunks), paths));
    });
    child.stdin.end(paths.map((path) => `${rev}:${path}\n`).join(""));
  });
}

/** `git cat-file --batch` output: `<oid> <type> <size>\n<bytes>\n` per object, `<name> missing\n` otherwise. */
function parseBatch(output: Buffer, paths: string[]): ManifestFile[] {
  const files: ManifestFile[] = [];
  let offset = 0;
  for (const path of paths) {
    const newline = output.indexOf(0x0a, offset);
    const header = output.subarray(offset, newline).toString("utf8");
    offset = newline + 1;
    if (header.endsWith(" missing")) continue;
    const [, type, sizeText] = header.split(" ");
    const size = Number(sizeText);
    const bytes = output.subarray(offset, offset + size);
    offset += size + 1;
    if (type !== "blob") continue;
    files.push(size > MAX_MANIFEST_BYTES ? { path, unreadable: "too-large", size } : fileFromBytes(path, bytes));
  }
  return files;
}
