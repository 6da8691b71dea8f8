/**
 * The one entry point of the core: two trees of manifest files and a config in, the Report out.
 * Every face (CLI, GitHub App) calls this and renders what it returns; none re-derives anything.
 */
import { DEFAULT_CONFIG, type Config } from "../config/schema.js";
import { classify } from "./classify.js";
import { exposureChanges } from "./delta.js";
import { exposesOf } from "./exposes.js";
import { parseManifestFile } from "./manifest.js";
import type {
  Conclusion,
  Finding,
  Fix,
  LineSpan,
  ManifestFile,
  ManifestObject,
  ObjectReport,
  ObjectSide,
  ParsedFile,
  Reach,
  RenderedSides,
  RenderedSource,
  Report,
  ReviewError,
  Side,
  SourceLocation,
  UnreadablePiece,
} from "./model.js";
import { asRecord } from "./fields.js";
import { buildObjectIndex, type ObjectIndex } from "./graph.js";
import { isExposureObject } from "./objects.js";
import { manifestPathFilter } from "./paths.js";
import { readReach, type ReachOptions } from "./reach/index.js";
import { RULES } from "./rules/index.js";
import { applyPolicy } from "./policy.js";
import { sameValue } from "./same-value.js";

export interface ReviewInput {
  base: ManifestFile[];
  head: ManifestFile[];
  config?: Config;
  /** What the render stage produced (src/render/); absent when nothing was rendered. */
  rendered?: RenderedSides;
  /**
   * Files of each side that are not under review but are read to resolve references: the Gateways a
   * changed route attaches to, the Services and workloads behind it. Their objects are never listed
   * and their parse errors are not reported; they only feed the side's index (src/core/graph.ts). A
   * face that already hands over whole trees (the CLI) needs none: every file there feeds the index.
   */
  context?: { base?: ManifestFile[]; head?: ManifestFile[] };
}

/**
 * Errors that leave the head side unreviewed; templates are expected input, duplicates are still
 * reviewed. A target that failed to render hides what it deploys, as a file that failed to parse does.
 */
const INCOMPLETE_REASONS = new Set<ReviewError["reason"]>(["syntax", "too-large", "binary", "render", "chart-unavailable"]);

