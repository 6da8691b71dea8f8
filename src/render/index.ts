/**
 * The render stage (CONTRACT.md, "Rendered sources"), between reading the trees and the review:
 *
 * 1. list each side (TreeView) and read its YAML; find the targets (targets.ts);
 * 2. keep the targets whose inputs the change touches, on either side;
 * 3. per side, materialise exactly the files those targets read into a temp folder (read through the
 *    TreeView, so the App reads GitHub only here), fetch remote charts once (ChartFetcher), run the
 *    engines (Engines) in child processes within the side's time and output budget;
 * 4. hand the review one file per rendered target and side, carrying its target and a source map.
 *
 * Nothing from the pull request runs here: values are data written to files, engines run with the
 * flags render-engines fixes (no plugins, post-renderers or exec; load restrictor root-only), and
 * only charts are fetched, through the fetcher's SSRF guard.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname as nativeDirname, join } from "node:path";
import type { Config } from "../config/schema.js";
import type { ManifestFile, RenderedSides, ReviewError, Side } from "../core/model.js";
import { buildSourceMap, changedLeaves } from "./source-map.js";
import {
  basename,
  chartDirs,
  chartFiles,
  dirname,
  discoveryPaths,
  insideChart,
  KUSTOMIZATION_FILES,
  findTargets,
  releasesFromBuild,
  type DiscoveryOptions,
  remoteDependencies,
  type KustomizeHelmChart,
  type SideFiles,
  type Target,
} from "./targets.js";
import { untarChart } from "./untar.js";
import type { ChartFetcher, ChartRef, ChartResult, Engines, EngineResult, RenderBudget, TreeView } from "./types.js";

export interface RenderOptions {
  base: TreeView;
  head: TreeView;
  /** Paths the change touches, on either side (a renamed file under both names). */
  changedPaths: readonly string[];
  config: Config;
  engines: Engines;
  charts: ChartFetcher;
  /** The repository under review, to recognise Git sources of it (App: the repository's URL; CLI: `origin`). */
  repositoryUrl?: string;
  /** Where temp folders go (default: the OS temp folder). */
  tempRoot?: string;
  /** Engine runs at once across both sides. */
  concurrency?: number;
  /**
   * The sides are local (the command line), so reading them whole costs little: go past the cheap
   * check of the changed paths, which cannot know that a plain manifest sits under a Flux
   * Kustomization path without kustomization.yaml (only the Flux objects say so).
   */
  readWhole?: boolean;
  /** Outputs of fetched charts kept across reviews by a long-lived process (renderServices). */
  renders?: RenderCache;
}

/** Engine output one side may produce in all, past which a run is a `render` error. */
export const MAX_RENDER_OUTPUT_BYTES = 64 * 1024 * 1024;

export const renderMessages = {
  failed: (target: string, message: string) => `${target} could not be rendered: ${message}`,
  unavailable: (target: string, message: string) => `${target}: ${message}`,
  tree: (message: string) => `Rendered sources were not reviewed: ${message}`,
};

const NOTHING: RenderedSides = { base: [], head: [], inputs: { base: new Set(), head: new Set() }, errors: [], failed: { base: [], head: [] } };

interface SideState {
  side: Side;
  tree: TreeView;
  files: SideFiles;
  targets: Map<string, Target>;
  texts: Map<string, string>;
}

