/**
 * Context files for the App (CONTRACT.md, "Routes"): a route's level comes from Gateways that may sit
 * in files the pull request does not touch. When the change holds a kind whose review reads other
 * objects, the unchanged manifests of the head commit are read through its TreeView and handed to the
 * core as context. A file the pull request does not list is the same at the merge base and at the
 * head, so one read serves both sides.
 *
 * Cost, whatever the number of changed files: one tree listing and one GraphQL query per
 * `BLOBS_PER_QUERY` unchanged manifests (src/github/tree.ts), and nothing at all for a change that
 * holds no such kind.
 */
import type { ManifestFile } from "../core/model.js";
import type { TreeView } from "../render/types.js";
import type { ChangedFile, GitHub, RepoRef } from "./pull-request.js";
import { githubTree, TreeTooLarge } from "./tree.js";

/** Kinds whose reach is resolved against other objects of the tree (their Gateways, their routes). */
export const CONTEXT_KINDS: readonly string[] = ["Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/**
 * More unchanged manifests than this are not read: the review still runs, and a route whose Gateway
 * is then unknown is assumed public, which its findings say. Bounds the time and memory one webhook
 * delivery spends on a monorepo.
 */
export const MAX_CONTEXT_FILES = 3000;

/** `kind: HTTPRoute` in YAML or `"kind": "HTTPRoute"` in JSON, at any indentation. */
const KIND_LINE = new RegExp(`(?:^|\\n)\\s*(?:-\\s+)?["']?kind["']?\\s*:\\s*["']?(?:${CONTEXT_KINDS.join("|")})["']?\\s*(?:,|#|\\r?\\n|$)`);

/** Whether any of these texts (either side of the change) declares a kind that needs context. */
export function needsContext(files: readonly ManifestFile[]): boolean {
  return files.some((file) => file.text !== undefined && KIND_LINE.test(file.text));
}

export type ContextResult = { files: ManifestFile[] } | { skipped: string };

/**
 * The manifests of `tree` that the change does not list (`changedPaths`: every path and previous path
 * of the diff), or why none were read.
 */
export async function readContextFiles(
  tree: TreeView,
  changedPaths: ReadonlySet<string>,
  isManifest: (path: string) => boolean,
): Promise<ContextResult> {
  const paths = (await tree.listFiles()).filter((path) => isManifest(path) && !changedPaths.has(path));
  if (paths.length > MAX_CONTEXT_FILES) {
    return { skipped: `${paths.length} unchanged manifests, over the ${MAX_CONTEXT_FILES} read for context` };
  }
  return { files: await tree.readFiles(paths) };
}

/**
 * The unchanged manifests of the head commit `headSha`, when the changed texts hold a kind whose level
 * depends on other files; undefined when they need none, or when the tree is too large to read (the
 * review then assumes, and says so in the findings).
 */
export async function readReviewContext(
  octokit: GitHub,
  repo: RepoRef,
  headSha: string,
  changed: readonly ChangedFile[],
  texts: readonly ManifestFile[],
  isManifest: (path: string) => boolean,
): Promise<ManifestFile[] | undefined> {
  if (!needsContext(texts)) return undefined;
  const changedPaths = new Set(changed.flatMap((file) => (file.previousPath === undefined ? [file.path] : [file.path, file.previousPath])));
  try {
    const result = await readContextFiles(githubTree(octokit, repo, headSha, "head"), changedPaths, isManifest);
    return "files" in result ? result.files : undefined;
  } catch (error) {
    // A tree GitHub will not list whole leaves the Gateways unknown: assumed public, as the findings say.
    if (error instanceof TreeTooLarge) return undefined;
    throw error;
  }
}