export function review(input: ReviewInput): Report {
  const config = input.config ?? DEFAULT_CONFIG;
  const isManifest = manifestPathFilter(config.paths);
  const rendered = input.rendered;
  // Inputs of a render target are reviewed through what it renders, not on their own (a chart's
  // templates are no `template` error, a patch is no object); the rendered files skip `paths`.
  const sideFiles = (files: ManifestFile[], side: Side) => [
    ...files.filter((f) => isManifest(f.path) && !rendered?.inputs[side].has(f.path)),
    ...(rendered?.[side] ?? []),
  ];
  const headParsed = new Map<string, { text: string | undefined; parsed: ParsedFile }>();
  const parseHead = (file: ManifestFile) => {
    const parsed = parseManifestFile(file, "head");
    headParsed.set(file.path, { text: file.text, parsed });
    return parsed;
  };
  // Most files of a tree are the same on both sides: parse those once and share the objects (the
  // bodies are then the same values, so comparing them costs nothing).
  const parseBase = (file: ManifestFile) => {
    const same = headParsed.get(file.path);
    if (same && file.text !== undefined && same.text === file.text) {
      return { ...same.parsed, errors: same.parsed.errors.map((error) => ({ ...error, side: "base" as const })) };
    }
    return parseManifestFile(file, "base");
  };
  const head = readSide(sideFiles(input.head, "head"), "head", parseHead);
  const headContext = readContext(input.context?.head, isManifest, parseHead);
  const base = readSide(sideFiles(input.base, "base"), "base", parseBase);
  const baseContext = readContext(input.context?.base, isManifest, parseBase);
  for (const target of rendered?.failed.base ?? []) base.unreadableFiles.set(target, undefined);
  for (const target of rendered?.failed.head ?? []) head.unreadableFiles.set(target, undefined);
  const sources = { base: renderedSources(rendered?.base), head: renderedSources(rendered?.head) };
  const reachOptions: ReachOptions = {
    internalClasses: config.ingress.internalClasses,
    gateway: config.gateway,
    istio: config.istio,
    traefik: config.traefik,
  };
  // Reviewed files first: where an identity repeats, the index resolves to the copy under review.
  const indexes: SideIndexes = {
    base: buildObjectIndex([...base.allObjects, ...baseContext]),
    head: buildObjectIndex([...head.allObjects, ...headContext]),
  };

  const objects: ObjectReport[] = [];
  for (const [baseObject, headObject] of pairObjects(base, head)) {
    if (baseObject && headObject && sameObject(baseObject, headObject)) continue;
    // An object that vanished because its file (or document) could not be read on the other side is
    // unknown, not added or removed: the errors entry already says so.
    if (!headObject && baseObject && couldBeUnreadable(head, baseObject)) continue;
    if (!baseObject && headObject && couldBeUnreadable(base, headObject)) continue;
    const reviewed = reviewObject(baseObject, headObject, reachOptions, indexes, config);
    if (!reviewed) continue;
    const source = headObject ? sources.head.get(headObject.file) : baseObject ? sources.base.get(baseObject.file) : undefined;
    objects.push(source ? pointIntoRepository(reviewed, source, headObject?.sourceLines) : reviewed);
  }
  objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));

  const errors = [...base.errors, ...head.errors, ...(rendered?.errors ?? [])].sort(
    (a, b) => (a.side === b.side ? 0 : a.side === "head" ? -1 : 1) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0),
  );

  return {
    version: 1,
    conclusion: decideConclusion(objects, errors, config),
    objects,
    errors,
    stats: { baseFiles: base.fileCount, headFiles: head.fileCount, objectsCompared: base.objects.length + head.objects.length },
  };
}

/**
 * Same parsed object on both sides. Paired objects share their identity, so a namespace written out on
 * one side only (`namespace: default`) is the same namespace, not a change.
 */
function sameObject(base: ManifestObject, head: ManifestObject): boolean {
  if (sameValue(base.body, head.body)) return true;
  const hasNamespace = (object: ManifestObject) => Object.hasOwn(asRecord(object.body["metadata"]), "namespace");
  if (hasNamespace(base) === hasNamespace(head)) return false;
  return sameValue(withoutNamespace(base.body), withoutNamespace(head.body));
}

function withoutNamespace(body: Record<string, unknown>): Record<string, unknown> {
  const { namespace: _namespace, ...metadata } = asRecord(body["metadata"]);
  return { ...body, metadata };
}

function renderedSources(files: readonly ManifestFile[] | undefined): Map<string, RenderedSource> {
  return new Map((files ?? []).flatMap((file) => (file.rendered ? [[file.path, file.rendered] as const] : [])));
}

/**
 * A rendered object's report, pointed at the repository (CONTRACT.md, "Where findings point"): the
 * object at its target's own document, each finding at the line its source map names (a values key
 * the change set, a patch line, a template line), with a one-line fix carried over where the same
 * edit fits that line.
 */
function pointIntoRepository(report: ObjectReport, source: RenderedSource, renderedLines: readonly string[] | undefined): ObjectReport {
  const locate = (line: number) => source.lines.get(line) ?? source.origin;
  const point = <F extends Finding>(finding: F): F => {
    const at = locate(finding.line);
    const { fix, file: _file, ...rest } = finding;
    const moved = { ...rest, line: at.line, ...(at.file === source.origin.file ? {} : { file: at.file }) } as F;
    const carried = fix ? carryFix(fix, finding.line, at, renderedLines) : undefined;
    if (carried) moved.fix = carried;
    return moved;
  };
  const { baseFile: _baseFile, ...rest } = report;
  return {
    ...rest,
    target: source.target,
    file: source.origin.file,
    line: source.origin.line,
    findings: report.findings.map(point),
    suppressed: report.suppressed.map(point),
  };
}