export async function renderChanges(options: RenderOptions): Promise<RenderedSides> {
  if (!options.config.render.enabled) return NOTHING;
  const errors: ReviewError[] = [];
  const discovery = { config: options.config.render, ...(options.repositoryUrl ? { repositoryUrl: options.repositoryUrl } : {}) };
  const changedList = [...new Set(options.changedPaths)];
  // Lazily: a side is read whole only when a changed path could be the input of some target.
  const listed = await Promise.all(
    ([["base", options.base], ["head", options.head]] as const).map(async ([side, tree]) => {
      try {
        const paths = await tree.listFiles();
        const known = new Set(paths);
        const changedYaml = changedList.filter((path) => known.has(path) && /\.(ya?ml)$/i.test(path));
        const changedTexts = changedYaml.length === 0 ? new Map<string, string>() : textsOf(await tree.readFiles(changedYaml));
        return { side, paths, known, changedTexts };
      } catch (error) {
        errors.push({ file: ".", reason: "render", side, message: renderMessages.tree((error as Error).message) });
        return { side, paths: undefined, known: new Set<string>(), changedTexts: new Map<string, string>() };
      }
    }),
  );
  const mayTouch = ({ paths, known, changedTexts }: (typeof listed)[number]) =>
    paths !== undefined && (options.readWhole === true ? changedList.some((path) => known.has(path)) : mayTouchTargets(paths, changedList, changedTexts, options.config.render));
  if (!listed.some(mayTouch)) {
    return { ...NOTHING, errors };
  }
  const load = async (side: Side, tree: TreeView): Promise<SideState | undefined> => {
    const paths = listed.find((entry) => entry.side === side)?.paths;
    if (paths === undefined) return undefined;
    try {
      const texts = textsOf(await tree.readFiles(discoveryPaths(paths)));
      const files: SideFiles = { paths, texts };
      const targets = new Map(findTargets(files, discovery).map((target) => [target.id, target]));
      return { side, tree, files, targets, texts: new Map(texts) };
    } catch (error) {
      errors.push({ file: ".", reason: "render", side, message: renderMessages.tree((error as Error).message) });
      return undefined;
    }
  };
  const [base, head] = await Promise.all([load("base", options.base), load("head", options.head)]);
  const changed = new Set(options.changedPaths);
  const touched = new Set<string>();
  for (const state of [base, head]) {
    for (const target of state?.targets.values() ?? []) {
      if ([...target.inputs].some((path) => changed.has(path))) {
        touched.add(target.id);
        // A HelmRelease read from its roots' output: those roots are built for it.
        for (const rootId of target.builtBy ?? []) touched.add(rootId);
      }
    }
  }
  // Touched, yet asked to render exactly the same on both sides (a shared file changed in a part the
  // target does not read: the HelmRepository's interval, the namespace kustomization listing one more
  // app): Helm gives the same objects for the same chart, release, namespace and values, so neither
  // side is rendered, as for an untouched target.
  for (const id of touched) {
    const [before, after] = [base?.targets.get(id), head?.targets.get(id)];
    if (before && after && sameRemoteRender(before, after)) touched.delete(id);
  }
  const failed = { base: [] as string[], head: [] as string[] };
  const result: RenderedSides = { base: [], head: [], inputs: { base: inputsOf(base), head: inputsOf(head) }, errors, failed };
  if (touched.size === 0) return result;

  const limit = pool(options.concurrency ?? 4);
  const fetches = new Map<string, Promise<ChartResult>>();
  const rendered = await Promise.all(
    [base, head].map((state) => (state ? renderSide(state, touched, options, limit, fetches, discovery) : Promise.resolve(new Map<string, RenderOutcome>()))),
  );
  const [baseOut, headOut] = rendered as [Map<string, RenderOutcome>, Map<string, RenderOutcome>];

  for (const id of [...touched].sort()) {
    for (const [state, out, other] of [
      [base, baseOut, headOut],
      [head, headOut, baseOut],
    ] as const) {
      if (!state) continue;
      const outcome = out.get(id);
      const target = state.targets.get(id);
      if (!outcome || !target) continue;
      if (!outcome.ok) {
        failed[state.side].push(id);
        result.errors.push({
          file: target.origin.file,
          line: target.origin.line,
          reason: outcome.reason,
          side: state.side,
          message: outcome.reason === "render" ? renderMessages.failed(id, outcome.message) : renderMessages.unavailable(id, outcome.message),
        });
        continue;
      }
      const otherTarget = (state === base ? head : base)?.targets.get(id);
      const otherOutcome = other.get(id);
      const leaves = target.helm?.values.flatMap((layer) => layer.leaves) ?? [];
      const otherLeaves = otherTarget && otherOutcome ? otherTarget.helm?.values.flatMap((layer) => layer.leaves) : undefined;
      const chart = target.helm?.chart;
      const lines = buildSourceMap(outcome.output, {
        changedLeaves: changedLeaves(leaves, otherTarget ? (otherLeaves ?? []) : undefined),
        texts: state.texts,
        ...(chart?.kind === "local" ? { templatePath: (source: string) => templatePath(chart.dir, source, state.texts) } : {}),
        ...(target.kustomize ? { patches: target.kustomize.patches, resources: [...target.inputs] } : {}),
      });
      result[state.side].push({
        path: id,
        text: outcome.output,
        rendered: { target: id, namespace: target.namespace, origin: target.origin, lines },
      });
    }
  }
  return result;
}

