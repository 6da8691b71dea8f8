/**
 * Reads what a pull request changed: the changed files with their patches, and the base and head texts of
 * the manifests among them, in a number of requests that does not grow with the number of files
 * (up to 300 changed files: 1 compare + 1 GraphQL query; see docs/github-app.md, "API calls").
 *
 * The base side is the MERGE BASE, not the base branch's tip (`pull_request.base.sha`): GitHub's diff,
 * the patches, and so the lines a comment may sit on, are all against the merge base. Comparing with the
 * tip would count every manifest change made on the base branch since the branch point as a change of this
 * pull request (reverted). `GET /compare/{base}...{head}` returns `merge_base_commit` and the files in the
 * same single call that `pulls/{n}/files` would have cost.
 */
import type { Context } from "probot";
import { MAX_MANIFEST_BYTES } from "../core/limits.js";
import type { ManifestFile } from "../core/model.js";

/** The Octokit Probot hands a handler (retry, throttling, pagination, `config`). */
export type GitHub = Context["octokit"];

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullRequestRef extends RepoRef {
  number: number;
  baseSha: string;
  headSha: string;
  /** From the webhook payload when known; decides whether the compare file list is complete. */
  changedFiles?: number;
  /** The repository's web URL (`repository.html_url`): how a Flux GitRepository of it is recognised. */
  repositoryUrl?: string;
}

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface ChangedFile {
  status: FileStatus;
  /** The head-side path (for a removed file, the path it had). */
  path: string;
  /** The base-side path of a renamed or copied file. */
  previousPath?: string;
  /** Unified-diff hunks; absent for binary files and diffs GitHub finds too large. */
  patch?: string;
}

export interface ChangedFiles {
  mergeBaseSha: string;
  files: ChangedFile[];
}

/** `GET /compare` lists at most this many files, on its first page only. */
export const COMPARE_FILE_CAP = 300;
/** `pulls/{n}/files` page size (GitHub's maximum). */
const FILES_PER_PAGE = 100;
/**
 * Blob aliases per GraphQL query: 300 changed manifests read on both sides, so every pull request the
 * compare call lists completely costs one query. GitHub documents no alias limit; the text of each blob is
 * capped at 512,000 bytes, and manifests are far smaller, so the response stays a few MB.
 */
export const BLOBS_PER_QUERY = 2 * COMPARE_FILE_CAP;

/**
 * The changed files and the merge base.
 * see: https://docs.github.com/en/rest/commits/commits#compare-two-commits
 * see: https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
 */
export async function listChangedFiles(octokit: GitHub, pr: PullRequestRef): Promise<ChangedFiles> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
    owner: pr.owner,
    repo: pr.repo,
    basehead: `${pr.baseSha}...${pr.headSha}`,
    // Commits are paginated and the files come with the first page whatever its size: ask for one commit.
    per_page: 1,
  });
  let files = data.files ?? [];
  const complete = pr.changedFiles === undefined ? files.length < COMPARE_FILE_CAP : pr.changedFiles <= COMPARE_FILE_CAP;
  if (!complete) {
    files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: pr.owner,
      repo: pr.repo,
      pull_number: pr.number,
      per_page: FILES_PER_PAGE,
    });
  }
  return {
    mergeBaseSha: data.merge_base_commit.sha,
    files: files.map((file) => ({
      status: file.status,
      path: file.filename,
      ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
      ...(file.patch !== undefined ? { patch: file.patch } : {}),
    })),
  };
}

/** One blob to read: a path at a commit, for one side of the review. */
export interface BlobRequest {
  side: "base" | "head";
  path: string;
  sha: string;
}

/** A GraphQL request: the document and its variables. */
export interface GraphqlRequest {
  query: string;
  variables: Record<string, string>;
}

interface BlobAnswer {
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
  isTruncated: boolean;
}

/**
 * The base and head texts of the changed files that `keep` accepts (the config's `paths`).
 * Added files have no base side, removed files no head side, a renamed file is read from its old path
 * on the base side. Binary and oversized blobs come back as `unreadable`, for the core to report.
 * `probes` (paths at the head commit) are asked in the same query whether they hold a file: `present`
 * names those that do (src/github/pipeline.ts asks so for kustomizations above the changed files).
 */
