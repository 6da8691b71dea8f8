/**
 * A fake GitHub on 127.0.0.1 for end-to-end tests of the app: real HTTP, a small repository with a merge
 * base, a moved base branch and a head commit, one pull request. It records every request, validates
 * request bodies against GitHub's OpenAPI schemas (openapi-extract.json) and every GraphQL query against
 * GitHub's GraphQL schema (@octokit/graphql-schema), and refuses what GitHub refuses: a review comment off
 * the diff, more than 50 annotations, a token it did not issue, a query GitHub could not run.
 *
 * Probot reaches it through GHE_HOST=127.0.0.1:<port> and GHE_PROTOCOL=http: REST under /api/v3,
 * GraphQL at /api/graphql.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { buildSchema, execute, getVariableValues, type GraphQLSchema, type OperationDefinitionNode, parse, validate } from "graphql";
import { lineDiff } from "./line-diff.js";

/** path -> content; a Uint8Array stands for a binary file. */
export type Tree = Map<string, string | Uint8Array>;

export interface FakeRepository {
  owner: string;
  name: string;
  defaultBranch?: string;
  /** `.github/exposure.yml` on the default branch; absent means no file. */
  config?: string;
  /** The commit the pull request branched from. */
  mergeBase: Tree;
  /** The base branch's tip when it moved on after the branch point (defaults to the merge base). */
  baseTip?: Tree;
  head: Tree;
  pullNumber: number;
  draft?: boolean;
  /** Base path -> head path of files the diff lists as renamed. */
  renames?: Record<string, string>;
  /**
   * Files on the default branch of other repositories, as `owner/repo:path` -> text (the org `.github`
   * repository, files named by `_extends`).
   */
  otherFiles?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the /api/v3 prefix and without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  status: number;
  /** performance.now() when the request arrived. */
  receivedAt: number;
}

export interface Fault {
  method: string;
  path: RegExp;
  /** The answer's status (for `status` and `stored-then-status`). */
  status?: number;
  /** How many matching requests fail (Infinity: every one). */
  times: number;
  headers?: Record<string, string>;
  message?: string;
  /**
   * `status` (default): answered with `status`, nothing done. `stored-then-status`: done (stored), then
   * answered with `status`, as a 502 from GitHub's edge after the write landed. `hang`: never answered
   * (until the fake closes). `reset`: the connection is destroyed, nothing done. `stored-then-reset`: done,
   * then the connection is destroyed. `stored-then-hang`: done, then never answered (the client's timeout
   * is all it learns).
   */
  mode?: "status" | "stored-then-status" | "hang" | "reset" | "stored-then-reset" | "stored-then-hang";
  /** Only requests whose body this accepts fail (all when absent). */
  when?: (body: unknown) => boolean;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  started_at: string | null;
  annotations: Record<string, unknown>[];
  actions: unknown[];
  requests: number;
  /** performance.now() when the run was answered as completed. */
  completedAt?: number;
}

interface StoredComment {
  id: number;
  review_id: number;
  path: string;
  line: number;
  start_line: number | null;
  side: string;
  body: string;
  commit_id: string;
  user: { login: string; type: string };
}

interface StoredReview {
  id: number;
  body: string;
  commit_id: string;
  event: string;
  state: string;
  user: { login: string; type: string };
}

const GRAPHQL_TEXT_LIMIT = 512_000;
/** GitHub refuses review and comment bodies longer than this ("Body is too long"). */
const BODY_LIMIT = 65_536;
const COMPARE_FILE_CAP = 300;
const BOT = { login: "exposure-review[bot]", type: "Bot" };

let githubSchema: GraphQLSchema | undefined;

/**
 * GitHub's GraphQL schema, built once per process (about 0.4 s). `assumeValidSDL`: the published SDL
 * declares some fields twice (EnterpriseOwnerInfo), which plain `buildSchema` rejects.
 */
export function githubGraphqlSchema(): GraphQLSchema {
  githubSchema ??= buildSchema(readFileSync(new URL("../../node_modules/@octokit/graphql-schema/schema.graphql", import.meta.url), "utf8"), {
    assumeValidSDL: true,
  });
  return githubSchema;
}

