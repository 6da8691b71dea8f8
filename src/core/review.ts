/**
 * The one entry point of the core: two trees of manifest files and a config in, the Report out.
 * Every face (CLI, GitHub App) calls this and renders what it returns; none re-derives anything.
 */
import { DEFAULT_CONFIG, type Config } from "../config/schema.js";
import { classify } from "./classify.js";
import { exposureChanges } from "./delta.js";
import { exposesOf } from "./exposes.js";
import { parseManifestFile, type ParseOptions } from "./manifest.js";
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
  RawFinding,
  Reach,
  RenderedSides,
  RenderedSource,
  Report,
  ReviewError,
  Severity,
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
  const parseHead = (file: ManifestFile, options?: ParseOptions) => {
    const parsed = parseManifestFile(file, "head", options);
    headParsed.set(file.path, { text: file.text, parsed });
    return parsed;
  };
  // Most files of a tree are the same on both sides: parse those once and share the objects (the
  // bodies are then the same values, so comparing them costs nothing).
  const parseBase = (file: ManifestFile, options?: ParseOptions) => {
    const same = headParsed.get(file.path);
    if (same && file.text !== undefined && same.text === file.text) {
      return { ...same.parsed, errors: same.parsed.errors.map((error) => ({ ...error, side: "base" as const })) };
    }
    return parseManifestFile(file, "base", options);
  };
  const baseFiles = sideFiles(input.base, "base");
  // A head file whose text the base has too is only looked up, never reviewed (below): as a context
  // file, it keeps no node tree.
  const baseTexts = new Map(baseFiles.map((file) => [file.path, file.text]));
  const sameOnBase = (file: ManifestFile) => file.text !== undefined && baseTexts.get(file.path) === file.text;
  const head = readSide(sideFiles(input.head, "head"), "head", (file) => parseHead(file, sameOnBase(file) ? CONTEXT_PARSE : undefined));
  const headContext = readContext(input.context?.head, isManifest, parseHead);
  // A file with the same text on both sides changes nothing: its objects pair with themselves and
  // its errors were there before. It is parsed once, then left out of pairing, duplicates and errors
  // (its objects still feed the index), so a review of whole trees (--base/--head) says what a
  // review of the changed files (--git, the App) says.
  const unchanged = new Set<string>();
  const base = readSide(baseFiles, "base", (file) => {
    const parsed = parseBase(file);
    if (headParsed.get(file.path)?.parsed.objects === parsed.objects) unchanged.add(file.path);
    return parsed;
  });
  const baseContext = readContext(input.context?.base, isManifest, parseBase);
  // A target that failed to render on one side hides all its objects there (its error is the render entry).
  for (const target of rendered?.failed.base ?? []) base.unreadableFiles.set(target, wholeFileUnreadable());
  for (const target of rendered?.failed.head ?? []) head.unreadableFiles.set(target, wholeFileUnreadable());
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

  const changedBase = base.objects.filter((object) => !unchanged.has(object.file));
  const changedHead = head.objects.filter((object) => !unchanged.has(object.file));

  const changedBaseByFile = groupBy(changedBase, (object) => object.file);
  const changedHeadByFile = groupBy(changedHead, (object) => object.file);

  const objects: ObjectReport[] = [];
  for (const [baseObject, headObject] of pairObjects(changedBase, changedHead, base.files, head.files)) {
    if (baseObject && headObject && sameObject(baseObject, headObject)) continue;
    // An object that vanished because its file (or document) could not be read on the other side is
    // unknown, not added or removed: the error entry says so, and lists it under `hides`.
    if (!headObject && baseObject && hiddenBy(head, baseObject, (file) => changedBaseByFile.get(file) ?? [])) continue;
    // A head object hidden on the base side is what the merge deploys, and nothing shows it was there
    // before: it is reviewed as new (fail closed) and each finding says why, while the base entry
    // still lists it under `hides`. Skipping it let a fixed conflict ship a public LB unreviewed.
    const hiddenOnBase = !baseObject && headObject ? hiddenBy(base, headObject, (file) => changedHeadByFile.get(file) ?? []) : undefined;
    const reviewed = reviewObject(baseObject, headObject, reachOptions, indexes, config);
    if (!reviewed) continue;
    if (hiddenOnBase) reviewedAsNew(reviewed, hiddenOnBase.by);
    const source = headObject ? sources.head.get(headObject.file) : baseObject ? sources.base.get(baseObject.file) : undefined;
    objects.push(source ? pointIntoRepository(reviewed, source, headObject?.sourceLines) : reviewed);
  }
  objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));

  const changedErrors = (side: SideObjects) => side.errors.filter((error) => !unchanged.has(error.file));
  const headErrors = changedErrors(head);
  markPreexisting(headErrors, head, base);
  const errors = [
    ...changedErrors(base),
    ...duplicateErrors(changedBase, "base"),
    ...headErrors,
    ...duplicateErrors(changedHead, "head"),
    ...(rendered?.errors ?? []),
  ].sort(
    (a, b) => (a.side === b.side ? 0 : a.side === "head" ? -1 : 1) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0),
  );
  for (const error of errors) error.hides?.sort();

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
  /** Every file read on this side, readable or not. */
  files: Set<string>;
  /** Files with a parse error; objects missing there are unknown rather than gone (see hiddenBy). */
  unreadableFiles: Map<string, UnreadableFile>;
  fileCount: number;
}