export async function readManifests(
  octokit: GitHub,
  repo: RepoRef,
  files: readonly ChangedFile[],
  shas: { base: string; head: string },
  keep: (path: string) => boolean,
  probes: readonly string[] = [],
): Promise<{ base: ManifestFile[]; head: ManifestFile[]; present: Set<string> }> {
  const wanted: BlobRequest[] = [];
  for (const file of files) {
    const basePath = file.previousPath ?? file.path;
    const readBase = file.status === "removed" || file.status === "modified" || file.status === "changed" || file.status === "renamed";
    const readHead = file.status !== "removed" && file.status !== "unchanged";
    if (readBase && keep(basePath)) wanted.push({ side: "base", path: basePath, sha: shas.base });
    if (readHead && keep(file.path)) wanted.push({ side: "head", path: file.path, sha: shas.head });
  }
  const result = { base: [] as ManifestFile[], head: [] as ManifestFile[], present: new Set<string>() };
  const { files: read, present } = await readAndProbe(octokit, repo, wanted, { listed: true, probes: probes.map((path) => `${shas.head}:${path}`) });
  for (const expression of present) result.present.add(expression.slice(shas.head.length + 1));
  for (const [index, request] of wanted.entries()) {
    const file = read[index];
    if (file) result[request.side].push(file); // else not a blob at that commit (a tree, a submodule)
  }
  return result;
}

/**
 * The texts of `blobs` (path at a commit), in order, in one GraphQL query per `BLOBS_PER_QUERY`;
 * undefined where the commit holds a tree or a submodule at that path. Shared by the changed files and
 * the tree views of the render stage (src/github/tree.ts). A `null` with an error from GitHub, or any
 * `null` for a blob the diff or a tree listing named (`listed`), whose text therefore exists, is GitHub
 * failing to give it: it comes back as an `unavailable` file, for the review to say so rather than review
 * without it (fail closed). A `null` for a path that was only a guess means the path is not there.
 */
export async function readBlobs(
  octokit: GitHub,
  repo: RepoRef,
  blobs: readonly BlobRequest[],
  { listed = false }: { listed?: boolean } = {},
): Promise<(ManifestFile | undefined)[]> {
  return (await readAndProbe(octokit, repo, blobs, { listed })).files;
}

/**
 * `readBlobs`, and whether each of `probes` (`<sha>:<path>` expressions) names a file, asked in the first
 * query: `present` holds those that do, and those GitHub failed to answer (they may be there).
 */
async function readAndProbe(
  octokit: GitHub,
  repo: RepoRef,
  blobs: readonly BlobRequest[],
  { listed = false, probes = [] }: { listed?: boolean; probes?: readonly string[] },
): Promise<{ files: (ManifestFile | undefined)[]; present: Set<string> }> {
  const files: (ManifestFile | undefined)[] = [];
  const present = new Set<string>();
  for (const [number, query] of blobQueries(repo, blobs, probes).entries()) {
    const chunk = blobs.slice(number * BLOBS_PER_QUERY, (number + 1) * BLOBS_PER_QUERY);
    const { answers, probed } = await queryBlobs(octokit, query, chunk.length, number === 0 ? probes.length : 0);
    for (const [index, found] of probed.entries()) if (found) present.add(probes[index]!);
    for (const [index, request] of chunk.entries()) {
      const blob = answers[index]!;
      if (blob === NOT_A_BLOB) files.push(undefined);
      else if (!("byteSize" in blob)) files.push(listed || blob.failed ? { path: request.path, unreadable: "unavailable", unreadableDetail: blob.problem } : undefined);
      else files.push(await toManifestFile(octokit, repo, request, blob));
    }
  }
  return { files, present };
}

/**
 * The GraphQL requests that read `blobs`: one per `BLOBS_PER_QUERY`, one alias `f<i>` per blob, in order,
 * and in the first one an alias `k<i>` per probe (a `<sha>:<path>` expression) asking only its type.
 * Expressions (`<sha>:<path>`) travel as variables, so no path is ever written into the query text and
 * none needs escaping. Tests validate these against GitHub's schema.
 * see: https://docs.github.com/en/graphql/reference/objects#blob
 */
export function blobQueries(repo: RepoRef, blobs: readonly BlobRequest[], probes: readonly string[] = []): GraphqlRequest[] {
  const requests: GraphqlRequest[] = [];
  for (let start = 0; start < Math.max(blobs.length, probes.length > 0 ? 1 : 0); start += BLOBS_PER_QUERY) {
    const chunk = blobs.slice(start, start + BLOBS_PER_QUERY);
    const variables: Record<string, string> = { owner: repo.owner, name: repo.repo };
    const declarations = ["$owner: String!", "$name: String!"];
    const fields: string[] = [];
    for (const [index, request] of chunk.entries()) {
      variables[`e${index}`] = `${request.sha}:${request.path}`;
      declarations.push(`$e${index}: String!`);
      fields.push(`f${index}: object(expression: $e${index}) { ... on Blob { text byteSize isBinary isTruncated } }`);
    }
    // Probes ride in the first query: only whether a file is there (`Blob`), no text.
    for (const [index, expression] of (start === 0 ? probes : []).entries()) {
      variables[`k${index}`] = expression;
      declarations.push(`$k${index}: String!`);
      fields.push(`k${index}: object(expression: $k${index}) { __typename }`);
    }
    requests.push({ query: `query(${declarations.join(", ")}) { repository(owner: $owner, name: $name) { ${fields.join(" ")} } }`, variables });
  }
  return requests;
}