/** What GitHub would refuse in a query and its variables, as its error messages; empty when it would run. */
export function graphqlProblems(query: string, variables: Record<string, unknown> = {}): string[] {
  const schema = githubGraphqlSchema();
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return [(error as Error).message];
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return invalid.map((error) => error.message);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === "OperationDefinition");
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], variables);
  return coerced.errors ? coerced.errors.map((error) => error.message) : [];
}

const spec = JSON.parse(readFileSync(new URL("./openapi-extract.json", import.meta.url), "utf8")) as {
  operations: Record<string, { schema: object }>;
};
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as { default: (ajv: Ajv) => void }).default(ajv);
const validators = new Map<string, ValidateFunction>(
  Object.entries(spec.operations).map(([operation, { schema }]) => [operation, ajv.compile(schema)]),
);

function shaOf(label: string, tree: Tree): string {
  const hash = createHash("sha1").update(label);
  for (const [path, content] of [...tree].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(path).update("\0").update(content);
  return hash.digest("hex");
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? new TextEncoder().encode(content) : content;
}

function isBinary(content: string | Uint8Array): boolean {
  return bytesOf(content).includes(0);
}

interface DiffEntry {
  filename: string;
  status: string;
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
  sha: string;
  commentable: Map<number, number>;
  /** Base-side lines a comment with `side: LEFT` may sit on (deleted and context lines). */
  commentableLeft: Map<number, number>;
}

export interface FakeGitHubOptions {
  repository: FakeRepository;
  appId: number;
  /** PEM of the app's private key: the fake checks the JWT of the token request with its public half. */
  privateKey: string;
  installationId?: number;
  /** Added before every answer (the bench's network). */
  latencyMs?: number;
  /** Changed lines above which a file's DiffEntry has no `patch`, as GitHub does for huge diffs. */
  patchLimitLines?: number;
  /**
   * A completed run keeps its status and conclusion whatever an update says (outputs and annotations still
   * apply), as GitHub staff described it (github.community/t/120566). By default the fake follows the REST
   * description of re-runs instead: an update may set a completed run back to `in_progress`.
   */
  completedRunsAreFinal?: boolean;
  /** Entries after which a recursive tree listing is cut (`truncated: true`); GitHub's is 100,000. */
  treeEntryLimit?: number;
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  readonly reviews: StoredReview[] = [];
  readonly reviewComments: StoredComment[] = [];
  /** Bodies GitHub's schema would refuse, with ajv's message; each was answered 422. */
  readonly invalidBodies: string[] = [];
  /** GraphQL requests GitHub's schema refuses, with its messages; each was answered `{ errors }`. */
  readonly invalidQueries: string[] = [];
  readonly tokens: string[] = [];
  readonly faults: Fault[] = [];
  /** `sha:path` expressions whose blob GraphQL answers `null`, with an error, as GitHub sometimes does. */
  readonly nullBlobs = new Set<string>();
  /**
   * Requests held until released: each hold waits until `count` matching requests have arrived, then lets
   * them all through together (a barrier), so concurrent deliveries interleave the same way every run;
   * with `count` Infinity, until `release()`.
   */
  private readonly holds: { method: string; path: RegExp; count: number; waiting: (() => void)[] }[] = [];
  private readonly arrivals: { method: string; path: RegExp; notify: () => void }[] = [];
  readonly shas: { mergeBase: string; baseTip: string; head: string };
  url = "";
  host = "";

  private readonly server: Server;
  private readonly commits = new Map<string, Tree>();
  private readonly publicKey: KeyObject;
  private nextId = 1000;
  private diffCache?: DiffEntry[];

  constructor(private readonly options: FakeGitHubOptions) {
    const repo = options.repository;
    this.shas = {
      mergeBase: shaOf("merge-base", repo.mergeBase),
      baseTip: repo.baseTip ? shaOf("base-tip", repo.baseTip) : shaOf("merge-base", repo.mergeBase),
      head: shaOf("head", repo.head),
    };
    this.commits.set(this.shas.mergeBase, repo.mergeBase);
    this.commits.set(this.shas.baseTip, repo.baseTip ?? repo.mergeBase);
    this.commits.set(this.shas.head, repo.head);
    this.publicKey = createPublicKey(options.privateKey);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake GitHub crashed: ${String(error)}` }));
      });
    });
  }

  static async start(options: FakeGitHubOptions): Promise<FakeGitHub> {
    const fake = new FakeGitHub(options);
    // Built before the first request, so no request (and no bench row) pays for it.
    githubGraphqlSchema();
    // Node closes idle keep-alive connections after 5 s, and a client that reuses one at that moment reads a
    // reset: longer than any review here, so a reset is only ever one the test injected.
    fake.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    const { port } = fake.server.address() as AddressInfo;
    fake.host = `127.0.0.1:${port}`;
    fake.url = `http://${fake.host}`;
    return fake;
  }

  private closed?: Promise<void>;

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.release();
    this.closed = new Promise((resolve) => {
      this.server.close(() => resolve());
      // Hung answers keep their connections open: end them.
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  /** Makes the next `times` requests matching method and path fail (see Fault.mode). */
  fail(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  /** Holds requests matching method and path until `count` of them wait, then releases them at once. */
  hold(method: string, path: RegExp, count = Number.POSITIVE_INFINITY): void {
    this.holds.push({ method, path, count, waiting: [] });
  }

  /** Lets every held request through and ends every hold. */
  release(): void {
    for (const hold of this.holds.splice(0)) for (const release of hold.waiting.splice(0)) release();
  }

  /** Resolves when a request matching method and path is held. */
  arrived(method: string, path: RegExp): Promise<void> {
    if (this.holds.some((hold) => hold.method === method && hold.path.source === path.source && hold.waiting.length > 0)) return Promise.resolve();
    return new Promise((notify) => this.arrivals.push({ method, path, notify }));
  }

  get pullFiles(): DiffEntry[] {
    this.diffCache ??= this.diff(this.options.repository.mergeBase, this.options.repository.head);
    return this.diffCache;
  }

  /** Renames are declared by the repository (GitHub detects them by similarity; that is not under test). */
  private diff(before: Tree, after: Tree): DiffEntry[] {
    const entries: DiffEntry[] = [];
    const renames = new Map(Object.entries(this.options.repository.renames ?? {}));
    const renamedTo = new Set(renames.values());
    const entry = (filename: string, status: string, left: string | Uint8Array | undefined, right: string | Uint8Array | undefined, previous?: string): DiffEntry => {
      const binary = (left !== undefined && isBinary(left)) || (right !== undefined && isBinary(right));
      const diff = binary ? undefined : lineDiff(left === undefined ? "" : String(left), right === undefined ? "" : String(right));
      const tooBig = diff !== undefined && diff.additions + diff.deletions > (this.options.patchLimitLines ?? 20_000);
      return {
        filename,
        status,
        ...(previous ? { previous_filename: previous } : {}),
        additions: diff?.additions ?? 0,
        deletions: diff?.deletions ?? 0,
        changes: (diff?.additions ?? 0) + (diff?.deletions ?? 0),
        ...(diff && !tooBig && diff.patch !== "" ? { patch: diff.patch } : {}),
        sha: right === undefined ? "0".repeat(40) : createHash("sha1").update(right).digest("hex"),
        commentable: diff && !tooBig ? diff.commentable : new Map(),
        commentableLeft: diff && !tooBig ? diff.commentableLeft : new Map(),
      };
    };
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const path of paths) {
      const left = before.get(path);
      const right = after.get(path);
      if (renames.has(path)) continue;
      if (renamedTo.has(path)) {
        const from = [...renames].find(([, to]) => to === path)![0];
        entries.push(entry(path, "renamed", before.get(from), right, from));
      } else if (left === undefined) entries.push(entry(path, "added", undefined, right));
      else if (right === undefined) entries.push(entry(path, "removed", left, undefined));
      else if (Buffer.compare(Buffer.from(bytesOf(left)), Buffer.from(bytesOf(right))) !== 0) entries.push(entry(path, "modified", left, right));
    }
    return entries;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const isGraphql = url.pathname === "/api/graphql";
    const path = isGraphql ? "/graphql" : url.pathname.replace(/^\/api\/v3/, "");
    const method = req.method ?? "GET";
    let body: unknown;
    try {
      body = raw === "" ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const record: RecordedRequest = { method, path, query: url.searchParams, headers: req.headers, body, status: 0, receivedAt: performance.now() };
    this.requests.push(record);
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));

    let send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (typeof payload === "string" && headers["content-type"]) {
        res.writeHead(status, headers);
        res.end(payload);
        return;
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };

    const hold = this.holds.find((candidate) => candidate.count > 0 && candidate.method === method && candidate.path.test(path));
    if (hold) {
      await new Promise<void>((release) => {
        hold.waiting.push(release);
        for (const arrival of this.arrivals.filter((candidate) => candidate.method === method && candidate.path.test(path))) {
          this.arrivals.splice(this.arrivals.indexOf(arrival), 1);
          arrival.notify();
        }
        if (hold.waiting.length >= hold.count) {
          hold.count = 0;
          for (const waiting of hold.waiting.splice(0)) waiting();
        }
      });
    }

    const fault = this.faults.find(
      (candidate) => candidate.times > 0 && candidate.method === method && candidate.path.test(path) && (!candidate.when || candidate.when(body)),
    );
    if (fault) fault.times -= 1;
    const mode = fault?.mode ?? "status";
    if (fault && mode === "hang") return;
    if (fault && mode === "reset") {
      record.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault && mode === "status") return send(fault.status ?? 500, { message: fault.message ?? "Server Error" }, fault.headers);
    if (fault) {
      // Stored, then answered badly: the work below runs, its answer is replaced.
      const answered = send;
      send = (status, payload, headers) => {
        void payload;
        if (mode === "stored-then-hang") return;
        if (mode === "stored-then-reset") {
          record.status = -1;
          req.socket.destroy();
          return;
        }
        answered(fault.status ?? 502, { message: fault.message ?? "Bad Gateway" }, { ...headers, ...fault.headers, "x-stored-status": String(status) });
      };
    }

    const auth = req.headers.authorization ?? "";
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      if (!this.validJwt(auth)) return send(401, { message: "A JSON web token could not be decoded" });
      const token = `ghs_fake${createHash("sha1").update(String(this.tokens.length)).digest("hex").slice(0, 32)}`;
      this.tokens.push(token);
      return send(201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {}, repository_selection: "all" });
    }
    if (!this.tokens.some((token) => auth === `token ${token}`)) return send(401, { message: "Bad credentials" });

    const validate = (operation: string): boolean => {
      const validator = validators.get(operation);
      if (!validator) throw new Error(`no schema for ${operation}`);
      if (validator(body)) return true;
      const message = `${operation}: ${ajv.errorsText(validator.errors)}`;
      this.invalidBodies.push(message);
      send(422, { message: "Invalid request.", errors: [message] });
      return false;
    };

    const repo = this.options.repository;
    const repoPrefix = `/repos/${repo.owner}/${repo.name}`;
    if (isGraphql && method === "POST") return send(200, await this.graphql(body));

    let match: RegExpExecArray | null;
    if (method === "GET" && (match = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path)) && !url.searchParams.has("ref")) {
      // A file on a default branch: the config, the org `.github` repository's, an `_extends` target.
      const [, owner, name, encoded] = match;
      const filePath = decodeURIComponent(encoded!);
      const content = owner === repo.owner && name === repo.name ? (filePath === ".github/exposure.yml" ? repo.config : undefined) : repo.otherFiles?.[`${owner}/${name}:${filePath}`];
      if (content === undefined) return send(404, { message: "Not Found" });
      if (String(req.headers.accept).includes("raw")) return send(200, content, { "content-type": "text/plain; charset=utf-8" });
      const bytes = Buffer.from(content, "utf8");
      return send(200, {
        type: "file",
        encoding: "base64",
        size: bytes.byteLength,
        name: filePath.split("/").pop(),
        path: filePath,
        content: bytes.byteLength > 1024 * 1024 ? "" : bytes.toString("base64"),
        sha: createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex"),
      });
    }
    if (!path.startsWith(repoPrefix)) {
      // Any other repository: not in this fake.
      return send(404, { message: "Not Found" });
    }
    const rest = path.slice(repoPrefix.length);

    if (method === "GET" && (match = /^\/contents\/(.+)$/.exec(rest))) {
      const filePath = decodeURIComponent(match[1]!);
      const ref = url.searchParams.get("ref");
      const content = ref ? this.commits.get(ref)?.get(filePath) : filePath === ".github/exposure.yml" ? repo.config : undefined;
      if (content === undefined) return send(404, { message: "Not Found" });
      if (!String(req.headers.accept).includes("raw")) return send(415, { message: "the fake serves raw content only" });
      // text/plain; charset=utf-8: @octokit/request decodes only text/* or charset=utf-8 bodies as text.
      return send(200, typeof content === "string" ? content : Buffer.from(content).toString("latin1"), { "content-type": "text/plain; charset=utf-8" });
    }
    if (method === "GET" && (match = /^\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/.exec(rest))) {
      const [, base, head] = match;
      if (!this.commits.has(base!) || head !== this.shas.head) return send(404, { message: "Not Found" });
      const files = this.pullFiles.slice(0, COMPARE_FILE_CAP).map(publicEntry);
      return send(200, {
        status: "diverged",
        ahead_by: 1,
        behind_by: base === this.shas.mergeBase ? 0 : 1,
        total_commits: 1,
        merge_base_commit: { sha: this.shas.mergeBase },
        base_commit: { sha: base },
        commits: [{ sha: this.shas.head }],
        files,
      });
    }
    if (method === "GET" && (match = /^\/git\/trees\/([0-9a-f]{40})$/.exec(rest))) {
      const tree = this.commits.get(match[1]!);
      if (!tree) return send(404, { message: "Not Found" });
      return send(200, this.gitTree(match[1]!, tree, url.searchParams.get("recursive") !== null));
    }
    if (method === "GET" && rest === `/pulls/${repo.pullNumber}`) return send(200, this.pull());
    if (method === "GET" && rest === `/pulls/${repo.pullNumber}/files`) {
      return this.paginated(url, this.pullFiles.slice(0, 3000).map(publicEntry), send);
    }
    if (method === "GET" && rest === `/pulls/${repo.pullNumber}/comments`) return this.paginated(url, this.reviewComments, send);
    if (method === "GET" && rest === `/pulls/${repo.pullNumber}/reviews`) return this.paginated(url, this.reviews, send);
    if (method === "GET" && (match = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(rest))) {
      return send(200, match[1] === this.shas.head ? [this.pull()] : []);
    }
    if (method === "GET" && (match = /^\/commits\/([0-9a-f]{40})\/check-runs$/.exec(rest))) {
      const name = url.searchParams.get("check_name");
      const appId = url.searchParams.get("app_id");
      const runs = this.checkRuns
        .filter((run) => run.head_sha === match![1] && (!name || run.name === name) && (!appId || Number(appId) === this.options.appId))
        .map((run) => this.publicRun(run))
        .reverse();
      return send(200, { total_count: runs.length, check_runs: runs });
    }
    if (method === "POST" && rest === "/check-runs") {
      if (!validate("POST /repos/{owner}/{repo}/check-runs")) return;
      const input = body as Record<string, unknown> & { output?: Record<string, unknown> };
      if (!this.commits.has(String(input.head_sha))) return send(422, { message: "No commit found for SHA" });
      const run: StoredCheckRun = {
        id: this.nextId++,
        name: String(input.name),
        head_sha: String(input.head_sha),
        status: String(input.status ?? "queued"),
        conclusion: (input.conclusion as string | undefined) ?? null,
        external_id: (input.external_id as string | undefined) ?? null,
        output: { title: null, summary: null, text: null },
        started_at: (input.started_at as string | undefined) ?? null,
        annotations: [],
        actions: (input.actions as unknown[] | undefined) ?? [],
        requests: 1,
      };
      this.applyOutput(run, input.output);
      this.checkRuns.push(run);
      return send(201, this.publicRun(run));
    }
    if (method === "PATCH" && (match = /^\/check-runs\/(\d+)$/.exec(rest))) {
      if (!validate("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")) return;
      const run = this.checkRuns.find((candidate) => candidate.id === Number(match![1]));
      if (!run) return send(404, { message: "Not Found" });
      const input = body as Record<string, unknown> & { output?: Record<string, unknown> };
      run.requests += 1;
      const final = this.options.completedRunsAreFinal && run.status === "completed";
      if (input.status && !final) {
        run.status = String(input.status);
        // Reopened for a re-run: the old conclusion no longer holds.
        if (run.status !== "completed") {
          run.conclusion = null;
          delete run.completedAt;
        }
      }
      if (input.conclusion && !final) {
        run.conclusion = String(input.conclusion);
        run.status = "completed";
        run.completedAt = performance.now();
      }
      if (input.external_id) run.external_id = String(input.external_id);
      if (input.started_at) run.started_at = String(input.started_at);
      if (input.actions) run.actions = input.actions as unknown[];
      this.applyOutput(run, input.output);
      return send(200, this.publicRun(run));
    }
    if (method === "GET" && (match = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.find((candidate) => candidate.id === Number(match![1]));
      return run ? send(200, this.publicRun(run)) : send(404, { message: "Not Found" });
    }
    if (method === "GET" && (match = /^\/check-runs\/(\d+)\/annotations$/.exec(rest))) {
      const run = this.checkRuns.find((candidate) => candidate.id === Number(match![1]));
      if (!run) return send(404, { message: "Not Found" });
      return this.paginated(url, run.annotations.map((annotation) => this.publicAnnotation(annotation)), send);
    }
    if (method === "POST" && rest === `/pulls/${repo.pullNumber}/reviews`) {
      if (!validate("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews")) return;
      const input = body as { commit_id?: string; body?: string; event?: string; comments?: Record<string, unknown>[] };
      if (input.commit_id !== undefined && !this.commits.has(input.commit_id)) return send(422, { message: "Unprocessable Entity", errors: ["Commit could not be resolved"] });
      if ((input.body ?? "").length > BODY_LIMIT || (input.comments ?? []).some((comment) => String(comment.body).length > BODY_LIMIT)) {
        return send(422, { message: "Validation Failed", errors: [`Body is too long (maximum is ${BODY_LIMIT} characters)`] });
      }
      for (const comment of input.comments ?? []) {
        const problem = this.commentProblem(comment);
        if (problem) return send(422, { message: "Unprocessable Entity", errors: [problem] });
      }
      const review: StoredReview = {
        id: this.nextId++,
        body: input.body ?? "",
        commit_id: input.commit_id ?? this.shas.head,
        event: input.event ?? "PENDING",
        state: input.event === "COMMENT" ? "COMMENTED" : "PENDING",
        user: BOT,
      };
      this.reviews.push(review);
      for (const comment of input.comments ?? []) {
        this.reviewComments.push({
          id: this.nextId++,
          review_id: review.id,
          path: String(comment.path),
          line: Number(comment.line),
          start_line: comment.start_line === undefined ? null : Number(comment.start_line),
          side: String(comment.side ?? "RIGHT"),
          body: String(comment.body),
          commit_id: review.commit_id,
          user: BOT,
        });
      }
      return send(200, review);
    }
    return send(404, { message: `Not Found (fake GitHub has no ${method} ${path})` });
  }

  /** Why GitHub would refuse this review comment, or undefined. */
  private commentProblem(comment: Record<string, unknown>): string | undefined {
    const file = this.pullFiles.find((entry) => entry.filename === comment.path);
    if (!file) return "Path could not be resolved";
    if (comment.position !== undefined) return "the app must use line/side, not the deprecated position";
    if (comment.side !== "RIGHT" && comment.side !== "LEFT") return "Line could not be resolved";
    const lines = comment.side === "LEFT" ? file.commentableLeft : file.commentable;
    const line = Number(comment.line);
    const hunk = lines.get(line);
    if (hunk === undefined) return "Pull request review thread line must be part of the diff";
    if (comment.start_line !== undefined) {
      const start = Number(comment.start_line);
      // A range on one side only: the app never spans the two sides.
      if (comment.start_side !== undefined && comment.start_side !== comment.side) return "Start line could not be resolved";
      if (!(start < line)) return "Pull request review thread start line must precede the end line";
      for (let l = start; l <= line; l++) {
        if (lines.get(l) !== hunk) return "Pull request review thread start line must be part of the same hunk as the line.";
      }
    }
    return undefined;
  }

  /** Annotations pointing past the end of their head file: GitHub cannot show them on a line. */
  private annotationProblems(output: Record<string, unknown> | undefined): string[] {
    const problems: string[] = [];
    for (const annotation of (output?.annotations as Record<string, unknown>[] | undefined) ?? []) {
      const content = this.options.repository.head.get(String(annotation.path));
      if (typeof content !== "string") continue;
      const lines = content.endsWith("\n") ? content.split("\n").length - 1 : content.split("\n").length;
      if (Number(annotation.end_line) > lines || Number(annotation.start_line) < 1) problems.push(`annotation ${String(annotation.path)}:${String(annotation.start_line)}-${String(annotation.end_line)} is outside the file's ${lines} lines`);
    }
    return problems;
  }

  private applyOutput(run: StoredCheckRun, output: Record<string, unknown> | undefined): void {
    if (!output) return;
    this.invalidBodies.push(...this.annotationProblems(output));
    if (output.title !== undefined) run.output.title = String(output.title);
    if (output.summary !== undefined) run.output.summary = String(output.summary);
    if (output.text !== undefined) run.output.text = String(output.text);
    run.annotations.push(...((output.annotations as Record<string, unknown>[] | undefined) ?? []));
  }

  /** An annotation as `GET /check-runs/{id}/annotations` lists it: every field, null when never sent. */
  private publicAnnotation(annotation: Record<string, unknown>) {
    const repo = this.options.repository;
    return {
      path: annotation.path,
      start_line: annotation.start_line,
      end_line: annotation.end_line,
      start_column: annotation.start_column ?? null,
      end_column: annotation.end_column ?? null,
      annotation_level: annotation.annotation_level,
      title: annotation.title ?? null,
      message: annotation.message,
      raw_details: annotation.raw_details ?? null,
      blob_href: `https://github.example/${repo.owner}/${repo.name}/blob/${this.shas.head}/${String(annotation.path)}`,
    };
  }

  private publicRun(run: StoredCheckRun) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.head_sha,
      status: run.status,
      conclusion: run.conclusion,
      external_id: run.external_id,
      started_at: run.started_at,
      html_url: `https://github.example/${this.options.repository.owner}/${this.options.repository.name}/runs/${run.id}`,
      output: { ...run.output, annotations_count: run.annotations.length },
      app: { id: this.options.appId, slug: "exposure-review" },
    };
  }

  /**
   * `GET /git/trees/{sha}` as GitHub answers it: with `recursive`, every blob and every folder (folders
   * before their contents), cut at `treeEntryLimit` entries with `truncated: true`; without, the top level.
   * A commit sha stands for its root tree, as GitHub allows.
   */
  private gitTree(sha: string, tree: Tree, recursive: boolean) {
    const entries: { path: string; mode: string; type: "blob" | "tree"; sha: string; size?: number; url: string }[] = [];
    const folders = new Set<string>();
    for (const [path, content] of [...tree].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const parts = path.split("/");
      for (let depth = 1; depth < parts.length; depth++) {
        const folder = parts.slice(0, depth).join("/");
        if (folders.has(folder) || (!recursive && depth > 1)) continue;
        folders.add(folder);
        const folderSha = createHash("sha1").update(`${sha}:${folder}`).digest("hex");
        entries.push({ path: folder, mode: "040000", type: "tree", sha: folderSha, url: `${this.url}/api/v3/git/trees/${folderSha}` });
      }
      if (!recursive && parts.length > 1) continue;
      const blobSha = createHash("sha1").update(content).digest("hex");
      entries.push({ path, mode: "100644", type: "blob", sha: blobSha, size: bytesOf(content).byteLength, url: `${this.url}/api/v3/git/blobs/${blobSha}` });
    }
    const limit = this.options.treeEntryLimit ?? 100_000;
    return { sha, url: `${this.url}/api/v3/git/trees/${sha}`, tree: entries.slice(0, limit), truncated: entries.length > limit };
  }

  private pull() {
    const repo = this.options.repository;
    return {
      number: repo.pullNumber,
      state: "open",
      draft: repo.draft ?? false,
      head: { sha: this.shas.head, ref: "feature" },
      base: { sha: this.shas.baseTip, ref: repo.defaultBranch ?? "main" },
      changed_files: this.pullFiles.length,
    };
  }

  private paginated(url: URL, items: readonly unknown[], send: (status: number, payload: unknown, headers?: Record<string, string>) => void): void {
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const next = new URL(url);
      next.searchParams.set("page", String(n));
      next.searchParams.set("per_page", String(perPage));
      return next.toString();
    };
    const links: string[] = [];
    if (page < last) links.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
    if (page > 1) links.push(`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`);
    send(200, items.slice((page - 1) * perPage, page * perPage), links.length > 0 ? { link: links.join(", ") } : {});
  }

  /**
   * Runs the query against GitHub's schema, as GitHub would: a query or variables the schema refuses get
   * `{ errors: [{ message }] }` with HTTP 200, GitHub's shape for them. Only `repository(owner, name)
   * { object(expression) }` resolves to data (enough for the app's blob query); a tree or commit answers
   * as such, so a `... on Blob` fragment on it selects nothing.
   */
  private async graphql(body: unknown): Promise<unknown> {
    const { query, variables = {} } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    const problems = typeof query === "string" ? graphqlProblems(query, variables) : ["A query attribute must be specified and must be a string."];
    if (problems.length > 0) {
      this.invalidQueries.push(...problems);
      return { errors: problems.map((message) => ({ message })) };
    }
    const repo = this.options.repository;
    const object = ({ expression }: { expression: string }) => {
      const colon = expression.indexOf(":");
      const tree = this.commits.get(expression.slice(0, colon));
      const path = expression.slice(colon + 1);
      const content = tree?.get(path);
      if (this.nullBlobs.has(expression)) throw new Error(`Something went wrong while reading ${expression}`);
      if (content === undefined) {
        return tree && [...tree.keys()].some((file) => file.startsWith(`${path}/`)) ? { __typename: "Tree" } : null;
      }
      const bytes = bytesOf(content);
      const binary = isBinary(content);
      const truncated = !binary && bytes.byteLength > GRAPHQL_TEXT_LIMIT;
      return {
        __typename: "Blob",
        text: binary ? null : new TextDecoder().decode(truncated ? bytes.slice(0, GRAPHQL_TEXT_LIMIT) : bytes),
        byteSize: bytes.byteLength,
        isBinary: binary,
        isTruncated: truncated,
      };
    };
    const repository = ({ owner, name }: { owner: string; name: string }) => (owner === repo.owner && name === repo.name ? { object } : null);
    return execute({ schema: githubGraphqlSchema(), document: parse(query as string), variableValues: variables, rootValue: { repository } });
  }

  private validJwt(authorization: string): boolean {
    const match = /^bearer (.+)\.(.+)\.(.+)$/i.exec(authorization);
    if (!match) return false;
    const [, header, payload, signature] = match;
    const ok = verifySignature("RSA-SHA256", Buffer.from(`${header}.${payload}`), this.publicKey, Buffer.from(signature!, "base64url"));
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as { iss?: unknown };
    return ok && String(claims.iss) === String(this.options.appId);
  }
}

function publicEntry({ commentable: _commentable, commentableLeft: _commentableLeft, ...entry }: DiffEntry) {
  return entry;
}