/** An unreadable file of one side: its errors, its broken pieces, and their words once needed. */
interface UnreadableFile {
  errors: ReviewError[];
  /** Undefined when the whole file could not be read (binary, too large). */
  pieces: readonly UnreadablePiece[] | undefined;
  /** Which object of the other side each broken piece hides, found once it is first asked. */
  hiders: Map<ManifestObject, ReviewError> | undefined;
}

function readSide(files: ManifestFile[], _side: Side, parse: (file: ManifestFile) => ParsedFile): SideObjects {
  const parsed = files.map(parse);
  const objects: ManifestObject[] = [];
  const allObjects: ManifestObject[] = [];
  const errors: ReviewError[] = [];
  const unreadableFiles = new Map<string, UnreadableFile>();
  for (const file of parsed) {
    errors.push(...file.errors);
    if (file.errors.length > 0) unreadableFiles.set(file.path, { errors: file.errors, pieces: file.unreadablePieces, hiders: undefined });
    for (const object of file.objects) {
      allObjects.push(object);
      if (isExposureObject(object)) objects.push(object);
    }
  }
  return { objects, allObjects, errors, files: new Set(files.map((file) => file.path)), unreadableFiles, fileCount: files.length };
}

/**
 * One `duplicate` entry per identity and side, at its first copy, when the copies (in the files the
 * change touches) differ. Equal copies (release bundles, per-provider copies of one manifest) are
 * reviewed alike and need no warning.
 */
function duplicateErrors(objects: ManifestObject[], side: Side): ReviewError[] {
  const errors: ReviewError[] = [];
  for (const [id, copies] of groupById(objects)) {
    if (copies.length < 2) continue;
    const [first, ...others] = copies as [ManifestObject, ...ManifestObject[]];
    if (others.every((other) => sameValue(other.body, first.body))) continue;
    const places = copies.map((copy) => `${copy.file}:${copy.line}`).join(", ");
    errors.push({
      file: first.file,
      line: first.line,
      reason: "duplicate",
      side,
      message: `${id} is defined ${copies.length} times with different contents (${places}); each copy is reviewed against the copy in its own file.`,
    });
  }
  return errors;
}

/**
 * The objects of a side's context files. Nothing in them is reviewed, so their errors are dropped: a
 * broken context file only means fewer references resolve (a route's Gateway then counts as not
 * found, which the finding says).
 */
