/**
 * One side of a pull request (a commit) as a `TreeView` (src/render/types.ts), read from GitHub: what the
 * render stage needs to find targets and materialise their inputs, and what the review reads as context
 * (Gateways for routes, Services and workloads for exposure paths).
 *
 * Cost, whatever the number of changed files: nothing until asked; then one recursive tree listing
 * (`GET /git/trees/{sha}?recursive=1`) and one GraphQL query per `BLOBS_PER_QUERY` files read, all
 * cached in the view, so asking twice for a file costs nothing. The listing also lets a read skip paths
 * the commit does not hold without asking GitHub.
 *
 * GitHub cuts a recursive listing at 100,000 entries or 7 MB (`truncated: true`). Such a side is not
 * half-read: `listFiles` throws `TreeTooLarge`, which the render stage turns into an error entry.
 */
import type { ManifestFile } from "../core/model.js";
import type { TreeView } from "../render/types.js";
import { type BlobRequest, type GitHub, readBlobs, type RepoRef } from "./pull-request.js";

/** A repository listing GitHub would not give whole; the side's targets cannot be found reliably. */
export class TreeTooLarge extends Error {}

export interface GitHubTreeView extends TreeView {
  /** The commit this view reads. */
  readonly sha: string;
}

/**
 * A lazy, caching view of the commit `sha`. `side` only labels the blob requests (GraphQL reads any
 * commit the same way). `read` are files of this commit already read elsewhere (the changed manifests):
 * those with a text are not asked again.
 */
export function githubTree(octokit: GitHub, repo: RepoRef, sha: string, side: "base" | "head", read: readonly ManifestFile[] = []): GitHubTreeView {
  let listing: Promise<string[]> | undefined;
  const files = new Map<string, Promise<ManifestFile | undefined>>(read.filter((file) => file.text !== undefined).map((file) => [file.path, Promise.resolve(file)]));

  const list = (): Promise<string[]> => {
    listing ??= (async () => {
      // see: https://docs.github.com/en/rest/git/trees#get-a-tree
      const { data } = await octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
        owner: repo.owner,
        repo: repo.repo,
        tree_sha: sha,
        recursive: "1",
      });
      if (data.truncated) {
        throw new TreeTooLarge(`GitHub lists the tree of ${sha.slice(0, 12)} only in part (over 100,000 entries or 7 MB); its rendered sources were not reviewed`);
      }
      // Blobs only: a submodule (`commit`) has no text here, a `tree` is a folder.
      return data.tree.filter((entry) => entry.type === "blob" && entry.path !== undefined).map((entry) => entry.path as string);
    })();
    // A failed listing may be asked again (a transient error after Octokit's retries).
    listing.catch(() => (listing = undefined));
    return listing;
  };

  return {
    sha,
    listFiles: async () => [...(await list())],
    async readFiles(paths) {
      // Only paths the commit holds are asked for: a guess (a values file that is not there) costs nothing.
      const known = listing ? new Set(await list()) : undefined;
      const missing = [...new Set(paths)].filter((path) => !files.has(path) && (known === undefined || known.has(path)));
      if (missing.length > 0) {
        const blobs: BlobRequest[] = missing.map((path) => ({ side, path, sha }));
        const read = readBlobs(octokit, repo, blobs);
        for (const [index, path] of missing.entries()) {
          const one = read.then((all) => all[index]);
          files.set(path, one);
          // A failed read is asked again next time rather than remembered as a failure.
          one.catch(() => files.delete(path));
        }
      }
      const answers = await Promise.all([...new Set(paths)].map((path) => files.get(path) ?? Promise.resolve(undefined)));
      return answers.filter((file): file is ManifestFile => file !== undefined);
    },
  };
}