/** Two sides of a target that ask Helm for the same rendering of a fetched chart. */
function sameRemoteRender(base: Target, head: Target): boolean {
  const request = (target: Target) =>
    target.helm?.chart.kind === "remote" && !target.problem && !target.builtBy
      ? JSON.stringify([target.helm.chart.ref, target.helm.release, target.helm.namespace, target.namespace, target.helm.values.map((layer) => layer.text ?? null)])
      : undefined;
  const key = request(base);
  return key !== undefined && key === request(head);
}

/**
 * Whether any changed path could be read by a target, from the listing and the changed files' texts
 * alone: a file of a chart, a file beside or below a kustomization, a Flux / Argo CD / Kustomize object
 * or a ConfigMap, a `render.helm` values file, or a YAML file that is no Kubernetes object at all (a
 * values file an Application or HelmRelease may name). Anything else cannot change a rendering.
 */
export function mayTouchTargets(paths: readonly string[], changed: readonly string[], texts: ReadonlyMap<string, string>, config: Config["render"]): boolean {
  const charts = chartDirs(paths);
  const kustomizationDirs = new Set(paths.filter((path) => KUSTOMIZATION_FILES.includes(basename(path) as never)).map(dirname));
  const helmValues = new Set(config.helm.flatMap((entry) => entry.values));
  const underKustomization = (path: string) => {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      if (kustomizationDirs.has(dir)) return true;
      if (dir === ".") return false;
    }
  };
  return changed.some((path) => {
    if (insideChart(path, charts) !== undefined || helmValues.has(path) || underKustomization(path)) return true;
    const text = texts.get(path);
    if (text === undefined) return false;
    return RENDER_SOURCE_KIND.test(text) || !/^\s*(apiVersion|kind)\s*:/m.test(text);
  });
}