function readContext(
  files: readonly ManifestFile[] | undefined,
  isManifest: (path: string) => boolean,
  parse: (file: ManifestFile, options: ParseOptions) => ParsedFile,
): ManifestObject[] {
  if (!files) return [];
  // Their objects are looked up, seldom asked where a field is: positions are found when asked.
  return files.filter((file) => isManifest(file.path)).flatMap((file) => parse(file, CONTEXT_PARSE).objects);
}

/** Files only looked up (context files, files the same on both sides): positions found when asked. */
const CONTEXT_PARSE: ParseOptions = { positions: "lazy" };

interface SideIndexes {
  base: ObjectIndex;
  head: ObjectIndex;
}

/**
 * The error entry that hides `object` (present on the other side) on this side, or undefined. A whole
 * unreadable file (binary, too large) could hold anything. A broken document could hold only an
 * object whose kind and name it spells out, a templated one any object of a kind it spells out: a new
 * load balancer next to a ConfigMap with a typo must still be reviewed as added, not vanish with it.
 * The hidden object's id is added to the entry's `hides`.
 */
function hiddenBy(
  side: SideObjects,
  object: ManifestObject,
  otherSideInFile: (file: string) => ManifestObject[],
): { by: ReviewError | undefined } | undefined {
  const file = side.unreadableFiles.get(object.file);
  if (!file) return undefined;
  let error: ReviewError | undefined;
  if (file.pieces === undefined) {
    error = file.errors[0];
  } else {
    file.hiders ??= findHiders(file.pieces, otherSideInFile(object.file));
    error = file.hiders.get(object);
    if (!error) return undefined;
  }
  if (error && !(error.hides ??= []).includes(object.id)) error.hides.push(object.id);
  return { by: error };
}

/** Marks a head object whose base side could not be read: its findings count as new and say why. */
function reviewedAsNew(report: ObjectReport, by: ReviewError | undefined): void {
  const where = by ? `${by.file}${by.line ? ` line ${by.line}` : ""}` : report.file;
  const why = `Its base side could not be read (${where}), so nothing shows it was there before: it is reviewed as new.`;
  report.findings = report.findings.map((finding) => ({ ...finding, new: true, message: `${finding.message} ${why}` }));
}

/** A file (or render target) that could not be read at all: it could hold anything. */
function wholeFileUnreadable(): UnreadableFile {
  return { errors: [], pieces: undefined, hiders: undefined };
}

/**
 * For each candidate object, the first broken piece that spells it out. Linear in the pieces' text:
 * each piece is cut into words once, candidates are found by name (then kind), and a candidate once
 * placed is never looked at again. The old search scanned every piece for every object: a 1 MB file
 * broken on one side took over a minute.
 */
function findHiders(pieces: readonly UnreadablePiece[], candidates: readonly ManifestObject[]): Map<ManifestObject, ReviewError> {
  const found = new Map<ManifestObject, ReviewError>();
  const byName = new Map<string, Map<string, ManifestObject[]>>();
  const byKind = new Map<string, ManifestObject[]>();
  for (const [name, objects] of groupBy(candidates, (object) => object.name)) byName.set(name, groupBy(objects, (object) => object.kind));
  for (const [kind, objects] of groupBy(candidates, (object) => object.kind)) byKind.set(kind, objects);
  const hide = (objects: readonly ManifestObject[], error: ReviewError) => {
    for (const object of objects) if (!found.has(object)) found.set(object, error);
  };
  for (const piece of pieces) {
    const words = wordsOf(piece.text);
    if (piece.template) {
      for (const [kind, objects] of byKind) {
        if (!words.has(kind)) continue;
        hide(objects, piece.error);
        byKind.delete(kind);
      }
      continue;
    }
    for (const word of words) {
      const kinds = byName.get(word);
      if (!kinds) continue;
      for (const [kind, objects] of kinds) {
        if (!words.has(kind)) continue;
        hide(objects, piece.error);
        kinds.delete(kind);
      }
      if (kinds.size === 0) byName.delete(word);
    }
  }
  return found;
}

