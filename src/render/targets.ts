/**
 * Finding render targets in one side of the change (CONTRACT.md, "Rendered sources"): charts of the
 * repository, `render.helm` entries, Flux HelmReleases and their sources, Argo CD Applications with a
 * Helm source, Kustomize roots and Flux Kustomization paths. For each target: how to render it, the
 * namespace it deploys to, the repository files it reads (which decide whether the change touches it,
 * and which are not reviewed on their own), and the values layers that map rendered fields back to
 * the line a reviewer can change.
 *
 * Pure over what was read: the caller lists and reads the side (src/render/index.ts).
 */
import { createHash } from "node:crypto";
import { isScalar, type Node as YamlNode } from "yaml";
import type { Config } from "../config/schema.js";
import { asList, asRecord } from "../core/fields.js";
import type { SourceLocation } from "../core/model.js";
import type { ChartRef } from "./types.js";
import { asString, lineOf, nodeAt, readYamlDocuments, valueLeaves, type ValueLeaf, type YamlDocument } from "./yaml-docs.js";

export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** One layer of values, in the order Helm applies them; `file` is absent for layers Helm already reads. */
export interface ValuesLayer {
  /** The YAML text handed to Helm (`-f`), or undefined when Helm reads the layer itself (a chart's values.yaml). */
  text?: string;
  /** Every leaf with the line that sets it, for pointing rendered fields back at it. */
  leaves: ValueLeaf[];
}

export type ChartSource =
  | { kind: "local"; dir: string }
  | { kind: "remote"; ref: ChartRef };

export interface HelmPlan {
  chart: ChartSource;
  release: string;
  namespace: string;
  values: ValuesLayer[];
}

export interface KustomizePlan {
  dir: string;
  /** Flux `targetNamespace`: every object goes there. */
  namespace?: string;
  /** Files to materialise beside the inputs (the whole folders of the kustomizations reached). */
  support: string[];
  /** Patch files (strategic merge or JSON 6902), searched first when pointing a field back. */
  patches: string[];
  /** False when no input could hold an exposure object: rendering it could not change the review. */
  mayExpose: boolean;
  /** Kustomize `helmCharts` of the kustomizations it builds: rendered through Helm, charts put in place first. */
  charts: KustomizeHelmChart[];
  /** kustomization.yaml files Flux would generate (paths without one), to write beside the inputs. */
  generated: { path: string; text: string }[];
  /** Files of HelmReleases it builds and may change: read from its output (`releasesFromBuild`). */
  releases: string[];
  /** Inline patches (`patches[].patch`) of the kustomizations it builds, with where their text starts. */
  inlinePatches: { file: string; text: string; offset: number }[];
}

/**
 * A `helmCharts` entry as the render stage puts its chart in place. Kustomize looks for the chart
 * folder at `<chartHome>/<name>-<version>/<name>` when a version is given, else `<chartHome>/<name>`,
 * and would run `helm pull` otherwise (which it is never allowed to).
 */
export interface KustomizeHelmChart {
  /** `helmGlobals.chartHome` (default `charts`) as a repository path. */
  chartHome: string;
  name: string;
  version?: string;
  /** Fetched and unpacked under chartHome when the repository does not hold the chart folder. */
  ref?: ChartRef;
}

export interface Target {
  /** `HelmRelease/media/plex`, `helm:charts/web`, `Application/argocd/shop`, `kustomize:deploy/overlays/prod`. */
  id: string;
  /** The target's own document: where its error entries and, failing anything better, its objects point. */
  origin: SourceLocation;
  /** The namespace its objects deploy to when they name none. */
  namespace: string;
  /** Repository paths it reads. */
  inputs: Set<string>;
  helm?: HelmPlan;
  kustomize?: KustomizePlan;
  /** Why it cannot be rendered on this side (a missing values file, a remote base): a `render` error. */
  problem?: { reason: "render" | "chart-unavailable"; message: string };
  /**
   * Kustomize roots that build this HelmRelease and may change it (patches, generators, ...): it is
   * read from their output instead of its file (`releasesFromBuild`), and this target is a stand-in.
   */
  builtBy?: string[];
}

/** What discovery is given: every path of the side and the texts of the files it asked for. */
export interface SideFiles {
  paths: readonly string[];
  /** Texts by path (the discovery files, then the chart / kustomization files it needs). */
  texts: ReadonlyMap<string, string>;
}

export interface DiscoveryOptions {
  config: Config["render"];
  /** The repository under review as a URL (the App knows it, the CLI takes `origin`), to recognise Git sources of it. */
  repositoryUrl?: string;
}

/**
 * The files discovery reads first: every YAML file but a chart's templates and subcharts (read only
 * when the chart is rendered), so values files of charts are there for the values layers.
 */
export function discoveryPaths(paths: readonly string[]): string[] {
  const charts = chartDirs(paths);
  return paths.filter((path) => {
    if (!/\.(ya?ml)$/i.test(path) && !KUSTOMIZATION_FILES.includes(basename(path) as never)) return false;
    const chart = insideChart(path, charts);
    return chart === undefined || !(isUnder(path, `${chart}/templates`) || isUnder(path, `${chart}/charts`));
  });
}

/** Folders holding a Chart.yaml that are not inside another chart (subcharts belong to their parent). */
export function chartDirs(paths: readonly string[]): string[] {
  const all = paths.filter((path) => basename(path) === "Chart.yaml").map(dirname).sort((a, b) => a.length - b.length);
  const top: string[] = [];
  for (const dir of all) if (!top.some((parent) => isUnder(dir, parent))) top.push(dir);
  return top;
}

export function insideChart(path: string, charts: readonly string[]): string | undefined {
  return charts.find((dir) => isUnder(path, dir));
}