export const RENDER_SOURCE_KIND = /\bkind["']?\s*:\s*["']?(HelmRelease|Application|Kustomization|Component|HelmRepository|OCIRepository|GitRepository|ConfigMap)\b/;

function inputsOf(state: SideState | undefined): Set<string> {
  const inputs = new Set<string>();
  for (const target of state?.targets.values() ?? []) for (const path of target.inputs) inputs.add(path);
  return inputs;
}

function textsOf(files: readonly ManifestFile[]): Map<string, string> {
  return new Map(files.flatMap((file) => (file.text === undefined ? [] : [[file.path, file.text] as const])));
}

/** `app/templates/service.yaml` of a chart at `dir` -> `dir/templates/service.yaml`, when the repository holds it. */
function templatePath(dir: string, source: string, texts: ReadonlyMap<string, string>): string | undefined {
  const cut = source.indexOf("/");
  if (cut < 0) return undefined;
  const path = `${dir}/${source.slice(cut + 1)}`;
  return texts.has(path) ? path : undefined;
}

type RenderOutcome = EngineResult | { ok: false; reason: "chart-unavailable"; message: string };
/** A target's outcome; a root that built HelmReleases keeps its whole output (`raw`) for reading them. */
type TargetOutcome = RenderOutcome | { ok: true; output: string; raw?: string };

async function renderSide(
  state: SideState,
  touched: Set<string>,
  options: RenderOptions,
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  fetches: Map<string, Promise<ChartResult>>,
  discovery: DiscoveryOptions,
): Promise<Map<string, RenderOutcome>> {
  const outcomes = new Map<string, RenderOutcome>();
  const targets = [...state.targets.values()].filter((target) => touched.has(target.id));
  const budget: RenderBudget = { deadline: Date.now() + options.config.render.timeoutSeconds * 1000, maxOutputBytes: MAX_RENDER_OUTPUT_BYTES };
  const fetchOptions = { allowedPrefixes: options.config.render.repositories, deadline: budget.deadline };
  const fetchChart = (ref: ChartRef) => {
    const key = JSON.stringify([ref.repository, ref.chart, ref.version, ref.insecure ?? false]);
    let pending = fetches.get(key);
    if (!pending) {
      pending = options.charts.fetch(ref, fetchOptions).catch((error: unknown) => ({ ok: false as const, reason: "chart-unavailable" as const, message: (error as Error).message }));
      fetches.set(key, pending);
    }
    return pending;
  };

  // Everything the side's targets read, in one batched read.
  const needed = new Set<string>();
  const renderable: Target[] = [];
  for (const target of targets) {
    // Stand-ins for HelmReleases read from their roots' output (releasesFromBuild, below).
    if (target.builtBy) continue;
    if (target.problem) {
      outcomes.set(target.id, { ok: false, ...target.problem });
      // HelmReleases read from this root are unknown on this side, not gone.
      for (const standIn of targets) {
        if (standIn.builtBy?.includes(target.id) && !outcomes.has(standIn.id)) outcomes.set(standIn.id, { ok: false, reason: "render", message: `its Kustomize root ${target.id} could not be built` });
      }
      continue;
    }
    if (target.kustomize && !target.kustomize.mayExpose && target.kustomize.releases.length === 0) continue;
    renderable.push(target);
    if (target.helm?.chart.kind === "local") for (const file of chartFiles({ side: state.files }, target.helm.chart.dir)) needed.add(file);
    if (target.kustomize) for (const file of [...target.inputs, ...target.kustomize.support]) needed.add(file);
  }
  if (renderable.length === 0) return outcomes;
  const missing = [...needed].filter((path) => !state.texts.has(path));
  for (const [path, text] of textsOf(await state.tree.readFiles(missing))) state.texts.set(path, text);

  const root = await mkdtemp(join(options.tempRoot ?? tmpdir(), `exposure-render-${state.side}-`));
  try {
    const repo = join(root, "repo");
    await mkdir(repo, { recursive: true });
    // Only files the targets read are written; paths come from the tree listing, so none leaves `repo`.
    for (const path of needed) {
      const text = state.texts.get(path);
      if (text === undefined || path.split("/").includes("..")) continue;
      const full = join(repo, path);
      await mkdir(nativeDirname(full), { recursive: true });
      await writeFile(full, text);
    }
    // The kustomization.yaml Flux generates for a path without one: never a file of the tree, so it
    // cannot replace one.
    for (const target of renderable) {
      for (const file of target.kustomize?.generated ?? []) {
        if (needed.has(file.path) || file.path.split("/").includes("..")) continue;
        await mkdir(nativeDirname(join(repo, file.path)), { recursive: true });
        await writeFile(join(repo, file.path), file.text);
      }
    }
    const pathSet = new Set(state.files.paths);
    const placed = new Map<string, Promise<RenderOutcome | undefined>>();
    const context: TargetContext = { root, repo, state, pathSet, budget, fetchChart, engines: options.engines, limit, placed, renders: options.renders };
    let next = renderable.length;
    const standIns = targets.filter((target) => target.builtBy);
    await Promise.all(
      renderable.map(async (target, index) => {
        const outcome = await renderTarget(target, index, context);
        outcomes.set(target.id, outcome.ok ? { ok: true, output: outcome.output } : outcome);
        const releases = target.kustomize?.releases ?? [];
        if (releases.length === 0) return;
        const mine = standIns.filter((standIn) => standIn.builtBy!.includes(target.id));
        if (!outcome.ok) {
          // Its HelmReleases are unknown on this side, not gone.
          for (const standIn of mine) if (!outcomes.has(standIn.id)) outcomes.set(standIn.id, { ok: false, reason: "render", message: `its Kustomize root ${target.id} could not be built` });
          return;
        }
        const derived = releasesFromBuild(state.files, discovery, target, ("raw" in outcome ? outcome.raw : undefined) ?? outcome.output);
        await Promise.all(
          derived.map(async (release) => {
            if (outcomes.has(release.id) || (state.targets.get(release.id)?.builtBy === undefined && state.targets.has(release.id))) return;
            state.targets.set(release.id, release);
            touched.add(release.id);
            if (release.problem) return outcomes.set(release.id, { ok: false, ...release.problem });
            outcomes.set(release.id, await renderTarget(release, next++, context));
          }),
        );
      }),
    );
    // A stand-in no root built (a patch removed it, or it was renamed): not a target on this side.
    for (const standIn of standIns) if (state.targets.get(standIn.id) === standIn && !outcomes.has(standIn.id)) state.targets.delete(standIn.id);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return outcomes;
}

interface TargetContext {
  root: string;
  repo: string;
  state: SideState;
  pathSet: ReadonlySet<string>;
  budget: RenderBudget;
  fetchChart: (ref: ChartRef) => Promise<ChartResult>;
  engines: Engines;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** Kustomize helmCharts folders being put in place on this side, by folder. */
  placed: Map<string, Promise<RenderOutcome | undefined>>;
  renders: RenderCache | undefined;
}

/** sha256 of an archive, computed once per archive the fetcher hands out. */
const digests = new WeakMap<Uint8Array, string>();
function archiveDigest(archive: Uint8Array): string {
  let digest = digests.get(archive);
  if (!digest) digests.set(archive, (digest = createHash("sha256").update(archive).digest("hex")));
  return digest;
}

/**
 * Rendered outputs of fetched charts kept by a long-lived process (the App's function instance),
 * by archive digest, release, namespace and values; bounded by the bytes it holds, oldest dropped.
 */
export class RenderCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}
  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: string): void {
    if (value.length > this.maxBytes) return;
    if (this.entries.has(key)) this.bytes -= this.entries.get(key)!.length + key.length;
    this.entries.delete(key);
    this.entries.set(key, value);
    this.bytes += value.length + key.length;
    for (const [oldest, text] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= text.length + oldest.length;
    }
  }
  get size(): number {
    return this.entries.size;
  }
}