/**
 * A piece's words: maximal runs of the characters of Kubernetes names and kinds, so `db` is not found
 * in `db-replica` or `ServiceAccount`. A name with other characters (the API server refuses those)
 * is never spelled out: its object is then listed as added or removed, which hides nothing.
 */
function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z0-9._-]+/g)) words.add(match[0]);
  return words;
}

/**
 * Head-side errors that the change did not introduce: the base side's copy of the file was unreadable
 * the same way (the same broken piece, or the same whole-file reason). They are marked `new: false`
 * and do not lower the conclusion unless `conclusion.preexisting: count`.
 */
function markPreexisting(errors: ReviewError[], head: SideObjects, base: SideObjects): void {
  for (const error of errors) {
    if (error.reason === "duplicate") continue;
    const before = base.unreadableFiles.get(error.file);
    const piece = head.unreadableFiles.get(error.file)?.pieces?.find((candidate) => candidate.error === error);
    const same =
      before !== undefined &&
      (piece === undefined
        ? before.pieces === undefined && before.errors.some((old) => old.reason === error.reason)
        : (before.pieces ?? []).some((old) => old.error.reason === error.reason && sameText(old.text, piece.text)));
    error.new = !same;
  }
}

/** Two pieces read the same: equal but for the `---` line that opens one of them and outer blank space. */
function sameText(a: string, b: string): boolean {
  const body = (text: string) => text.replace(/^---[^\n]*\n/, "").trim();
  return body(a) === body(b);
}

/**
 * Pairs base and head objects by identity (`kind/namespace/name`), so an object that moved to another
 * file is the same object. Where an identity repeats on a side (kustomize overlays, per-provider
 * copies, release bundles), copies pair by file; a copy pairs across files only when its file is new,
 * the other file is gone, and the copies are equal (a moved file). A copy that finds no partner is
 * added or removed, so a new copy is never compared with an unrelated one in another file (the false
 * `tls-removed` on ingress-nginx's new Oracle manifest). Only files the change touches take part, so
 * whole trees and changed files pair alike.
 */
function pairObjects(
  base: ManifestObject[],
  head: ManifestObject[],
  baseFiles: Set<string>,
  headFiles: Set<string>,
): [ManifestObject | undefined, ManifestObject | undefined][] {
  const baseById = groupById(base);
  const headById = groupById(head);
  const pairs: [ManifestObject | undefined, ManifestObject | undefined][] = [];
  for (const id of new Set([...baseById.keys(), ...headById.keys()])) {
    const baseGroup = baseById.get(id) ?? [];
    const headGroup = headById.get(id) ?? [];
    if (baseGroup.length <= 1 && headGroup.length <= 1) {
      pairs.push([baseGroup[0], headGroup[0]]);
      continue;
    }
    const unpairedBase = [...baseGroup];
    const unpairedHead: ManifestObject[] = [];
    for (const headObject of headGroup) {
      const index = unpairedBase.findIndex((b) => b.file === headObject.file);
      if (index >= 0) pairs.push([unpairedBase.splice(index, 1)[0], headObject]);
      else unpairedHead.push(headObject);
    }
    for (const headObject of unpairedHead) {
      // A further copy in a file that had one is compared with that file's copy (kubectl applies
      // copies in one file as one object); otherwise only an equal copy of a file gone from the
      // head side is its partner (a moved file).
      const sameFile = baseGroup.find((b) => b.file === headObject.file);
      const index = sameFile || baseFiles.has(headObject.file)
        ? -1
        : unpairedBase.findIndex((b) => !headFiles.has(b.file) && sameValue(b.body, headObject.body));
      pairs.push([sameFile ?? (index >= 0 ? unpairedBase.splice(index, 1)[0] : undefined), headObject]);
    }
    // A base copy whose file still holds the identity on the head side is not gone.
    for (const baseObject of unpairedBase) if (!headGroup.some((h) => h.file === baseObject.file)) pairs.push([baseObject, undefined]);
  }
  return pairs;
}