/** Finds every target of the side. */
export function findTargets(side: SideFiles, options: DiscoveryOptions): Target[] {
  const charts = chartDirs(side.paths);
  const pathSet = new Set(side.paths);
  const docs: YamlDocument[] = [];
  for (const path of discoveryPaths(side.paths)) {
    const text = side.texts.get(path);
    if (text !== undefined) docs.push(...readYamlDocuments(path, text));
  }
  const kustomizations = readKustomizations(side, docs, options.config.remoteBases);
  const fluxKustomizations = docs.filter((doc) => isKind(doc, "kustomize.toolkit.fluxcd.io/", "Kustomization"));
  for (const doc of fluxKustomizations) {
    const path = asString(asRecord(asRecord(doc.value)["spec"])["path"]);
    const dir = path === undefined ? undefined : normalise(path);
    if (dir === undefined || dir.startsWith("..") || kustomizations.has(dir)) continue;
    const generated = generatedKustomization(side, kustomizations, dir, doc);
    if (generated) kustomizations.set(dir, generated);
  }
  const namespaces = deployedNamespaces(kustomizations, fluxKustomizations);
  const context: Context = { side, pathSet, charts, docs, namespaces, options };

  const targets: Target[] = [];
  const chartsUsed = new Set<string>();
  // A strategic-merge patch of a HelmRelease or Application is no object of its own.
  const patchFiles = new Set([...kustomizations.values()].flatMap((kustomization) => kustomization.patches));
  for (const doc of docs) {
    if (patchFiles.has(doc.file)) continue;
    if (isKind(doc, "helm.toolkit.fluxcd.io/", "HelmRelease")) targets.push(helmReleaseTarget(context, doc, chartsUsed));
    else if (isKind(doc, "argoproj.io/", "Application")) {
      const target = applicationTarget(context, doc, chartsUsed);
      if (target) targets.push(target);
    }
  }
  // Charts that Kustomize helmCharts use are rendered through their kustomization only.
  for (const kustomization of kustomizations.values()) for (const dir of kustomization.chartDirs) chartsUsed.add(dir);
  const entries = options.config.helm;
  for (const [index, entry] of entries.entries()) {
    const dir = normalise(entry.chart);
    chartsUsed.add(dir);
    const sameChart = entries.filter((other) => normalise(other.chart) === dir).length > 1;
    targets.push(chartTarget(context, dir, { release: entry.release, namespace: entry.namespace, values: entry.values }, sameChart ? index : undefined));
  }
  for (const dir of charts) if (!chartsUsed.has(dir)) targets.push(chartTarget(context, dir, { namespace: "default", values: [] }));
  const roots = kustomizeTargets(context, kustomizations, fluxKustomizations);
  targets.push(...roots);
  // A HelmRelease a root may change is read from that root's output: this target stands in for it,
  // touched whenever the root is.
  for (const root of roots) {
    for (const target of targets) {
      if (!/^(HelmRelease|Application)\//.test(target.id) || !root.kustomize?.releases.includes(target.origin.file)) continue;
      (target.builtBy ??= []).push(root.id);
      for (const path of root.inputs) target.inputs.add(path);
    }
  }
  contexts.set(side, context);
  return dedupe(targets);
}

/** The discovery of each side, kept for reading HelmReleases out of a root's output later. */
const contexts = new WeakMap<SideFiles, Context>();

/**
 * The HelmReleases a Kustomize root built (CONTRACT: "read as their Kustomize root renders them"):
 * their values as patched, their `valuesFrom` ConfigMaps as generated, their name and namespace as
 * rendered. Each values leaf points at the patch that sets it, else the HelmRelease's own file, else
 * the HelmRelease's document; a generated ConfigMap's values at the file it was generated from.
 */
export function releasesFromBuild(side: SideFiles, options: DiscoveryOptions, root: Target, output: string): Target[] {
  const found = contexts.get(side);
  if (!found || !root.kustomize) return [];
  const context: Context = { ...found, options };
  const built = readYamlDocuments(root.id, output);
  const written = context.docs.filter((doc) => root.kustomize!.releases.includes(doc.file) && isRelease(doc));
  // A values leaf as its document sets it: spec.values of a HelmRelease; helm values, valuesObject and
  // parameters of an Application (value files are files of the repository, already at their lines).
  const valuesOf = (doc: YamlDocument): ValueLeaf[] =>
    isKind(doc, "argoproj.io/", "Application") || asRecord(doc.value)["kind"] === "Application"
      ? applicationValueLeaves(context, doc)
      : valueLeaves(doc, nodeAt(doc.node, ["spec", "values"]));
  const allPatches = [
    ...root.kustomize.patches.flatMap((file) => readYamlDocuments(file, context.side.texts.get(file) ?? "")),
    ...root.kustomize.inlinePatches.flatMap((patch) => readYamlDocuments(patch.file, patch.text, patch.offset)),
  ];
  const patchDocs = allPatches.filter((doc) => ["HelmRelease", "Application"].includes(String(asRecord(doc.value)["kind"])));
  const jsonPatches = allPatches.filter((doc) => Array.isArray(doc.value)).flatMap(jsonPatchValueLeaves);
  const texts = [...root.inputs].flatMap((file) => {
    const text = context.side.texts.get(file);
    return text === undefined ? [] : [[file, text] as const];
  });
  const targets: Target[] = [];
  for (const doc of built) {
    if (!isRelease(doc)) continue;
    const kind = asRecord(doc.value)["kind"];
    const name = asString(asRecord(asRecord(doc.value)["metadata"])["name"]) ?? "";
    // Its file: the same name, else the name a prefix or suffix was added to.
    const ofKind = written.filter((candidate) => asRecord(candidate.value)["kind"] === kind);
    const own =
      ofKind.find((candidate) => asRecord(asRecord(candidate.value)["metadata"])["name"] === name) ??
      ofKind.find((candidate) => name.includes(String(asRecord(asRecord(candidate.value)["metadata"])["name"] ?? "\0")));
    const sameName = (patch: YamlDocument) => {
      if (asRecord(patch.value)["kind"] !== kind) return false;
      const patchName = asRecord(asRecord(patch.value)["metadata"])["name"];
      return patchName === undefined || patchName === name || (own !== undefined && patchName === asRecord(asRecord(own.value)["metadata"])["name"]);
    };
    const sources = [...patchDocs.filter(sameName).reverse().map(valuesOf), jsonPatches, ...(own ? [valuesOf(own)] : [])];
    const locate = (leaf: ValueLeaf) => {
      for (const leaves of sources) {
        const found = leaves.find((candidate) => candidate.path === leaf.path && JSON.stringify(candidate.value) === JSON.stringify(leaf.value));
        if (found) return found.at;
      }
      return undefined;
    };
    const fileWithText = (text: string) => texts.find(([, candidate]) => candidate === text)?.[0];
    const release: BuiltRelease = { root, own, built, locate, fileWithText };
    if (kind === "HelmRelease") targets.push(helmReleaseTarget(context, doc, new Set(), release));
    else {
      const application = applicationTarget(context, doc, new Set(), release);
      if (application) targets.push(application);
    }
  }
  return dedupe(targets);
}

/**
 * The values a JSON 6902 patch sets (`op: add|replace`, `path: /spec/values/...`), each at its `value`
 * line. Its target selector is not read: a leaf only ever claims a field with the same path and value.
 */
function jsonPatchValueLeaves(doc: YamlDocument): ValueLeaf[] {
  const leaves: ValueLeaf[] = [];
  asList(doc.value).forEach((item, index) => {
    const op = asRecord(item);
    const pointer = asString(op["path"]);
    if ((op["op"] !== "add" && op["op"] !== "replace") || !pointer?.startsWith("/spec/values/")) return;
    const keys = pointer.slice("/spec/values/".length).split("/").map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
    const path = keys.reduce((joined, key) => (/^\d+$/.test(key) ? `${joined}[${key}]` : joined === "" ? key : `${joined}.${key}`), "");
    const valueNode = nodeAt(seqItem(doc.node, index), ["value"]);
    if (!valueNode) return;
    for (const leaf of valueLeaves(doc, valueNode)) {
      const full = leaf.path === "" ? path : leaf.path.startsWith("[") ? `${path}${leaf.path}` : `${path}.${leaf.path}`;
      leaves.push({ ...leaf, path: full, key: leaf.path === "" ? (keys.at(-1) ?? "") : leaf.key });
    }
  });
  return leaves;
}

/** What a HelmRelease read from a root's output is read with. */
interface BuiltRelease {
  root: Target;
  /** Its document in the repository, when found: its origin. */
  own: YamlDocument | undefined;
  /** Every document the root built (generated ConfigMaps for `valuesFrom`). */
  built: readonly YamlDocument[];
  locate: (leaf: ValueLeaf) => SourceLocation | undefined;
  /** The input file whose whole text is this (a ConfigMap generated from a file). */
  fileWithText: (text: string) => string | undefined;
}

interface Context {
  side: SideFiles;
  pathSet: ReadonlySet<string>;
  charts: readonly string[];
  docs: readonly YamlDocument[];
  /** Deployed namespace of files (Flux targetNamespace, else the kustomization's `namespace`). */
  namespaces: ReadonlyMap<string, { namespace: string; from: string[] }>;
  options: DiscoveryOptions;
}

// ---------------------------------------------------------------------------------------------
// Helm charts of the repository

function chartTarget(
  context: Context,
  dir: string,
  entry: { release?: string | undefined; namespace: string; values: readonly string[] },
  entryIndex?: number,
): Target {
  const chartFile = `${dir}/Chart.yaml`;
  const chartName = asString(asRecord(readYamlDocuments(chartFile, context.side.texts.get(chartFile) ?? "")[0]?.value)["name"]) ?? basename(dir);
  const release = entry.release ?? chartName;
  const id = entryIndex === undefined ? `helm:${dir}` : `helm:${dir}#${release}`;
  const target: Target = {
    id,
    origin: { file: chartFile, line: 1 },
    namespace: entry.namespace,
    inputs: new Set(chartFiles(context, dir)),
  };
  const values: ValuesLayer[] = [chartValuesLayer(context, dir)];
  for (const file of entry.values) {
    const path = normalise(file);
    target.inputs.add(path);
    const text = context.side.texts.get(path);
    if (text === undefined) {
      target.problem ??= { reason: "render", message: `values file ${path} is missing` };
      continue;
    }
    values.push({ text, leaves: readYamlDocuments(path, text).flatMap((doc) => valueLeaves(doc)) });
  }
  target.helm = { chart: { kind: "local", dir }, release, namespace: entry.namespace, values };
  return target;
}

/** The chart's own values.yaml, as a layer Helm reads by itself (listed only to point fields back at it). */
function chartValuesLayer(context: Context, dir: string): ValuesLayer {
  const path = `${dir}/values.yaml`;
  const text = context.side.texts.get(path);
  return { leaves: text === undefined ? [] : readYamlDocuments(path, text).flatMap((doc) => valueLeaves(doc)) };
}

/** Every file of a chart folder, and of the charts it names with `file://` dependencies. */
export function chartFiles(context: Pick<Context, "side">, dir: string, seen = new Set<string>()): string[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const files = context.side.paths.filter((path) => isUnder(path, dir));
  const chart = asRecord(readYamlDocuments(`${dir}/Chart.yaml`, context.side.texts.get(`${dir}/Chart.yaml`) ?? "")[0]?.value);
  for (const dependency of asList(chart["dependencies"])) {
    const repository = asString(asRecord(dependency)["repository"]);
    if (repository?.startsWith("file://")) {
      const path = normalise(joinPath(dir, repository.slice("file://".length)));
      if (!path.startsWith("..")) files.push(...chartFiles(context, path, seen));
    }
  }
  return files;
}

/** Dependencies of a chart that must come from a repository (not vendored, not `file://`). */
export function remoteDependencies(chartYaml: string, dir: string, paths: ReadonlySet<string>): (ChartRef & { name: string })[] {
  const chart = asRecord(readYamlDocuments(`${dir}/Chart.yaml`, chartYaml)[0]?.value);
  const refs: (ChartRef & { name: string })[] = [];
  for (const item of asList(chart["dependencies"])) {
    const dependency = asRecord(item);
    const name = asString(dependency["name"]);
    const repository = asString(dependency["repository"]);
    const version = asString(String(dependency["version"] ?? "")) ?? "*";
    if (!name || !repository || repository.startsWith("file://")) continue;
    if (paths.has(`${dir}/charts/${name}/Chart.yaml`)) continue;
    refs.push({ name, repository, chart: name, version });
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------
// Flux HelmRelease

function helmReleaseTarget(context: Context, doc: YamlDocument, chartsUsed: Set<string>, built?: BuiltRelease): Target {
  const body = asRecord(doc.value);
  const metadata = asRecord(body["metadata"]);
  const spec = asRecord(body["spec"]);
  const name = asString(metadata["name"]) ?? "unnamed";
  // As built, the namespace is the deployed one already (Flux's targetNamespace included).
  const deployed = built ? undefined : context.namespaces.get(doc.file);
  const ownNamespace = deployed?.namespace ?? asString(metadata["namespace"]) ?? "default";
  const targetNamespace = asString(spec["targetNamespace"]);
  const namespace = targetNamespace ?? ownNamespace;
  const release = asString(spec["releaseName"]) ?? fluxReleaseName(targetNamespace ? `${targetNamespace}-${name}` : name);
  const ownDoc = built ? built.own : doc;
  const target: Target = {
    id: `HelmRelease/${ownNamespace}/${name}`,
    origin: ownDoc ? { file: ownDoc.file, line: ownDoc.line, ...textAt(ownDoc, ownDoc.line) } : built!.root.origin,
    namespace,
    inputs: new Set(built ? built.root.inputs : [doc.file, ...(deployed?.from ?? [])]),
  };
  const values: ValuesLayer[] = [];
  let chart: ChartSource | undefined;

  const chartSpec = asRecord(asRecord(spec["chart"])["spec"]);
  const chartRef = asRecord(spec["chartRef"]);
  if (Object.keys(chartSpec).length > 0) {
    const sourceRef = asRecord(chartSpec["sourceRef"]);
    const sourceKind = asString(sourceRef["kind"]) ?? "HelmRepository";
    const source = findSource(context, sourceKind, asString(sourceRef["name"]), asString(sourceRef["namespace"]) ?? ownNamespace);
    const chartName = substitute(asString(chartSpec["chart"]) ?? "");
    const version = substitute(asString(String(chartSpec["version"] ?? "")) ?? "*");
    if (!source) {
      target.problem = { reason: "chart-unavailable", message: `${sourceKind} ${asString(sourceRef["name"]) ?? "(unnamed)"} is not in the tree; chart ${chartName} cannot be fetched` };
    } else {
      target.inputs.add(source.file);
      const spec = asRecord(asRecord(source.value)["spec"]);
      const url = substitute(asString(spec["url"]) ?? "");
      if (sourceKind === "GitRepository") {
        chart = localChart(context, target, url, chartName);
      } else if (sourceKind === "HelmRepository") {
        const oci = spec["type"] === "oci" || url.startsWith("oci://");
        chart = { kind: "remote", ref: { repository: url, chart: chartName, version, ...(oci && spec["insecure"] === true ? { insecure: true } : {}) } };
      } else {
        target.problem = { reason: "chart-unavailable", message: `charts from a ${sourceKind} source are not fetched` };
      }
    }
  } else if (Object.keys(chartRef).length > 0) {
    const kind = asString(chartRef["kind"]) ?? "OCIRepository";
    const source = findSource(context, kind, asString(chartRef["name"]), asString(chartRef["namespace"]) ?? ownNamespace);
    if (!source || kind !== "OCIRepository") {
      target.problem = { reason: "chart-unavailable", message: `${kind} ${asString(chartRef["name"]) ?? "(unnamed)"} is not in the tree; the chart cannot be fetched` };
    } else {
      target.inputs.add(source.file);
      const sourceSpec = asRecord(asRecord(source.value)["spec"]);
      const url = substitute(asString(sourceSpec["url"]) ?? "");
      const ref = asRecord(sourceSpec["ref"]);
      const version = substitute(asString(String(ref["tag"] ?? "")) ?? asString(ref["semver"]) ?? "*");
      const cut = url.lastIndexOf("/");
      chart = {
        kind: "remote",
        ref: { repository: url.slice(0, cut), chart: url.slice(cut + 1), version, ...(sourceSpec["insecure"] === true ? { insecure: true } : {}) },
      };
    }
  } else {
    target.problem = { reason: "render", message: "the HelmRelease names no chart (spec.chart.spec or spec.chartRef)" };
  }

  if (chart?.kind === "local") {
    chartsUsed.add(chart.dir);
    for (const file of chartFiles(context, chart.dir)) target.inputs.add(file);
    values.push(chartValuesLayer(context, chart.dir));
  }
  for (const item of asList(spec["valuesFrom"])) {
    const layer = valuesFromLayer(context, target, asRecord(item), ownNamespace, built);
    if (layer) values.push(layer);
  }
  const valuesNode = nodeAt(doc.node, ["spec", "values"]);
  if (valuesNode && spec["values"] !== undefined) {
    // As built, each leaf is pointed back at the patch or file line that set it (else the document).
    const leaves = valueLeaves(doc, valuesNode).map((leaf) => (built ? { ...leaf, at: built.locate(leaf) ?? target.origin } : leaf));
    values.push({ text: substitute(JSON.stringify(spec["values"])), leaves: substituteLeaves(leaves) });
  }
  if (chart) target.helm = { chart, release, namespace, values };
  return target;
}

/**
 * Flux's release name: the given name when it fits Helm's 53 characters, else its first 40, a dash and
 * 12 hex digits of its SHA-256 (helm-controller's release.ShortenName).
 */
export function fluxReleaseName(name: string): string {
  if (name.length <= 53) return name;
  return `${name.slice(0, 40)}-${sha256Hex(name).slice(0, 12)}`;
}

/** A GitRepository chart of this repository: the chart path, when it is one (CONTRACT: this repository). */
function localChart(context: Context, target: Target, url: string, chartPath: string): ChartSource | undefined {
  const dir = normalise(chartPath);
  const inTree = context.pathSet.has(`${dir}/Chart.yaml`);
  const known = context.options.repositoryUrl !== undefined;
  const ours = known && sameRepository(url, context.options.repositoryUrl!);
  if (inTree && (ours || !known)) return { kind: "local", dir };
  target.problem = {
    reason: "chart-unavailable",
    message: known && !ours ? `chart ${chartPath} comes from another Git repository (${url}), which is not fetched` : `chart ${dir} is not in the tree`,
  };
  return undefined;
}

function sameRepository(a: string, b: string): boolean {
  const key = (url: string) =>
    url
      .trim()
      .toLowerCase()
      .replace(/^(ssh:\/\/)?git@([^:/]+)[:/]/, "https://$2/")
      .replace(/^[a-z+]+:\/\//, "")
      .replace(/^[^@/]+@/, "")
      .replace(/\.git$/, "")
      .replace(/\/+$/, "");
  return key(a) === key(b);
}

function findSource(context: Context, kind: string, name: string | undefined, namespace: string): YamlDocument | undefined {
  if (!name) return undefined;
  const candidates = context.docs.filter((doc) => isKind(doc, "source.toolkit.fluxcd.io/", kind) && asRecord(asRecord(doc.value)["metadata"])["name"] === name);
  return (
    candidates.find((doc) => (context.namespaces.get(doc.file)?.namespace ?? asString(asRecord(asRecord(doc.value)["metadata"])["namespace"]) ?? "default") === namespace) ??
    candidates.find((doc) => asString(asRecord(asRecord(doc.value)["metadata"])["namespace"]) === undefined && !context.namespaces.has(doc.file))
  );
}

/** A `valuesFrom` ConfigMap of the tree as a values layer; Secrets are not read. */
function valuesFromLayer(context: Context, target: Target, item: Record<string, unknown>, namespace: string, built?: BuiltRelease): ValuesLayer | undefined {
  const kind = asString(item["kind"]);
  const name = asString(item["name"]);
  if (kind !== "ConfigMap" || !name) return undefined;
  const key = asString(item["valuesKey"]) ?? "values.yaml";
  // A ConfigMap the root generated (configMapGenerator) or carries, as built.
  const generated = built?.built.find((doc) => {
    const body = asRecord(doc.value);
    const metadata = asRecord(body["metadata"]);
    return body["kind"] === "ConfigMap" && metadata["name"] === name && (asString(metadata["namespace"]) ?? "default") === namespace;
  });
  const generatedText = generated ? asString(asRecord(asRecord(generated.value)["data"])[key]) : undefined;
  if (generated && generatedText !== undefined && item["targetPath"] === undefined) {
    const file = built!.fileWithText(generatedText);
    const leaves = file
      ? readYamlDocuments(file, generatedText).flatMap((valuesDoc) => valueLeaves(valuesDoc))
      : readYamlDocuments(target.origin.file, generatedText).flatMap((valuesDoc) => valueLeaves(valuesDoc)).map((leaf) => ({ ...leaf, at: target.origin }));
    return { text: generatedText, leaves };
  }
  const found = context.docs.find((doc) => {
    const body = asRecord(doc.value);
    const metadata = asRecord(body["metadata"]);
    const deployed = context.namespaces.get(doc.file)?.namespace ?? asString(metadata["namespace"]) ?? "default";
    return body["kind"] === "ConfigMap" && body["apiVersion"] === "v1" && metadata["name"] === name && deployed === namespace;
  });
  if (!found) {
    if (item["optional"] !== true) target.problem ??= { reason: "render", message: `valuesFrom ConfigMap ${namespace}/${name} is not in the tree` };
    return undefined;
  }
  target.inputs.add(found.file);
  const valueNode = nodeAt(found.node, ["data", key]);
  const text = asString(asRecord(asRecord(found.value)["data"])[key]);
  if (text === undefined || !valueNode) {
    if (item["optional"] !== true) target.problem ??= { reason: "render", message: `valuesFrom ConfigMap ${namespace}/${name} has no key ${key}` };
    return undefined;
  }
  const targetPath = asString(item["targetPath"]);
  if (targetPath !== undefined) {
    // One value put at a path: the ConfigMap's data line sets it.
    const location: SourceLocation = { file: found.file, line: lineOf(found, valueNode) };
    const leaf: ValueLeaf = { path: targetPath, key: targetPath.split(".").at(-1) ?? targetPath, value: text, at: location };
    return { text: JSON.stringify(setPath({}, targetPath.split("."), text)), leaves: [leaf] };
  }
  // A block scalar's content starts on the line after its key.
  const offset = lineOf(found, valueNode) - (isScalar(valueNode) && (valueNode.type === "BLOCK_LITERAL" || valueNode.type === "BLOCK_FOLDED") ? 0 : 1);
  const leaves = readYamlDocuments(found.file, text, offset).flatMap((doc) => valueLeaves(doc));
  return { text, leaves };
}

// ---------------------------------------------------------------------------------------------
// Argo CD Application

function applicationTarget(context: Context, doc: YamlDocument, chartsUsed: Set<string>, built?: BuiltRelease): Target | undefined {
  const body = asRecord(doc.value);
  const metadata = asRecord(body["metadata"]);
  const spec = asRecord(body["spec"]);
  const name = asString(metadata["name"]) ?? "unnamed";
  // As built, the namespace is the deployed one already.
  const ownNamespace = (built ? undefined : context.namespaces.get(doc.file)?.namespace) ?? asString(metadata["namespace"]) ?? "default";
  const single = spec["source"] !== undefined;
  const sources = single ? [asRecord(spec["source"])] : asList(spec["sources"]).map(asRecord);
  const sourcesPath = single ? ["spec", "source"] : ["spec", "sources"];
  const index = sources.findIndex((source) => isHelmSource(context, source));
  if (index < 0) return undefined;
  const source = sources[index]!;
  const sourceNode = single ? nodeAt(doc.node, sourcesPath) : seqItem(nodeAt(doc.node, sourcesPath), index);
  const helm = asRecord(source["helm"]);
  const namespace = asString(asRecord(spec["destination"])["namespace"]) ?? "default";
  const release = asString(helm["releaseName"]) ?? name;
  const ownDoc = built ? built.own : doc;
  const target: Target = {
    id: `Application/${ownNamespace}/${name}`,
    origin: ownDoc ? { file: ownDoc.file, line: ownDoc.line, ...textAt(ownDoc, ownDoc.line) } : built!.root.origin,
    namespace,
    inputs: new Set(built ? built.root.inputs : [doc.file, ...(context.namespaces.get(doc.file)?.from ?? [])]),
  };
  const repoURL = asString(source["repoURL"]) ?? "";
  let chart: ChartSource | undefined;
  const chartName = asString(source["chart"]);
  if (chartName) {
    const version = asString(String(source["targetRevision"] ?? "")) ?? "*";
    chart = { kind: "remote", ref: { repository: repoURL.includes("://") ? repoURL : `oci://${repoURL}`, chart: chartName, version } };
  } else {
    chart = localChart(context, target, repoURL, asString(source["path"]) ?? ".");
  }
  const values: ValuesLayer[] = [];
  if (chart?.kind === "local") {
    chartsUsed.add(chart.dir);
    for (const file of chartFiles(context, chart.dir)) target.inputs.add(file);
    values.push(chartValuesLayer(context, chart.dir));
  }
  const ignoreMissing = helm["ignoreMissingValueFiles"] === true;
  for (const file of asList(helm["valueFiles"])) {
    if (typeof file !== "string") continue;
    const path = valueFilePath(context, sources, chart, file);
    if (path === undefined) {
      if (!ignoreMissing) target.problem ??= { reason: "render", message: `value file ${file} is not in this repository` };
      continue;
    }
    target.inputs.add(path);
    const text = context.side.texts.get(path);
    if (text === undefined) {
      if (!ignoreMissing) target.problem ??= { reason: "render", message: `values file ${path} is missing` };
      continue;
    }
    values.push({ text, leaves: readYamlDocuments(path, text).flatMap((valuesDoc) => valueLeaves(valuesDoc)) });
  }
  values.push(...inlineValuesLayers(doc, sourceNode, helm));
  if (built) {
    // Lines of the root's output point back at the patch or file line that set the value (else the document).
    for (const layer of values) layer.leaves = layer.leaves.map((leaf) => (leaf.at.file === doc.file ? { ...leaf, at: built.locate(leaf) ?? target.origin } : leaf));
  }
  if (chart) target.helm = { chart, release, namespace, values };
  return target;
}

/** The values an Application's Helm source writes inline: `helm.values`, `valuesObject`, `parameters`, each leaf at its line. */
function inlineValuesLayers(doc: YamlDocument, sourceNode: YamlNode | undefined, helm: Record<string, unknown>): ValuesLayer[] {
  const values: ValuesLayer[] = [];
  const valuesString = helm["values"];
  const valuesStringNode = nodeAt(sourceNode, ["helm", "values"]);
  if (typeof valuesString === "string" && valuesStringNode) {
    const offset = lineOf(doc, valuesStringNode);
    values.push({ text: valuesString, leaves: readYamlDocuments(doc.file, valuesString, offset).flatMap((valuesDoc) => valueLeaves(valuesDoc)) });
  }
  const valuesObjectNode = nodeAt(sourceNode, ["helm", "valuesObject"]);
  if (helm["valuesObject"] !== undefined && valuesObjectNode) {
    values.push({ text: JSON.stringify(helm["valuesObject"]), leaves: valueLeaves(doc, valuesObjectNode) });
  }
  const parametersNode = nodeAt(sourceNode, ["helm", "parameters"]);
  const parameters = asList(helm["parameters"]).map(asRecord);
  if (parameters.length > 0) {
    let set: Record<string, unknown> = {};
    const leaves: ValueLeaf[] = [];
    parameters.forEach((parameter, parameterIndex) => {
      const key = asString(parameter["name"]);
      if (!key) return;
      const value = parameter["forceString"] === true ? String(parameter["value"] ?? "") : parseParameter(parameter["value"]);
      set = setPath(set, key.split("."), value);
      const itemNode = seqItem(parametersNode, parameterIndex);
      const valueNode = nodeAt(itemNode, ["value"]) ?? itemNode;
      leaves.push({ path: key, key: key.split(".").at(-1) ?? key, value, at: { file: doc.file, line: lineOf(doc, valueNode), ...textAt(doc, lineOf(doc, valueNode)) } });
    });
    values.push({ text: JSON.stringify(set), leaves });
  }
  return values;
}

/** The inline values leaves of an Application document (the one Helm source it renders), for locating values it sets. */
function applicationValueLeaves(context: Context, doc: YamlDocument): ValueLeaf[] {
  const spec = asRecord(asRecord(doc.value)["spec"]);
  const single = spec["source"] !== undefined;
  const sources = single ? [asRecord(spec["source"])] : asList(spec["sources"]).map(asRecord);
  const index = sources.findIndex((source) => isHelmSource(context, source));
  if (index < 0) return [];
  const sourceNode = single ? nodeAt(doc.node, ["spec", "source"]) : seqItem(nodeAt(doc.node, ["spec", "sources"]), index);
  return inlineValuesLayers(doc, sourceNode, asRecord(sources[index]!["helm"])).flatMap((layer) => layer.leaves);
}

function isHelmSource(context: Context, source: Record<string, unknown>): boolean {
  if (asString(source["chart"])) return true;
  if (source["helm"] !== undefined) return true;
  const path = asString(source["path"]);
  return path !== undefined && context.pathSet.has(`${normalise(path)}/Chart.yaml`);
}

/** A valueFiles entry as a path of this repository: relative to the chart, or `$ref/...` of a ref source. */
function valueFilePath(context: Context, sources: Record<string, unknown>[], chart: ChartSource | undefined, file: string): string | undefined {
  const ref = /^\$([A-Za-z0-9_-]+)\/(.*)$/.exec(file);
  if (ref) {
    const source = sources.find((candidate) => candidate["ref"] === ref[1]);
    if (!source) return undefined;
    const url = asString(source["repoURL"]) ?? "";
    if (context.options.repositoryUrl !== undefined && !sameRepository(url, context.options.repositoryUrl)) return undefined;
    return normalise(ref[2]!);
  }
  if (/^[a-z]+:\/\//.test(file)) return undefined;
  if (chart?.kind !== "local") return undefined;
  const path = normalise(joinPath(chart.dir, file));
  return path.startsWith("..") ? undefined : path;
}

/** `--set` reads unquoted values as YAML scalars: `true`, `80`, `null` are not strings. */
function parseParameter(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value === "true" || value === "false") return value === "true";
  if (/^-?\d+$/.test(value) && value.length < 16) return Number(value);
  return value;
}

function seqItem(node: YamlNode | undefined, index: number): YamlNode | undefined {
  const items = (node as { items?: unknown[] } | undefined)?.items;
  return Array.isArray(items) ? ((items[index] ?? undefined) as YamlNode | undefined) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Kustomize

interface Kustomization {
  dir: string;
  file: string;
  doc: YamlDocument;
  component: boolean;
  namespace?: string;
  /** Kustomization folders it includes (resources, bases, components). */
  includes: string[];
  /** Files it reads directly. */
  files: string[];
  patches: string[];
  remote: string[];
  /** Paths that leave the repository (`../../..` above the root): kustomize will refuse them. */
  outside: string[];
  helmCharts: KustomizeHelmChart[];
  /** Chart folders of this repository that `helmCharts` entries use (inputs, and no target of their own). */
  chartDirs: string[];
  /** Why a `helmCharts` entry cannot be rendered. */
  chartProblem?: string;
  /** The kustomization.yaml Flux generates for a path that has none (its text; written when materialised). */
  generated?: string;
  /** Whether it may change the objects it includes beyond their namespace (patches, generators, prefixes, ...). */
  transforms: boolean;
  inlinePatches: { file: string; text: string; offset: number }[];
}

/** Kustomization fields that may change a HelmRelease's name or values, or generate its valuesFrom ConfigMaps. */
const TRANSFORMING_FIELDS = ["patches", "patchesStrategicMerge", "patchesJson6902", "replacements", "configMapGenerator", "components", "namePrefix", "nameSuffix", "vars", "transformers", "generators"];

/**
 * What kustomize-controller builds for a Flux Kustomization path without a kustomization file: a
 * generated one listing every `.yaml`/`.yml` file below the path, and, instead of their files, every
 * sub-folder that holds a kustomization of its own (fluxcd/pkg's kustomize generator).
 */
function generatedKustomization(side: SideFiles, kustomizations: ReadonlyMap<string, Kustomization>, dir: string, flux: YamlDocument): Kustomization | undefined {
  const files: string[] = [];
  const includes = new Set<string>();
  for (const path of side.paths) {
    if (!isUnder(path, dir)) continue;
    let nested: string | undefined;
    for (let folder = dirname(path); folder !== dir && folder !== "."; folder = dirname(folder)) if (kustomizations.has(folder)) nested = folder;
    if (nested !== undefined) includes.add(nested);
    else if (/\.ya?ml$/i.test(path)) files.push(path);
  }
  if (files.length === 0 && includes.size === 0) return undefined;
  const relative = (path: string) => JSON.stringify(`./${dir === "." ? path : path.slice(dir.length + 1)}`);
  const resources = [...files, ...includes].map((path) => `  - ${relative(path)}`);
  return {
    dir,
    file: flux.file,
    doc: flux,
    component: false,
    includes: [...includes],
    files,
    patches: [],
    remote: [],
    outside: [],
    helmCharts: [],
    chartDirs: [],
    transforms: false,
    inlinePatches: [],
    generated: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.join("\n")}\n`,
  };
}

function readKustomizations(side: SideFiles, docs: readonly YamlDocument[], _remoteBases: boolean): Map<string, Kustomization> {
  const found = new Map<string, Kustomization>();
  const dirs = new Set(side.paths.map(dirname));
  const pathSet = new Set(side.paths);
  for (const doc of docs) {
    if (!KUSTOMIZATION_FILES.includes(basename(doc.file) as never)) continue;
    const dir = dirname(doc.file);
    if (found.has(dir)) continue;
    const body = asRecord(doc.value);
    const kustomization: Kustomization = {
      dir,
      file: doc.file,
      doc,
      component: body["kind"] === "Component",
      ...(asString(body["namespace"]) ? { namespace: asString(body["namespace"])! } : {}),
      includes: [],
      files: [doc.file],
      patches: [],
      remote: [],
      outside: [],
      helmCharts: [],
      chartDirs: [],
      transforms: TRANSFORMING_FIELDS.some((field) => body[field] !== undefined),
      inlinePatches: [],
    };
    asList(body["patches"]).forEach((item, index) => {
      const text = asString(asRecord(item)["patch"]);
      const node = nodeAt(seqItem(nodeAt(doc.node, ["patches"]), index), ["patch"]);
      if (text === undefined || !node) return;
      // A block scalar's content starts on the line after its key.
      const block = isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
      kustomization.inlinePatches.push({ file: doc.file, text, offset: lineOf(doc, node) - (block ? 0 : 1) });
    });
    const reference = (entry: unknown, patch = false) => {
      if (typeof entry !== "string" || entry === "") return;
      if (isRemote(entry)) {
        kustomization.remote.push(entry);
        return;
      }
      const path = normalise(joinPath(dir, entry));
      if (path.startsWith("..") || entry.startsWith("/")) {
        kustomization.outside.push(entry);
        return;
      }
      if (dirs.has(path) || side.paths.some((candidate) => isUnder(candidate, path) && candidate !== path)) kustomization.includes.push(path);
      else {
        kustomization.files.push(path);
        if (patch) kustomization.patches.push(path);
      }
    };
    for (const key of ["resources", "bases", "components", "crds"]) for (const entry of asList(body[key])) reference(entry);
    for (const entry of asList(body["patchesStrategicMerge"])) reference(entry, true);
    for (const key of ["patches", "patchesJson6902"]) for (const entry of asList(body[key])) reference(asRecord(entry)["path"], true);
    for (const entry of asList(body["replacements"])) reference(asRecord(entry)["path"]);
    for (const key of ["configMapGenerator", "secretGenerator"]) {
      for (const generator of asList(body[key])) {
        const record = asRecord(generator);
        for (const file of [...asList(record["files"]), ...asList(record["envs"]), record["env"]]) {
          if (typeof file === "string") reference(file.includes("=") ? file.slice(file.indexOf("=") + 1) : file);
        }
      }
    }
    const chartHomeEntry = asString(asRecord(body["helmGlobals"])["chartHome"]) ?? "charts";
    const chartHome = normalise(joinPath(dir, chartHomeEntry));
    for (const item of asList(body["helmCharts"])) {
      const entry = asRecord(item);
      reference(entry["valuesFile"]);
      for (const file of asList(entry["additionalValuesFiles"])) reference(file);
      const name = asString(entry["name"]);
      const version = entry["version"] === undefined ? undefined : String(entry["version"]);
      const repo = asString(entry["repo"]);
      if (!name) continue;
      // The chart is unpacked to a folder built from these: none may climb out of chartHome.
      if (!SAFE_SEGMENT.test(name) || (version !== undefined && !SAFE_SEGMENT.test(version))) {
        kustomization.chartProblem ??= `helmCharts entry ${[name, version].filter(Boolean).join(" ")} is not a plain chart name and version`;
        continue;
      }
      if (chartHome.startsWith("..") || chartHomeEntry.startsWith("/")) {
        kustomization.outside.push(chartHomeEntry);
        continue;
      }
      const folders = version ? [`${chartHome}/${name}-${version}/${name}`, `${chartHome}/${name}`] : [`${chartHome}/${name}`];
      const local = folders.find((folder) => pathSet.has(`${folder}/Chart.yaml`));
      const chart: KustomizeHelmChart = { chartHome, name, ...(version ? { version } : {}) };
      if (local) kustomization.chartDirs.push(local);
      else if (repo && /^(https?|oci):\/\//i.test(repo)) chart.ref = { repository: repo, chart: name, version: version ?? "*" };
      else kustomization.chartProblem ??= `helmCharts chart ${name} is neither under ${chartHome} nor in a Helm repository`;
      kustomization.helmCharts.push(chart);
    }
    found.set(dir, kustomization);
  }
  return found;
}

/** A chart name or version that is one plain path segment. */
const SAFE_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._+-]+$/;

function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes("?ref=");
}

/**
 * The namespace each file deploys to when its kustomization or Flux Kustomization decides it: Flux
 * `targetNamespace` first, then the outermost kustomization `namespace` (kustomize applies the outer
 * transformer last). `from` are the files that decide it (inputs of the targets there).
 */
function deployedNamespaces(kustomizations: ReadonlyMap<string, Kustomization>, flux: readonly YamlDocument[]): Map<string, { namespace: string; from: string[] }> {
  const result = new Map<string, { namespace: string; from: string[] }>();
  const included = new Set([...kustomizations.values()].flatMap((k) => k.includes));
  const walk = (dir: string, namespace: { namespace: string; from: string[] } | undefined, seen: Set<string>) => {
    const kustomization = kustomizations.get(dir);
    if (!kustomization || seen.has(dir)) return;
    seen.add(dir);
    const here = namespace ?? (kustomization.namespace ? { namespace: kustomization.namespace, from: [kustomization.file] } : undefined);
    if (here) for (const file of kustomization.files) if (!result.has(file)) result.set(file, here);
    for (const child of kustomization.includes) walk(child, here, seen);
  };
  for (const doc of flux) {
    const spec = asRecord(asRecord(doc.value)["spec"]);
    const targetNamespace = asString(spec["targetNamespace"]);
    const path = asString(spec["path"]);
    if (!targetNamespace || path === undefined) continue;
    walk(normalise(path), { namespace: targetNamespace, from: [doc.file] }, new Set());
  }
  for (const dir of kustomizations.keys()) if (!included.has(dir)) walk(dir, undefined, new Set());
  return result;
}

function kustomizeTargets(context: Context, kustomizations: ReadonlyMap<string, Kustomization>, flux: readonly YamlDocument[]): Target[] {
  const included = new Set([...kustomizations.values()].flatMap((k) => k.includes));
  const roots = new Map<string, { namespace?: string; from?: YamlDocument }>();
  for (const [dir, kustomization] of kustomizations) if (!included.has(dir) && !kustomization.component) roots.set(dir, {});
  for (const dir of context.options.config.kustomize) roots.set(normalise(dir), {});
  for (const doc of flux) {
    const spec = asRecord(asRecord(doc.value)["spec"]);
    const path = asString(spec["path"]);
    if (path === undefined || !kustomizations.has(normalise(path)) || kustomizations.get(normalise(path))!.component) continue;
    const targetNamespace = asString(spec["targetNamespace"]);
    roots.set(normalise(path), { ...(targetNamespace ? { namespace: targetNamespace } : {}), from: doc });
  }
  const targets: Target[] = [];
  for (const [dir, { namespace, from }] of roots) {
    const root = kustomizations.get(dir);
    const origin: SourceLocation = root ? { file: root.file, line: root.doc.line, ...textAt(root.doc, root.doc.line) } : { file: dir, line: 1 };
    const target: Target = { id: `kustomize:${dir}`, origin, namespace: namespace ?? root?.namespace ?? "default", inputs: new Set() };
    if (from) target.inputs.add(from.file);
    if (!root) {
      target.problem = { reason: "render", message: `${dir} holds no kustomization.yaml` };
      targets.push(target);
      continue;
    }
    const support = new Set<string>();
    const patches: string[] = [];
    const charts: KustomizeHelmChart[] = [];
    const generated: { path: string; text: string }[] = [];
    const inlinePatches: { file: string; text: string; offset: number }[] = [];
    let transforms = false;
    const seen = new Set<string>();
    const visit = (current: Kustomization) => {
      if (seen.has(current.dir)) return;
      seen.add(current.dir);
      charts.push(...current.helmCharts);
      transforms ||= current.transforms;
      inlinePatches.push(...current.inlinePatches);
      if (current.generated !== undefined) generated.push({ path: joinPath(current.dir, "kustomization.yaml"), text: current.generated });
      for (const chartDir of current.chartDirs) for (const file of chartFiles(context, chartDir)) target.inputs.add(file);
      if (current.chartProblem) target.problem ??= { reason: "render", message: current.chartProblem };
      for (const file of current.files) target.inputs.add(file);
      patches.push(...current.patches);
      for (const file of context.side.paths) if (dirname(file) === current.dir) support.add(file);
      if (current.remote.length > 0 && !context.options.config.remoteBases) {
        target.problem ??= { reason: "render", message: `remote base ${current.remote[0]} is not fetched (render.remoteBases is false)` };
      }
      if (current.outside.length > 0) target.problem ??= { reason: "render", message: `${current.file} refers to ${current.outside[0]}, outside the repository` };
      for (const child of current.includes) {
        const next = kustomizations.get(child);
        if (next) visit(next);
        else {
          // A folder without kustomization: kustomize refuses it; the engine says why.
          for (const file of context.side.paths) if (isUnder(file, child)) support.add(file);
        }
      }
    };
    visit(root);
    const mayExpose = charts.length > 0 || [...target.inputs].some((file) => EXPOSURE_KIND.test(context.side.texts.get(file) ?? ""));
    target.kustomize = { dir, ...(namespace ? { namespace } : {}), support: [...support], patches, mayExpose, charts, generated, inlinePatches, releases: [] };
    if (transforms) {
      const releases = context.docs
        .filter((doc) => target.inputs.has(doc.file) && !patches.includes(doc.file) && isRelease(doc))
        .map((doc) => doc.file);
      target.kustomize.releases = [...new Set(releases)];
    }
    targets.push(target);
  }
  return targets;
}

/**
 * A `kind:` that could carry exposure (Services, Ingresses and the route kinds). A root none of whose
 * inputs names one renders nothing the review reads (generators make ConfigMaps and Secrets only).
 */
const EXPOSURE_KIND = /\bkind["']?\s*:\s*["']?(Service|Ingress|Gateway|HTTPRoute|GRPCRoute|TLSRoute|TCPRoute|UDPRoute|VirtualService|IngressRoute|IngressRouteTCP|Route)\b/;

// ---------------------------------------------------------------------------------------------
// Helpers

/** A Flux HelmRelease or an Argo CD Application: the targets a Kustomize root may build. */
function isRelease(doc: YamlDocument): boolean {
  return isKind(doc, "helm.toolkit.fluxcd.io/", "HelmRelease") || isKind(doc, "argoproj.io/", "Application");
}

function isKind(doc: YamlDocument, apiGroupPrefix: string, kind: string): boolean {
  const body = asRecord(doc.value);
  return body["kind"] === kind && typeof body["apiVersion"] === "string" && body["apiVersion"].startsWith(apiGroupPrefix);
}

/**
 * Flux post-build substitution as the review reads it (CONTRACT): `${VAR:=default}` takes the default,
 * `${VAR}` stays as written (its value lives in the cluster).
 */
export function substitute(text: string): string {
  return text.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:=([^}]*)\}/g, (_match, fallback: string) => fallback);
}

function substituteLeaves(leaves: ValueLeaf[]): ValueLeaf[] {
  return leaves.map((leaf) => (typeof leaf.value === "string" ? { ...leaf, value: substitute(leaf.value) } : leaf));
}

function textAt(doc: YamlDocument, line: number): { text?: string } {
  const text = doc.sourceLines[line - 1 - doc.lineOffset];
  return text === undefined ? {} : { text };
}

function setPath(root: Record<string, unknown>, keys: readonly string[], value: unknown): Record<string, unknown> {
  let current = root;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) current[key] = value;
    else {
      const next = asRecord(current[key]);
      current[key] = next;
      current = next;
    }
  });
  return root;
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((target) => !seen.has(target.id) && seen.add(target.id));
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function dirname(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "." : path.slice(0, cut);
}

export function isUnder(path: string, dir: string): boolean {
  return dir === "." ? true : path.startsWith(`${dir}/`);
}

function joinPath(dir: string, relative: string): string {
  return dir === "." ? relative : `${dir}/${relative}`;
}

/** `./a/../b/` -> `b`; `.` for the root; a path above the root keeps its leading `..`. */
export function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts.at(-1) !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
