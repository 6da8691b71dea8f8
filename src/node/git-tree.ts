/**
 * Reads the manifests a range of commits changed, on both sides, from a git repository: what the
 * CLI's `--git BASE..HEAD` compares. Only changed files are read, as on a pull request; all blobs
 * come through one `git cat-file --batch` process rather than one `git show` per file.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { MAX_MANIFEST_BYTES } from "../core/limits.js";
import type { ManifestFile } from "../core/model.js";
import type { TreeView } from "../render/types.js";
import { fileFromBytes, readFiles } from "./read-tree.js";

const run = promisify(execFile);

export interface GitTrees {
  base: ManifestFile[];
  head: ManifestFile[];
  /** Every path the range changed, manifest or not (a chart's `_helpers.tpl` touches its chart). */
  changedPaths: string[];
  baseRev: string;
  headRev: string;
}

export interface GitRange {
  baseRev: string;
  headRev: string;
}

/** Thrown when the directory is not inside a git work tree: a usage error, said as such. */
export class NotAGitRepository extends Error {
  constructor(readonly dir: string) {
    super(`not a git repository: ${dir}`);
  }
}

/** The work tree's top directory; NotAGitRepository when `cwd` is not in one. */
export async function gitTopLevel(cwd: string): Promise<string> {
  try {
    const { stdout } = await run("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" });
    return stdout.trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    if (/not a git repository/i.test(stderr) || (error as NodeJS.ErrnoException).code === "ENOENT") throw new NotAGitRepository(cwd);
    throw new Error(`git rev-parse failed: ${stderr.trim()}`);
  }
}

/**
 * Ranges as `git diff` reads them: `A..B` compares A with B; `A...B` compares the merge base of A and B
 * with B, as a pull request does; an omitted side is HEAD (`main..`, `..topic`, `main...`).
 */
export async function resolveRange(cwd: string, range: string): Promise<GitRange> {
  const match = /^(.*?)(\.\.\.?)(.*)$/.exec(range);
  if (!match || (match[1] === "" && match[3] === "")) {
    throw new Error(`--git takes a range: BASE..HEAD, BASE...HEAD, or BASE.. (against HEAD); got "${range}"`);
  }
  const [, baseText, dots, headText] = match as unknown as [string, string, string, string];
  const baseRef = baseText === "" ? "HEAD" : baseText;
  const headRef = headText === "" ? "HEAD" : headText;
  const headRev = await revParse(cwd, headRef);
  const baseRev = dots === "..." ? await git(cwd, ["merge-base", await revParse(cwd, baseRef), headRev]) : await revParse(cwd, baseRef);
  return { baseRev, headRev };
}

/** The manifests the range changed, read on both sides. */
export async function readGitTrees(cwd: string, { baseRev, headRev }: GitRange, keep: (path: string) => boolean): Promise<GitTrees> {
  // -z: paths with spaces or unicode come through verbatim; --no-renames: a moved file is read on
  // both sides under its own path, and the core matches objects by identity anyway.
  const all = await changedPaths(cwd, [baseRev, headRev], () => true);
  const changed = all.filter(keep);
  const [base, head] = await Promise.all([readBlobs(cwd, baseRev, changed), readBlobs(cwd, headRev, changed)]);
  return { base, head, changedPaths: all, baseRev, headRev };
}

/**
 * What a commit would change now, for a pre-commit hook: `staged` compares the index with HEAD (what
 * `git commit` records), `worktree` compares the files on disk with HEAD, including untracked files
 * that are not ignored (a new manifest not yet added is still about to be deployed). Paths are relative
 * to the repository's top. In a repository without commits the base side is empty.
 */
export async function readUncommitted(cwd: string, what: "staged" | "worktree", keep: (path: string) => boolean): Promise<GitTrees & { top: string }> {
  const top = await gitTopLevel(cwd);
  const baseRev = await revParse(top, "HEAD").catch(async () => git(top, ["hash-object", "-t", "tree", "/dev/null"]));
  const all = await changedPaths(top, what === "staged" ? ["--cached", baseRev] : [baseRev], () => true);
  if (what === "worktree") {
    const untracked = (await git(top, ["ls-files", "--others", "--exclude-standard", "-z"], false)).split("\0");
    all.push(...untracked.filter((path) => path !== ""));
  }
  const changed = all.filter(keep);
  const base = await readBlobs(top, baseRev, changed);
  // `:0:path` is the path's stage-0 entry in the index (a conflicted path has none: nothing to read).
  const head = what === "staged" ? await readBlobs(top, ":0", changed) : await readFiles(top, changed);
  return { base, head, changedPaths: all, baseRev, headRev: what === "staged" ? "index" : "worktree", top };
}

/** Every manifest of the tree at `rev`, under `cwd` (paths relative to `cwd`, as a directory scan gives them). */
export async function readGitTree(cwd: string, rev: string, keep: (path: string) => boolean): Promise<ManifestFile[]> {
  const commit = await revParse(cwd, rev);
  const prefix = await git(cwd, ["rev-parse", "--show-prefix"]);
  const paths = (await git(cwd, ["ls-tree", "-r", "-z", "--full-name", "--name-only", commit], false))
    .split("\0")
    .filter((path) => path !== "" && path.startsWith(prefix) && keep(path.slice(prefix.length)));
  const top = await gitTopLevel(cwd);
  const files = await readBlobs(top, commit, paths);
  return files.map((file) => ({ ...file, path: file.path.slice(prefix.length) }));
}

async function changedPaths(cwd: string, diffArgs: string[], keep: (path: string) => boolean): Promise<string[]> {
  return (await git(cwd, ["diff", "--name-only", "--no-renames", "-z", ...diffArgs], false)).split("\0").filter((path) => path !== "" && keep(path));
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

/** Reads `rev:path` for every path through one `git cat-file --batch`; missing paths are skipped. `rev` may be `:0` (the index). */
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

/**
 * One commit as a render-stage `TreeView`: `git ls-tree` lists it once, `git cat-file --batch` reads
 * what is asked for. Symbolic links and submodules are not files of the tree here (a link's target is
 * no manifest, and following it could leave the repository).
 */
export function gitTree(cwd: string, rev: string): TreeView {
  let listing: Promise<string[]> | undefined;
  return {
    listFiles: () => {
      listing ??= git(cwd, ["ls-tree", "-r", "-z", "--full-tree", rev], false).then((output) =>
        output
          .split("\0")
          .filter((entry) => entry.startsWith("100644 blob ") || entry.startsWith("100755 blob "))
          .map((entry) => entry.slice(entry.indexOf("\t") + 1)),
      );
      return listing;
    },
    async readFiles(paths) {
      const known = new Set(await this.listFiles());
      return readBlobs(cwd, rev, [...new Set(paths)].filter((path) => known.has(path)));
    },
  };
}

/** The URL of the `origin` remote, when there is one: how the CLI knows "this repository". */
export async function originUrl(cwd: string): Promise<string | undefined> {
  return git(cwd, ["remote", "get-url", "origin"]).catch(() => undefined);
}