function groupById(objects: ManifestObject[]): Map<string, ManifestObject[]> {
  return groupBy(objects, (object) => object.id);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
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
    const raw = withAssumptions(runRules(headSide, baseSide, config), headSide.reach);
    const { findings, suppressed } = applyPolicy(raw, headSide.object, config, baseObject);
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
 * rule fired for the same object and the same entry point on the base side: a `state` rule is run on
 * the base side alone to know which entry points it fired on (see `judgedAgainst`). `change` rules (TLS
 * removed, a new ExternalName target) describe the difference itself, so their findings are always new.
 */
function runRules(head: ObjectSide, base: ObjectSide | undefined, config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const severity = config.rules[rule.id] ?? rule.defaultSeverity;
    if (severity === "off") continue;
    const raw = rule.check(base ? { head, base } : { head });
    if (raw.length === 0) continue;
    const before = rule.scope === "state" && base !== undefined ? firedOn(rule.check({ head: base })) : undefined;
    for (const finding of raw) findings.push(judgedAgainst(finding, before, severity));
  }
  return findings.sort((a, b) => a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** The entry point keys one rule named on the base side; undefined when it did not fire there at all. */
function firedOn(findings: readonly RawFinding[]): Set<string> | undefined {
  if (findings.length === 0) return undefined;
  const keys = new Set<string>();
  for (const finding of findings) {
    if (finding.entryPoint !== undefined) keys.add(finding.entryPoint);
    for (const covered of finding.covers ?? []) keys.add(covered.key);
  }
  return keys;
}

/**
 * A head finding with its severity and `new` flag. A finding about one entry point is new unless the
 * base side's run named that entry point; a finding about the whole object is new when it covers an
 * entry point the base side's finding did not, and then says which ("New in this change: TCP/8443"),
 * since its message names the object, not its ports; a finding keyed on the object alone is new unless
 * the rule fired at all.
 */
function judgedAgainst(raw: RawFinding, before: Set<string> | undefined, severity: Severity): Finding {
  if (before === undefined) return { ...raw, severity, new: true };
  if (raw.entryPoint !== undefined) return { ...raw, severity, new: !before.has(raw.entryPoint) };
  const covers = raw.covers ?? [];
  const added = covers.filter((covered) => !before.has(covered.key));
  if (covers.length === 0 || added.length === 0) return { ...raw, severity, new: false };
  const kept = covers.filter((covered) => before.has(covered.key));
  const labels = (items: readonly { label: string }[]) => items.map((item) => item.label);
  const finding: Finding = {
    ...raw,
    severity,
    new: true,
    message: `${raw.message} ${newlyCovered.note({ added: labels(added), kept: labels(kept) })}`,
    newlyCovered: labels(added),
  };
  if (raw.headline !== undefined) finding.headline = newlyCovered.headline({ headline: raw.headline, added: labels(added) });
  return finding;
}

/** What a finding about the whole object adds when the rule fired before on other entry points. */
export const newlyCovered = {
  note: ({ added, kept }: { added: readonly string[]; kept: readonly string[] }) =>
    `New in this change: ${added.join(", ")}${kept.length > 0 ? ` (already before: ${kept.join(", ")})` : ""}.`,
  headline: ({ headline, added }: { headline: string; added: readonly string[] }) => `${headline} (new: ${added.join(", ")})`,
};

/** Every finding about an object whose level rests on an assumption says so (a Gateway outside the tree). */
function withAssumptions(findings: Finding[], reach: Reach): Finding[] {
  const assumed = reach.assumptions ?? [];
  if (assumed.length === 0) return findings;
  return findings.map((finding) => ({ ...finding, message: `${finding.message} ${assumed.join(" ")}` }));
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
  // Breakage already on the base side the same way is not this change's doing (error.new false).
  const counted = (error: ReviewError) => error.new !== false || config.conclusion.preexisting === "count";
  if (errors.some((error) => (error.side === "head" && INCOMPLETE_REASONS.has(error.reason) && counted(error)) || error.reason === "unavailable")) raise("neutral");
  return worst;
}