/**
 * A fix of one rendered line as the same edit of the source line: the part of the rendered line that
 * the fix changes (`LoadBalancer` -> `ClusterIP`) must appear exactly once in the source line.
 */
function carryFix(fix: Fix, renderedLine: number, at: SourceLocation, renderedLines: readonly string[] | undefined): Fix | undefined {
  const before = renderedLines?.[renderedLine - 1];
  if (fix.startLine !== renderedLine || fix.endLine !== renderedLine || at.text === undefined || before === undefined || fix.replacement.includes("\n")) {
    return undefined;
  }
  const after = fix.replacement;
  const isWord = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_.-]/.test(char);
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  // Whole words only: `LoadBalancer` -> `ClusterIP`, never a shared `L...` prefix.
  while (start > 0 && isWord(before[start - 1])) start--;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  while (end > 0 && isWord(before[before.length - end])) end--;
  const removed = before.slice(start, before.length - end);
  const added = after.slice(start, after.length - end);
  if (removed === "" || at.text.indexOf(removed) !== at.text.lastIndexOf(removed) || !at.text.includes(removed)) return undefined;
  return { startLine: at.line, endLine: at.line, replacement: at.text.replace(removed, () => added) };
}

interface SideObjects {
  /** The exposure objects, which the review pairs and lists. */
  objects: ManifestObject[];
  /** Every object of the side's reviewed files, whatever its kind, for the side's index. */
  allObjects: ManifestObject[];
  errors: ReviewError[];
  /**
   * Files with a parse error: the text of their unreadable pieces, or undefined when the whole file
   * could not be read. Objects missing there are unknown rather than gone (see couldBeUnreadable).
   */
  unreadableFiles: Map<string, readonly UnreadablePiece[] | undefined>;
  fileCount: number;
}

function readSide(files: ManifestFile[], side: Side, parse: (file: ManifestFile) => ParsedFile): SideObjects {
  const parsed = files.map(parse);
  const objects: ManifestObject[] = [];
  const allObjects: ManifestObject[] = [];
  const errors: ReviewError[] = [];
  const unreadableFiles = new Map<string, readonly UnreadablePiece[] | undefined>();
  const firstById = new Map<string, ManifestObject>();
  for (const file of parsed) {
    errors.push(...file.errors);
    if (file.errors.length > 0) unreadableFiles.set(file.path, file.unreadablePieces);
    for (const object of file.objects) {
      allObjects.push(object);
      if (!isExposureObject(object)) continue;
      const first = firstById.get(object.id);
      if (first) {
        // Kustomize overlays and per-environment folders repeat names on purpose; both copies are
        // still reviewed (paired by file), the entry only warns that the identity is ambiguous.
        errors.push({
          file: object.file,
          line: object.line,
          reason: "duplicate",
          side,
          message: `${object.id} is also defined in ${first.file}:${first.line}; both are reviewed, matched by file`,
        });
      } else {
        firstById.set(object.id, object);
      }
      objects.push(object);
    }
  }
  return { objects, allObjects, errors, unreadableFiles, fileCount: files.length };
}

/**
 * The objects of a side's context files. Nothing in them is reviewed, so their errors are dropped: a
 * broken context file only means fewer references resolve (a route's Gateway then counts as not
 * found, which the finding says).
 */
function readContext(
  files: readonly ManifestFile[] | undefined,
  isManifest: (path: string) => boolean,
  parse: (file: ManifestFile) => ParsedFile,
): ManifestObject[] {
  if (!files) return [];
  return files.filter((file) => isManifest(file.path)).flatMap((file) => parse(file).objects);
}