/** The answer for an expression that names a tree or a commit (a submodule): `{}` through the Blob fragment. */
const NOT_A_BLOB = Symbol("not a blob");
/** A `null` blob: `failed` when GitHub said why (an `errors` entry for it). */
type BlobResult = BlobAnswer | typeof NOT_A_BLOB | { problem: string; failed: boolean };

/**
 * Runs one blob query. GitHub answers a failed alias with `null` and an `errors` entry beside the data
 * (Octokit then throws, carrying the partial data): each such blob becomes `{ problem }`, the others are
 * used. A query that failed as a whole (no data) is an error of the review.
 */
async function queryBlobs(octokit: GitHub, request: GraphqlRequest, count: number, probeCount = 0): Promise<{ answers: BlobResult[]; probed: boolean[] }> {
  type Data = { repository: Record<string, (Partial<BlobAnswer> & { __typename?: string }) | null> | null };
  let data: Data | undefined;
  let problems: { path?: readonly (string | number)[]; message: string }[] = [];
  try {
    data = await octokit.graphql<Data>(request.query, request.variables);
  } catch (error) {
    // @octokit/graphql's GraphqlResponseError (not re-exported by Probot): the answer's `data` and `errors`.
    const answered = error as { name?: unknown; data?: unknown; errors?: typeof problems };
    if (answered.name !== "GraphqlResponseError" || !answered.data) throw error;
    data = answered.data as Data;
    problems = answered.errors ?? [];
  }
  const problemOf = (alias: string) => problems.find((problem) => problem.path?.includes(alias)) ?? (problems.some((problem) => !problem.path) ? problems[0] : undefined);
  // A probe GitHub failed to answer counts as there: the caller then looks closer rather than miss it.
  const probed = Array.from({ length: probeCount }, (_, index) => {
    const alias = `k${index}`;
    const object = data?.repository?.[alias];
    return object ? object.__typename === "Blob" : problems.some((problem) => problem.path?.includes(alias) ?? true);
  });
  const answers = Array.from({ length: count }, (_, index) => {
    const alias = `f${index}`;
    const object = data?.repository?.[alias];
    if (object && typeof object.byteSize === "number") return object as BlobAnswer;
    if (object) return NOT_A_BLOB;
    const problem = problemOf(alias);
    return { problem: clipDetail(problem?.message ?? "GitHub answered null for the file's blob"), failed: problem !== undefined };
  });
  return { answers, probed };
}

async function toManifestFile(octokit: GitHub, repo: RepoRef, request: BlobRequest, blob: BlobAnswer): Promise<ManifestFile> {
  const { path } = request;
  if (blob.isBinary) return { path, unreadable: "binary", size: blob.byteSize };
  if (blob.byteSize > MAX_MANIFEST_BYTES) return { path, unreadable: "too-large", size: blob.byteSize };
  // A text shorter than the blob is cut, whatever `isTruncated` says (invalid UTF-8 only ever grows when decoded).
  if (blob.text !== null && !blob.isTruncated && Buffer.byteLength(blob.text, "utf8") >= blob.byteSize) return { path, text: blob.text, size: blob.byteSize };
  // GraphQL cuts `text` at 512,000 bytes: read the few blobs between that and the core's limit raw.
  try {
    const raw = await readRaw(octokit, repo, request);
    if (raw.text !== undefined && Buffer.byteLength(raw.text, "utf8") < blob.byteSize) {
      return { path, unreadable: "unavailable", unreadableDetail: `GitHub gave ${Buffer.byteLength(raw.text, "utf8")} of its ${blob.byteSize} bytes`, size: blob.byteSize };
    }
    return { path, ...raw, size: blob.byteSize };
  } catch (error) {
    // After Octokit's retries: this file is not known, the rest of the review still runs.
    const status = (error as { status?: unknown }).status;
    const why = `${typeof status === "number" ? `HTTP ${status}: ` : ""}${error instanceof Error ? error.message : String(error)}`;
    return { path, unreadable: "unavailable", unreadableDetail: clipDetail(`reading it failed: ${why}`), size: blob.byteSize };
  }
}

/** GitHub's messages go into the report; keep them to a line. */
function clipDetail(text: string): string {
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** see: https://docs.github.com/en/rest/repos/contents#get-repository-content (raw media type) */
async function readRaw(octokit: GitHub, repo: RepoRef, request: BlobRequest): Promise<Pick<ManifestFile, "text" | "unreadable">> {
  const response = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: repo.owner,
    repo: repo.repo,
    path: request.path,
    ref: request.sha,
    mediaType: { format: "raw" },
  });
  const data: unknown = response.data;
  // Octokit decodes text only for text/* or charset=utf-8 answers; otherwise the bytes arrive as an ArrayBuffer.
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data as ArrayBuffer);
  if (bytes.includes(0)) return { unreadable: "binary" };
  return { text: new TextDecoder("utf-8").decode(bytes) };
}