async function renderTarget(target: Target, index: number, context: TargetContext): Promise<TargetOutcome> {
  const { root, repo, budget, engines } = context;
  if (Date.now() >= budget.deadline) return { ok: false, reason: "render", message: "the side's render time limit was reached before this target" };
  const work = join(root, "work", String(index));
  await mkdir(work, { recursive: true });
  if (target.helm) {
    const plan = target.helm;
    let chart: string;
    let cacheKey: string | undefined;
    if (plan.chart.kind === "remote") {
      const fetched = await context.fetchChart(plan.chart.ref);
      if (!fetched.ok) return fetched;
      // The same archive, release, namespace and values render the same objects: a warm instance
      // reuses them (the merge base's releases, from one pull request to the next).
      cacheKey = context.renders && JSON.stringify([archiveDigest(fetched.archive), plan.release, plan.namespace, plan.values.map((layer) => layer.text ?? null)]);
      const cached = cacheKey === undefined ? undefined : context.renders?.get(cacheKey);
      if (cached !== undefined) return { ok: true, output: cached };
      chart = join(work, "chart.tgz");
      await writeFile(chart, fetched.archive);
    } else {
      chart = join(repo, plan.chart.dir);
      const chartYaml = context.state.texts.get(`${plan.chart.dir}/Chart.yaml`) ?? "";
      for (const dependency of remoteDependencies(chartYaml, plan.chart.dir, context.pathSet)) {
        const fetched = await context.fetchChart(dependency);
        if (!fetched.ok) return fetched;
        await mkdir(join(chart, "charts"), { recursive: true });
        await writeFile(join(chart, "charts", `${dependency.name}-${fetched.version}.tgz`), fetched.archive);
      }
    }
    const valuesFiles: string[] = [];
    for (const [layerIndex, layer] of plan.values.entries()) {
      if (layer.text === undefined) continue;
      const file = join(work, `values-${layerIndex}.yaml`);
      await writeFile(file, layer.text);
      valuesFiles.push(file);
    }
    const result = await context.limit(() => engines.helmTemplate({ chart, release: plan.release, namespace: plan.namespace, valuesFiles }, budget));
    if (!result.ok) return result;
    const output = keepReviewed(result.output);
    if (cacheKey !== undefined) context.renders?.set(cacheKey, output);
    return { ok: true, output };
  }
  if (target.kustomize) {
    for (const chart of target.kustomize.charts) {
      if (!chart.ref) continue;
      const placed = await placeChart(chart, context);
      if (placed) return placed;
    }
    let dir = join(repo, target.kustomize.dir);
    if (target.kustomize.namespace) {
      // Flux's targetNamespace, as kustomize-controller applies it: an overlay that sets the namespace.
      const overlay = join(work, "flux");
      await mkdir(overlay, { recursive: true });
      await writeFile(join(overlay, "kustomization.yaml"), `namespace: ${JSON.stringify(target.kustomize.namespace)}\nresources:\n  - ${JSON.stringify(relativeTo(overlay, dir))}\n`);
      dir = overlay;
    }
    const enableHelm = target.kustomize.charts.length > 0;
    const result = await context.limit(() => engines.kustomizeBuild({ dir, enableHelm }, budget));
    // The whole output stays for reading the HelmReleases it built.
    return result.ok ? { ok: true, output: keepReviewed(result.output), ...(target.kustomize.releases.length > 0 ? { raw: result.output } : {}) } : result;
  }
  return { ok: false, reason: "render", message: "nothing to render" };
}