interface SideIndexes {
  base: ObjectIndex;
  head: ObjectIndex;
}

/**
 * Whether `object`, present on the other side, could be hidden in a part of this side's copy of its
 * file that could not be read. A whole unreadable file (a template) could hold anything. A broken
 * document could hold only an object whose kind and name it spells out: a new load balancer next to a
 * ConfigMap with a typo must still be reviewed as added, not vanish with the ConfigMap.
 */
function couldBeUnreadable(side: SideObjects, object: ManifestObject): boolean {
  if (!side.unreadableFiles.has(object.file)) return false;
  const pieces = side.unreadableFiles.get(object.file);
  return pieces === undefined || pieces.some(({ text, template }) => mentionsWord(text, object.kind) && (template || mentionsWord(text, object.name)));
}

/** `word` in `text` not run on into a longer name (`db` is not in `db-replica` or `ServiceAccount`). */
function mentionsWord(text: string, word: string): boolean {
  const isNameCharacter = (at: number) => at >= 0 && at < text.length && /[A-Za-z0-9._-]/.test(text.charAt(at));
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isNameCharacter(at - 1) && !isNameCharacter(at + word.length)) return true;
  }
  return false;
}

/**
 * Pairs base and head objects by identity (`kind/namespace/name`), so an object that moved to another
 * file is the same object. Where an identity repeats on a side (kustomize overlays, example folders),
 * copies pair by file path first; a further head copy is compared with the first base copy, so a new
 * definition is never hidden; a further base copy whose identity still exists on the head side is not
 * "removed" (the identity is not gone; the duplicate entry in `errors` says why it is not listed).
 */
function pairObjects(base: SideObjects, head: SideObjects): [ManifestObject | undefined, ManifestObject | undefined][] {
  const baseById = groupById(base.objects);
  const headById = groupById(head.objects);
  const pairs: [ManifestObject | undefined, ManifestObject | undefined][] = [];
  for (const id of new Set([...baseById.keys(), ...headById.keys()])) {
    const baseGroup = baseById.get(id) ?? [];
    const headGroup = headById.get(id) ?? [];
    if (baseGroup.length <= 1 && headGroup.length <= 1) {
      pairs.push([baseGroup[0], headGroup[0]]);
      continue;
    }
    const unpairedBase = [...baseGroup];
    for (const headObject of headGroup) {
      const index = unpairedBase.findIndex((b) => b.file === headObject.file);
      const partner = index >= 0 ? unpairedBase.splice(index, 1)[0] : undefined;
      pairs.push([partner ?? baseGroup.find((b) => sameValue(b.body, headObject.body)) ?? baseGroup[0], headObject]);
    }
    if (headGroup.length === 0) for (const baseObject of unpairedBase) pairs.push([baseObject, undefined]);
  }
  return pairs;
}

function groupById(objects: ManifestObject[]): Map<string, ManifestObject[]> {
  const groups = new Map<string, ManifestObject[]>();
  for (const object of objects) {
    const group = groups.get(object.id);
    if (group) group.push(object);
    else groups.set(object.id, [object]);
  }
  return groups;
}

function reviewObject(
  baseObject: ManifestObject | undefined,
  headObject: ManifestObject | undefined,
  reachOptions: ReachOptions,
  indexes: SideIndexes,
  config: Config,
): ObjectReport | undefined {
  const baseSide = sideOf(baseObject, reachOptions, indexes.base);
  const headSide = sideOf(headObject, reachOptions, indexes.head);
  // A kind the core lists but has no reader for (yet) has no exposure to judge: not listed.
  if (!baseSide && !headSide) return undefined;
  const shown = (headObject ?? baseObject)!;
  const report: ObjectReport = {
    kind: shown.kind,
    apiVersion: shown.apiVersion,
    namespace: shown.namespace,
    name: shown.name,
    id: shown.id,
    file: shown.file,
    line: shown.line,
    change: !baseObject ? "added" : !headObject ? "removed" : "modified",
    classification: classify(baseSide?.reach, headSide?.reach),
    level: { base: baseSide?.reach.level ?? "none", head: headSide?.reach.level ?? "none" },
    findings: [],
    suppressed: [],
    reach: reachOf(baseSide?.reach, headSide?.reach),
    changes: baseObject && headObject ? exposureChanges(baseObject, headObject) : [],
  };
  if (baseObject && headObject && baseObject.file !== headObject.file) report.baseFile = baseObject.file;
  report.span = spanOf(baseObject, headObject);
  // What it makes reachable, on the side shown (head, else base for a removed object).
  const shownSide = headSide ?? baseSide;
  if (shownSide) {
    const exposes = exposesOf(shownSide.object, shownSide.reach, headSide ? indexes.head : indexes.base, { istio: config.istio });
    if (exposes) report.exposes = exposes;
  }
  // Rules judge what the change leaves behind: a removed object has no head side to judge.
  if (headSide) {
    const { findings, suppressed } = applyPolicy(runRules(headSide, baseSide, config), headSide.object, config, baseObject);
    report.findings = findings;
    report.suppressed = suppressed;
  }
  return report;
}

function spanOf(base: ManifestObject | undefined, head: ManifestObject | undefined): NonNullable<ObjectReport["span"]> {
  const lines = (object: ManifestObject): LineSpan => {
    const { line, endLine } = object.rangeOf([]);
    return { line, endLine: Math.max(line, endLine) };
  };
  return { ...(base ? { base: lines(base) } : {}), ...(head ? { head: lines(head) } : {}) };
}

function sideOf(object: ManifestObject | undefined, reachOptions: ReachOptions, index: ObjectIndex): ObjectSide | undefined {
  if (!object) return undefined;
  const reach = readReach(object, reachOptions, index);
  return reach ? { object, reach } : undefined;
}

function reachOf(base: Reach | undefined, head: Reach | undefined): ObjectReport["reach"] {
  const reach: ObjectReport["reach"] = {};
  if (base) reach.base = base;
  if (head) reach.head = head;
  return reach;
}

/**
 * Runs every enabled rule on the head side. As the contract says, a finding is new unless the same
 * rule fired for the same object on the base side: a `state` rule is run on the base side alone to
 * know. `change` rules (TLS removed, a new ExternalName target) describe the difference itself, so
 * their findings are always new.
 */
function runRules(head: ObjectSide, base: ObjectSide | undefined, config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const severity = config.rules[rule.id] ?? rule.defaultSeverity;
    if (severity === "off") continue;
    const raw = rule.check(base ? { head, base } : { head });
    if (raw.length === 0) continue;
    const firedBefore = rule.scope === "state" && base !== undefined && rule.check({ head: base }).length > 0;
    for (const finding of raw) findings.push({ ...finding, severity, new: !firedBefore });
  }
  return findings.sort((a, b) => a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** The conclusion that `objects` and `errors` give under `config` (also the inventory's, on the objects it lists). */
export function decideConclusion(objects: ObjectReport[], errors: ReviewError[], config: Config): Conclusion {
  let worst: Conclusion = "success";
  const raise = (to: Conclusion) => {
    if (to === "failure" || (to === "neutral" && worst === "success")) worst = to;
  };
  for (const object of objects) {
    // `counted`: a suppression the change adds to itself while `conclusion.addedSuppressions` is `count`.
    for (const finding of [...object.findings, ...object.suppressed.filter((suppressed) => suppressed.counted)]) {
      if (!finding.new && config.conclusion.preexisting === "ignore") continue;
      if (finding.severity === "failure") raise("failure");
      else if (finding.severity === "warning") raise(config.conclusion.warnings);
    }
  }
  if (errors.some((error) => error.side === "head" && INCOMPLETE_REASONS.has(error.reason))) raise("neutral");
  return worst;
}