/**
 * Puts a `helmCharts` chart where Kustomize looks for it (`<chartHome>/<name>-<version>/<name>`, or
 * `<chartHome>/<name>` without a version), fetched through the chart fetcher's checks and unpacked
 * once per side; Kustomize itself never pulls. Returns the outcome when the chart cannot be had.
 */
function placeChart(chart: KustomizeHelmChart, context: TargetContext): Promise<RenderOutcome | undefined> {
  const folder = join(context.repo, chart.chartHome, ...(chart.version ? [`${chart.name}-${chart.version}`] : []));
  let placing = context.placed.get(folder);
  if (!placing) {
    placing = (async () => {
      const fetched = await context.fetchChart(chart.ref!);
      if (!fetched.ok) return fetched;
      try {
        await untarChart(fetched.archive, folder);
        return undefined;
      } catch (error) {
        return { ok: false as const, reason: "chart-unavailable" as const, message: `chart ${chart.name} ${fetched.version} could not be unpacked: ${(error as Error).message}` };
      }
    })();
    context.placed.set(folder, placing);
  }
  return placing;
}

function relativeTo(from: string, to: string): string {
  const a = from.split("/").filter(Boolean);
  const b = to.split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

/**
 * The documents the review reads (exposure kinds and the workloads behind them); the others become
 * blank lines, so line numbers stay those of the engine's output and a chart's thousand-line CRDs do
 * not push a release over the manifest size limit.
 */
const REVIEWED_KIND = /^kind:\s*["']?(Service|Ingress|Gateway|HTTPRoute|GRPCRoute|TLSRoute|TCPRoute|UDPRoute|VirtualService|IngressRoute|IngressRouteTCP|Route|Deployment|StatefulSet|DaemonSet|ReplicaSet|Pod|Job|CronJob)["']?\s*$/m;

export function keepReviewed(output: string): string {
  const lines = output.split("\n");
  const kept: string[] = [];
  let start = 0;
  const flush = (end: number) => {
    const doc = lines.slice(start, end);
    const keep = REVIEWED_KIND.test(doc.join("\n"));
    for (const line of doc) kept.push(keep || line.startsWith("# Source:") || /^---/.test(line) ? line : "");
  };
  lines.forEach((line, index) => {
    if (/^---/.test(line) && index > start) {
      flush(index);
      start = index;
    }
  });
  flush(lines.length);
  return kept.join("\n");
}

/** A limit on tasks running at once. */
function pool(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
