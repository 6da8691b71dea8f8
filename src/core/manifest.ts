/**
 * Manifest text -> Kubernetes objects with source positions, read the way kubectl reads them.
 *
 * Decisions where the contract is silent (each is also noted at the spot):
 * - Documents are split the way kubectl's YAMLReader splits them (a line that starts with `---` and
 *   has nothing after it but spaces or a comment), and each piece is parsed on its own, so an
 *   unterminated quote in one document cannot swallow the documents after it.
 * - Duplicate keys are accepted and the last one wins, as kubectl does (sigs.k8s.io/yaml decodes with
 *   go-yaml v2, not strict; kubernetes/kubernetes#89303 and #125885 show the last value being
 *   applied). The review must see what the cluster would get, e.g. `type: ClusterIP` followed by
 *   `type: LoadBalancer` is a LoadBalancer, not a syntax error that hides it.
 * - Templates are told apart per document, not per file (docker-compose files, Grafana dashboards,
 *   ConfigMaps that embed them, workflows, goreleaser and Kyverno policies all hold `{{`). A document
 *   is a template when it does not parse and holds a `{{ … }}` marker, or when a marker stands outside
 *   quoted and block scalars (and comments) of a document that could carry exposure (an exposure kind,
 *   a `*List` of one, or a `kind`/`apiVersion` that is not a plain string). A Service or Ingress with a
 *   marker in any string but a block scalar is a template too: its names and fields are not what the
 *   cluster gets. Everything else is read, or ignored when it is not a Kubernetes object. A file gets
 *   one `template` entry per side (at its first templated document), never one per document.
 *   `${{ … }}` (GitHub Actions) is not a marker.
 * - kubectl reads a JSON stream (objects back to back, `{…}{…}` or one per line): so does the parser,
 *   each object as a document of its own, with its own positions.
 * - A document that does not parse and holds git merge-conflict markers (`<<<<<<<`, `=======`,
 *   `>>>>>>>` at the start of a line) is named as such, with the marker's line.
 * - Lines never point past the end of the file: an offset at the very end (an unterminated flow map)
 *   is the last line, as an editor numbers it.
 * - A Service or Ingress without `metadata.name` is a `syntax` error (kubectl refuses it, and without
 *   a name it cannot be matched across sides); any other kind without a name is simply not an object.
 * - Merge keys are expanded where they stand, as go-yaml v2 (kubectl) does: `<<` overwrites the keys
 *   written before it, and keys written after it overwrite the merged ones (applyKubectlMergeOrder).
 * - The schema is YAML 1.2 core plus 1.1 merge keys: `yes`/`on` stay strings. kubectl would read them
 *   as booleans, but no exposure field takes a boolean, and a boolean annotation is refused by the API.
 * - Hostile input ends in an error entry, never a crash: alias expansion is capped (MAX_ALIAS_COUNT),
 *   an alias inside its own anchor is refused (toJS would return a circular body), and nesting
 *   deeper than MAX_NESTING_DEPTH is refused before the recursive composer sees it.
 * - An object's `line` is the line of its first key (its mapping's start), not of the `---` above it
 *   or a leading comment: that is where a reviewer expects the object to begin.
 */
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  Parser,
  visit,
  type CST,
  type Document,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from "yaml";
import { MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, MAX_NAME_LENGTH, MAX_NAMESPACE_LENGTH, MAX_NESTING_DEPTH } from "./limits.js";
import type {
  ErrorReason,
  FieldPath,
  ManifestFile,
  ManifestObject,
  ParsedFile,
  RenderedSource,
  ReviewError,
  Side,
  SourceRange,
} from "./model.js";
import { isExposureObject, objectId } from "./objects.js";

/**
 * `uniqueKeys: false`: see the header (kubectl takes the last duplicate). `logLevel: "error"`: the
 * core must not write warnings to the process (a hostile file could emit thousands).
 */
const COMPOSE_OPTIONS = { merge: true, uniqueKeys: false, logLevel: "error" } as const;

/** Merge keys can chain (`<<: *a` where `a` merges `b`); real manifests stay far below this. */
const MAX_MERGE_DEPTH = 32;

/** Messages of the parse errors, shared with the tests so wording lives in one place. */
export const parseMessages = {
  tooLarge: (bytes: number | undefined) =>
    `${bytes === undefined ? "File is" : `File is ${formatSize(bytes)},`} over the ${formatSize(MAX_MANIFEST_BYTES)} limit for manifests; it was not reviewed.`,
  binary: () => "File is binary, not a manifest; it was not reviewed.",
  unavailable: (detail: string | undefined) =>
    `The file's text could not be read${detail ? ` (${detail})` : ""}; it was not reviewed, so the review is incomplete.`,
  template: (line: number) =>
    `Template marker ({{ … }}) at line ${line}: this is a Helm/Go template, not a manifest, so it was not reviewed. Review its rendered output instead.`,
  conflict: (line: number, marker: string) =>
    `Merge conflict markers (${marker}) at line ${line}: the document was not read. Resolve the conflict so it can be reviewed.`,
  syntax: (line: number, column: number, problem: string) => `Invalid YAML at line ${line}, column ${column}: ${problem}`,
  aliasBomb: () =>
    `Alias expansion exceeds the limit of ${MAX_ALIAS_COUNT} (an alias bomb?); the document was not read.`,
  recursiveAlias: (anchor: string) =>
    `Alias *${anchor} refers to a node that contains it; kubectl refuses recursive documents, so it was not read.`,
  tooDeep: () => `Collections nest deeper than ${MAX_NESTING_DEPTH} levels; the document was not read.`,
  unreadable: (problem: string) => `The document could not be read: ${problem}`,
  nameTooLong: (kind: string, field: string, length: number, limit: number) =>
    `${kind} has a metadata.${field} of ${length} characters, over Kubernetes' limit of ${limit}: the API server would refuse it, so it was not reviewed.`,
  missingName: (kind: string, generateName: boolean) =>
    generateName
      ? `${kind} has metadata.generateName but no metadata.name: its name is only chosen when it is created, so its exposure cannot be reviewed.`
      : `${kind} has no metadata.name: kubectl would refuse it, and its exposure cannot be reviewed.`,
};

export interface ParseOptions {
  /**
   * `lazy`: each document's node tree is dropped once its objects are read, and built again (by
   * parsing the document once more) the first time one of its objects is asked for a position. For
   * files read only to resolve references (context files), whose objects are seldom asked where a
   * field is: holding every node tree of a large tree costs more than parsing it (about ten times
   * the text in memory, which the garbage collector copies again and again).
   */
  positions?: "eager" | "lazy";
}

/**
 * Reads one manifest file into every Kubernetes object it holds (a mapping with a string
 * `apiVersion`, a string `kind` and a `metadata.name`; `*List` items count one by one) and an error
 * entry for each part that could not be read. Never throws on any input.
 *
 * Positions from `rangeOf` are 1-based; `endColumn` is exclusive (the column after the last
 * character), as in SARIF regions.
 */
export function parseManifestFile(file: ManifestFile, side: Side, options: ParseOptions = {}): ParsedFile {
  const parsed: ParsedFile = { path: file.path, objects: [], errors: [] };
  const fail = (reason: ErrorReason, message: string, line?: number): ParsedFile => {
    parsed.errors.push(reviewError(file.path, side, reason, message, line));
    return parsed;
  };

  if (file.unreadable === "binary") return fail("binary", parseMessages.binary());
  if (file.unreadable === "too-large") return fail("too-large", parseMessages.tooLarge(file.size));
  if (file.unreadable === "unavailable") return fail("unavailable", parseMessages.unavailable(file.unreadableDetail));
  let text = file.text ?? "";
  const bytes = utf8ByteLengthOver(text, MAX_MANIFEST_BYTES);
  if (bytes !== undefined) return fail("too-large", parseMessages.tooLarge(bytes));
  if (text.includes("\u0000")) return fail("binary", parseMessages.binary());
  // kubectl tolerates a byte order mark; dropping it keeps line 1's columns as an editor shows them.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lineStarts = lineStartOffsets(text);
  const context: FileContext = {
    path: file.path,
    side,
    text,
    lineStarts,
    lineCount: lineCount(text, lineStarts),
    parsed,
    sourceLines: undefined,
    rendered: file.rendered,
    lazyPositions: options.positions === "lazy",
  };

  const chunks = jsonStreamChunks(text) ?? documentChunks(text, lineStarts);
  for (let i = 0; i < chunks.length; i++) {
    const start = chunks[i] as number;
    const end = i + 1 < chunks.length ? (chunks[i + 1] as number) : text.length;
    readChunk(context, start, text.slice(start, end));
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Files and documents

interface FileContext {
  path: string;
  side: Side;
  text: string;
  /** Offset of the first character of each line; `lineStarts[0]` is 0. */
  lineStarts: number[];
  /** Lines as an editor numbers them: a final newline does not start another line. */
  lineCount: number;
  parsed: ParsedFile;
  /** Built when the file's first object is, then shared by all of them. */
  sourceLines: string[] | undefined;
  /** The render target's output: namespace and target of its objects. */
  rendered: RenderedSource | undefined;
  /** Positions are found again from the text when asked (ParseOptions.positions). */
  lazyPositions: boolean;
}

/** One YAML document, as the positions and alias lookups of its objects need it. */
interface DocumentContext {
  file: FileContext;
  doc: Document<YamlNode, boolean>;
  /** Offset of the parsed piece in the file: node ranges are relative to it. */
  chunkStart: number;
  /** The piece's text, kept for the error entries of a document that cannot be read. */
  chunkText: string;
  /** Offset (in the piece) of the first `{{ … }}` marker outside quoted and block scalars, or -1. */
  plainMarker: number;
  /** Which document of the piece this is, to find it again when positions are lazy. */
  docIndex: number;
}

/**
 * `parseAllDocuments`, taken apart so the parser's depth can be watched: what it does (Parser ->
 * Composer), minus pretty errors, since positions are computed here against the whole file.
 */
function readChunk(file: FileContext, chunkStart: number, chunkText: string): void {
  const composer = new Composer(COMPOSE_OPTIONS);
  let docs: Document<YamlNode, boolean>[];
  try {
    docs = composeDocuments(composer, chunkText);
  } catch (error) {
    const offset = error instanceof NestingTooDeep ? error.offset : 0;
    const { line } = position(file, chunkStart + offset);
    const message = error instanceof NestingTooDeep ? parseMessages.tooDeep() : parseMessages.unreadable(errorText(error));
    addError(file, chunkText, "syntax", message, line);
    return;
  }
  if (docs.length === 0) {
    const streamError = composer.streamInfo().errors[0];
    if (streamError) addBrokenPiece(file, chunkText, chunkStart, streamError.pos[0], streamError.message);
    return;
  }
  // Anchors and aliases are rare in manifests: look for self-reference only where both can occur.
  const mayHaveAliases = chunkText.includes("&") && chunkText.includes("*");
  // An engine's output is the manifest itself: `{{` left in it is data (an annotation, a dashboard).
  const plainMarker = file.rendered ? -1 : findTemplateMarker(chunkText, false);
  docs.forEach((doc, docIndex) => readDocument({ file, doc, chunkStart, chunkText, plainMarker, docIndex }, mayHaveAliases));
}

function composeDocuments(composer: Composer, chunkText: string): Document<YamlNode, boolean>[] {
  return Array.from(composer.compose(depthGuardedTokens(chunkText)));
}

class NestingTooDeep extends Error {
  constructor(readonly offset: number) {
    super("nesting too deep");
  }
}

/** The parser's tokens, stopping with `NestingTooDeep` before the composer could recurse too far. */
function* depthGuardedTokens(source: string): Generator<CST.Token> {
  const parser = new Parser();
  let offset = 0;
  for (const lexeme of new Lexer().lex(source)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > MAX_NESTING_DEPTH) throw new NestingTooDeep(offset);
    offset = parser.offset;
  }
  yield* parser.end();
}

function readDocument(context: DocumentContext, mayHaveAliases: boolean): void {
  const { file, doc, chunkStart, chunkText } = context;
  // The yaml library still builds a tree for a broken document; none of it is trusted.
  const firstError = doc.errors[0];
  if (firstError) {
    addBrokenPiece(file, chunkText, chunkStart, firstError.pos[0], firstError.message);
    return;
  }
  const root = doc.contents;
  if (!(isMap(root) || isSeq(root)) || !root.range) return;
  const rootLine = position(file, chunkStart + root.range[0]).line;

  if (mayHaveAliases) {
    const recursive = findRecursiveAlias(doc);
    if (recursive) {
      const { line } = position(file, chunkStart + (recursive.range?.[0] ?? root.range[0]));
      addError(file, chunkText, "syntax", parseMessages.recursiveAlias(recursive.source), line);
      return;
    }
  }

  if (chunkText.includes("<<")) applyKubectlMergeOrder(context);

  let body: unknown;
  try {
    body = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const bomb = error instanceof ReferenceError && /alias count/i.test(error.message);
    addError(file, chunkText, "syntax", bomb ? parseMessages.aliasBomb() : parseMessages.unreadable(errorText(error)), rootLine);
    return;
  }
  if (context.plainMarker >= 0 && mayCarryExposure(body, 0)) {
    addTemplate(file, chunkText, chunkStart + context.plainMarker);
    return;
  }
  collectObjects(context, body, root, 0);
}

/**
 * Whether a parsed document could hold a Service or Ingress, so a template marker in it matters: an
 * exposure kind, a `*List` with such an item, or a `kind`/`apiVersion` that a template wrote (not a
 * plain string). docker-compose files, workflows and Kyverno policies hold none of these.
 */
function mayCarryExposure(value: unknown, listDepth: number): boolean {
  if (!isPlainObject(value)) return false;
  const { apiVersion, kind } = value;
  if (("kind" in value && typeof kind !== "string") || ("apiVersion" in value && typeof apiVersion !== "string")) return true;
  if (typeof kind !== "string" || typeof apiVersion !== "string") return false;
  if (kind.endsWith("List")) {
    return listDepth < MAX_LIST_DEPTH && (!Array.isArray(value.items) || value.items.some((item) => mayCarryExposure(item, listDepth + 1)));
  }
  return isExposureObject({ apiVersion, kind });
}

/** How deep `*List` items may nest in `*List` items (kubectl flattens nested lists too). */
const MAX_LIST_DEPTH = 8;

function collectObjects(context: DocumentContext, value: unknown, node: YamlNode | undefined, listDepth: number, itemPath: readonly number[] = []): void {
  if (!isPlainObject(value)) return;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return;
  const { file, chunkStart, chunkText } = context;
  const line = node?.range ? position(file, chunkStart + node.range[0]).line : 1;

  if (kind.endsWith("List") && Array.isArray(value.items)) {
    if (listDepth >= MAX_LIST_DEPTH) return;
    const itemsNode = node ? resolveAlias(context, childNode(context, node, "items")) : undefined;
    value.items.forEach((item, index) => {
      const itemNode = isSeq(itemsNode) ? resolveAlias(context, itemsNode.items[index] as YamlNode | undefined) : undefined;
      collectObjects(context, item, itemNode ?? node, listDepth + 1, [...itemPath, index]);
    });
    return;
  }

  const metadata = isPlainObject(value.metadata) ? value.metadata : undefined;
  const name = metadata?.name;
  if (typeof name !== "string" || name === "") {
    if (isExposureObject({ apiVersion, kind })) {
      addError(file, chunkText, "syntax", parseMessages.missingName(kind, typeof metadata?.generateName === "string"), line);
    }
    return;
  }
  // A rendered object without a namespace is deployed to its release's (helm template writes none).
  const namespace = typeof metadata?.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : (file.rendered?.namespace ?? "default");
  const target = file.rendered?.target;
  if (isExposureObject({ apiVersion, kind })) {
    // Names the API server would refuse are refused here too: it bounds what suppression patterns
    // are matched against and what every face prints (a 500 KB name once overflowed a review body).
    const overLimit: [string, number, number] | undefined =
      name.length > MAX_NAME_LENGTH ? ["name", name.length, MAX_NAME_LENGTH]
      : namespace.length > MAX_NAMESPACE_LENGTH ? ["namespace", namespace.length, MAX_NAMESPACE_LENGTH]
      : undefined;
    if (overLimit) {
      addError(file, chunkText, "syntax", parseMessages.nameTooLong(kind, ...overLimit), line);
      return;
    }
  }
  if (isExposureObject({ apiVersion, kind }) && !file.rendered) {
    const quotedMarker = node ? templateStringIn(node, chunkText) : -1;
    if (quotedMarker >= 0) {
      addTemplate(file, chunkText, chunkStart + quotedMarker);
      return;
    }
  }
  file.sourceLines ??= splitLines(file.text, file.lineStarts);

  const object: ManifestObject = {
    apiVersion,
    kind,
    namespace,
    name,
    id: objectId(kind, namespace, name, apiVersion, target),
    ...(target === undefined ? {} : { target }),
    file: file.path,
    line,
    body: value,
    rangeOf: file.lazyPositions ? lazyRangeOf(context, itemPath, node !== undefined, line) : (path) => rangeOf(context, node, line, path),
    sourceLines: file.sourceLines,
  };
  file.parsed.objects.push(object);
}

// ---------------------------------------------------------------------------------------------
// Positions

/**
 * The range a finding about `path` should point at. Walks the node tree only when asked, so an
 * object costs one closure until a rule needs a position.
 */
function rangeOf(context: DocumentContext, root: YamlNode | undefined, line: number, path: FieldPath): SourceRange {
  if (!root?.range) return { line, column: 1, endLine: line, endColumn: 1 };
  let best = nodeRange(context, root);
  let current: YamlNode | undefined = root;
  for (const segment of path) {
    const collection = resolveAlias(context, current);
    if (isMap(collection)) {
      const pair = findPair(context, collection, segment, 0);
      if (!pair) break;
      best = pairRange(context, pair);
      current = (pair.value ?? undefined) as YamlNode | undefined;
    } else if (isSeq(collection) && typeof segment === "number") {
      const item = collection.items[segment] as YamlNode | null | undefined;
      if (!item?.range) break;
      best = nodeRange(context, item);
      current = item;
    } else {
      break;
    }
  }
  return best;
}

/**
 * `rangeOf` for an object whose document's node tree is not kept: the closure holds the piece's
 * text and where the object is in it (which document, which `*List` items), never the tree, and
 * parses the piece again the first time a position is asked. The objects of one piece share that
 * parse; an object never asked costs nothing more.
 */
function lazyRangeOf(context: DocumentContext, itemPath: readonly number[], hasNode: boolean, line: number): (path: FieldPath) => SourceRange {
  const { file, chunkStart, chunkText, plainMarker, docIndex } = context;
  const piece = pieceOf(file, chunkStart);
  let found: { context: DocumentContext; node: YamlNode | undefined } | undefined;
  // Never `context` inside the closure: it holds the node tree this option is there to let go.
  if (!hasNode) return () => ({ line, column: 1, endLine: line, endColumn: 1 });
  return (path) => {
    if (!found) {
      piece.docs ??= composeDocuments(new Composer(COMPOSE_OPTIONS), chunkText);
      const doc = piece.docs[docIndex] as Document<YamlNode, boolean>;
      const again: DocumentContext = { file, doc, chunkStart, chunkText, plainMarker, docIndex };
      if (!piece.merged.has(docIndex) && chunkText.includes("<<")) {
        applyKubectlMergeOrder(again);
        piece.merged.add(docIndex);
      }
      // The same steps collectObjects took from the root to the object.
      let node = doc.contents ?? undefined;
      for (const index of itemPath) {
        const items = node ? resolveAlias(again, childNode(again, node, "items")) : undefined;
        node = isSeq(items) ? (resolveAlias(again, items.items[index] as YamlNode | undefined) ?? node) : node;
      }
      found = { context: again, node: node ?? undefined };
    }
    return rangeOf(found.context, found.node, line, path);
  };
}

/** The pieces of a file parsed again for positions, by offset: shared by the objects of one piece. */
const reparsedPieces = new WeakMap<FileContext, Map<number, { docs?: Document<YamlNode, boolean>[]; merged: Set<number> }>>();

function pieceOf(file: FileContext, chunkStart: number): { docs?: Document<YamlNode, boolean>[]; merged: Set<number> } {
  let pieces = reparsedPieces.get(file);
  if (!pieces) reparsedPieces.set(file, (pieces = new Map()));
  let piece = pieces.get(chunkStart);
  if (!piece) pieces.set(chunkStart, (piece = { merged: new Set() }));
  return piece;
}

/**
 * A scalar value points at itself. A collection, an alias or an empty value points at its key, so
 * `["spec", "tls"]` lands on the `tls:` line; the range then runs to the end of the value.
 */
function pairRange(context: DocumentContext, pair: Pair<unknown, unknown>): SourceRange {
  const key = pair.key as YamlNode | null;
  const value = pair.value as YamlNode | null;
  if (isScalar(value) && value.range && value.range[1] > value.range[0]) return nodeRange(context, value);
  if (!key?.range) return value?.range ? nodeRange(context, value) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const end = value?.range && !isScalar(value) ? trimmedEnd(context, value.range[1]) : key.range[1];
  return span(context, key.range[0], Math.max(end, key.range[1]));
}

function nodeRange(context: DocumentContext, node: YamlNode): SourceRange {
  const range = node.range as [number, number, number];
  return span(context, range[0], Math.max(range[0], trimmedEnd(context, range[1])));
}

function span(context: DocumentContext, start: number, end: number): SourceRange {
  const from = position(context.file, context.chunkStart + start);
  const to = position(context.file, context.chunkStart + end);
  return { line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
}

/** Block collections end where the next key starts; a range should end at its last character. */
function trimmedEnd(context: DocumentContext, end: number): number {
  const { text } = context.file;
  let offset = context.chunkStart + end;
  while (offset > 0 && isWhitespace(text.charCodeAt(offset - 1))) offset--;
  return offset - context.chunkStart;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** 1-based line and column of `offset`, on a line that exists (see lineCount). */
function position(file: FileContext, offset: number): { line: number; column: number } {
  const starts = file.lineStarts;
  let low = 0;
  let high = file.lineCount - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (starts[low] as number) + 1 };
}

/**
 * The number of lines an editor (and GitHub) shows: `a\n` is one line, not two. An offset at the very
 * end of a file that ends with a newline then counts on the last line, never one past it.
 */
function lineCount(text: string, lineStarts: readonly number[]): number {
  return text.endsWith("\n") && lineStarts.length > 1 ? lineStarts.length - 1 : lineStarts.length;
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The file's lines without their `\n` or `\r\n`. */
function splitLines(text: string, lineStarts: readonly number[]): string[] {
  const lines = new Array<string>(lineStarts.length);
  for (let i = 0; i < lineStarts.length; i++) {
    const start = lineStarts[i] as number;
    let end = i + 1 < lineStarts.length ? (lineStarts[i + 1] as number) - 1 : text.length;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    lines[i] = text.slice(start, end);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The node tree: keys, merge keys, aliases

/** The pair for `segment` in `map`: the last explicit key wins, then merged maps in order. */
function findPair(
  context: DocumentContext,
  map: YAMLMap<unknown, unknown>,
  segment: string | number,
  depth: number,
): Pair<unknown, unknown> | undefined {
  const wanted = String(segment);
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i] as Pair<unknown, unknown>;
    if (isScalar(pair.key) && typeof pair.key.value !== "symbol" && String(pair.key.value) === wanted) return pair;
  }
  if (depth >= MAX_MERGE_DEPTH) return undefined;
  // YAML 1.1 merge: explicit keys override merged ones; among merged maps the first one wins.
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    for (const source of mergeSources(context, pair.value)) {
      const found = findPair(context, source, segment, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * kubectl decodes YAML with go-yaml v2, which expands a merge key where it stands: the merged keys
 * overwrite those written before `<<`, and keys written after it overwrite the merged ones. `yaml`
 * follows the YAML 1.1 text instead (explicit keys always win), which would read
 * `type: ClusterIP` + `<<: *lb` as ClusterIP where kubectl applies the anchor's LoadBalancer. So an
 * explicit key that a later merge key provides, and that nothing after that merge sets again, is
 * dropped before conversion; positions then point at the merged value, which is the one that applies.
 */
function applyKubectlMergeOrder(context: DocumentContext): void {
  const keysOfSource = new Map<YAMLMap<unknown, unknown>, Set<string>>();
  visit(context.doc, {
    Map(_key, map) {
      const pairs = map.items as Pair<unknown, unknown>[];
      const merges = pairs.flatMap((pair, index) =>
        isMergeKey(pair.key) ? [{ index, keys: mergedKeys(context, pair.value, keysOfSource, 0) }] : [],
      );
      if (merges.length === 0) return;
      const lastIndexOf = new Map<string, number>();
      pairs.forEach((pair, index) => {
        const key = explicitKey(pair);
        if (key !== undefined) lastIndexOf.set(key, index);
      });
      map.items = pairs.filter((pair, index) => {
        const key = explicitKey(pair);
        if (key === undefined) return true;
        const setAgainAfter = lastIndexOf.get(key) ?? index;
        return !merges.some((merge) => merge.index > index && merge.index > setAgainAfter && merge.keys.has(key));
      });
    },
  });
}

/** The key of a pair that is not a merge key, as `findPair` compares it. */
function explicitKey(pair: Pair<unknown, unknown> | undefined): string | undefined {
  const key = pair?.key;
  return isScalar(key) && typeof key.value !== "symbol" ? String(key.value) : undefined;
}

/** Every key a merge value provides, its own merges included; each source map is read once. */
function mergedKeys(
  context: DocumentContext,
  value: unknown,
  keysOfSource: Map<YAMLMap<unknown, unknown>, Set<string>>,
  depth: number,
): Set<string> {
  const keys = new Set<string>();
  if (depth >= MAX_MERGE_DEPTH) return keys;
  for (const source of mergeSources(context, value)) {
    let sourceKeys = keysOfSource.get(source);
    if (!sourceKeys) {
      sourceKeys = new Set<string>();
      for (const pair of source.items as Pair<unknown, unknown>[]) {
        const key = explicitKey(pair);
        if (key !== undefined) sourceKeys.add(key);
        else if (isMergeKey(pair.key)) for (const nested of mergedKeys(context, pair.value, keysOfSource, depth + 1)) sourceKeys.add(nested);
      }
      keysOfSource.set(source, sourceKeys);
    }
    for (const key of sourceKeys) keys.add(key);
  }
  return keys;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol" && key.value.description === "<<";
}

function mergeSources(context: DocumentContext, value: unknown): YAMLMap<unknown, unknown>[] {
  const resolved = resolveAlias(context, value as YamlNode | undefined);
  if (isMap(resolved)) return [resolved];
  if (!isSeq(resolved)) return [];
  return resolved.items
    .map((item) => resolveAlias(context, item as YamlNode | undefined))
    .filter((item): item is YAMLMap<unknown, unknown> => isMap(item));
}

function childNode(context: DocumentContext, node: YamlNode, key: string): YamlNode | undefined {
  const map = resolveAlias(context, node);
  if (!isMap(map)) return undefined;
  return (findPair(context, map, key, 0)?.value ?? undefined) as YamlNode | undefined;
}

function resolveAlias(context: DocumentContext, node: YamlNode | null | undefined): YamlNode | undefined {
  if (!isAlias(node)) return node ?? undefined;
  return node.resolve(context.doc);
}

/**
 * An alias inside the node its anchor names (`a: &m {self: *m}`) makes `toJS` return a circular
 * value, which no later step could serialise. kubectl refuses such documents; so does the review.
 */
function findRecursiveAlias(doc: Document<YamlNode, boolean>): { source: string; range?: [number, number, number] | null } | undefined {
  const anchors = new Map<string, unknown>();
  let found: { source: string; range?: [number, number, number] | null } | undefined;
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target !== undefined && path.includes(target as never)) {
          found = node;
          return visit.BREAK;
        }
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
      return undefined;
    },
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Splitting, templates, limits

/**
 * Where each document piece starts, split as kubectl's YAMLReader splits a stream: at a line that
 * starts with `---` followed only by whitespace or a comment. Each piece keeps its `---` line.
 */
function documentChunks(text: string, lineStarts: readonly number[]): number[] {
  const chunks = [0];
  for (let i = 1; i < lineStarts.length; i++) {
    const start = lineStarts[i] as number;
    if (text.charCodeAt(start) !== 0x2d || !text.startsWith("---", start)) continue;
    const end = i + 1 < lineStarts.length ? (lineStarts[i + 1] as number) : text.length;
    const rest = text.slice(start + 3, end).trim();
    if (rest === "" || rest.startsWith("#")) chunks.push(start);
  }
  return chunks;
}

/**
 * Offset of the first Go template marker that YAML would read as content, or -1. With `quoted`
 * false, markers inside quoted scalars do not count (a dashboard's JSON in a string is data). The
 * lexer tells comments, block scalars and quoted strings apart far more reliably than a regular
 * expression.
 */
function findTemplateMarker(text: string, quoted: boolean): number {
  const first = text.indexOf("{{");
  if (first < 0 || text.indexOf("}}", first + 2) < 0) return -1;
  let offset = 0;
  let scalarNext = false;
  let blockScalarNext = false;
  let previousFlowStart = -2; // never adjacent to a token at offset 0
  for (const token of new Lexer().lex(text)) {
    // Control tokens of the lexer mark document starts, flow ends and scalars; they are not source.
    if (token === "\u0002" || token === "\u0018") continue;
    if (token === "\u001f") {
      scalarNext = true;
      continue;
    }
    const start = offset;
    offset += token.length;
    const isScalarToken = scalarNext;
    scalarNext = false;
    if (isScalarToken && blockScalarNext) {
      blockScalarNext = false;
      continue;
    }
    if (!isScalarToken && (token.startsWith("|") || token.startsWith(">"))) {
      blockScalarNext = true;
      continue;
    }
    if (token.startsWith("#")) continue;
    if (!quoted && (token.startsWith('"') || token.startsWith("'"))) continue;
    // `{{ x }}` in flow position lexes as two flow-map starts.
    if (token === "{") {
      if (previousFlowStart === start - 1 && text.indexOf("}}", start + 1) >= 0) return start - 1;
      previousFlowStart = start;
      continue;
    }
    const at = markerIn(token);
    if (at >= 0 && text.indexOf("}}", start + at + 2) >= 0) return start + at;
  }
  return -1;
}

/** Offset of a `{{` in `value` that opens a Go template action (not GitHub's `${{ … }}`), or -1. */
function markerIn(value: string): number {
  for (let at = value.indexOf("{{"); at >= 0; at = value.indexOf("{{", at + 2)) {
    if (at === 0 || value.charCodeAt(at - 1) !== 0x24) return at;
  }
  return -1;
}

/**
 * Offset (in the piece) of a quoted or plain scalar of `node` that holds a `{{ … }}` action, or -1.
 * Block scalars are left out: annotations and data embed other tools' templates there.
 */
function templateStringIn(node: YamlNode, chunkText: string): number {
  // A value holds `{{` only where the text does, or where an escape (`\x7b`) or a line continuation
  // wrote it: without either, no scalar needs a look.
  if (!chunkText.includes("{{") && !chunkText.includes("\\")) return -1;
  let found = -1;
  visit(node, {
    Scalar(_key, scalar) {
      if (scalar.type === "BLOCK_LITERAL" || scalar.type === "BLOCK_FOLDED" || typeof scalar.value !== "string") return undefined;
      const at = markerIn(scalar.value);
      if (at < 0 || scalar.value.indexOf("}}", at + 2) < 0) return undefined;
      found = scalar.range ? scalar.range[0] : 0;
      return visit.BREAK;
    },
  });
  return found >= 0 && found <= chunkText.length ? found : -1;
}

/**
 * The start of each value of a kubectl JSON stream (`{…}{…}`, or one object per line), or undefined
 * when the text is not such a stream (a single JSON value, YAML, anything else). One linear scan that
 * knows strings and escapes; the values are then parsed one by one like YAML documents.
 */
function jsonStreamChunks(text: string): number[] | undefined {
  let at = skipJsonWhitespace(text, 0);
  if (text.charCodeAt(at) !== 0x7b) return undefined; // `{`
  const starts: number[] = [];
  while (at < text.length) {
    if (text.charCodeAt(at) !== 0x7b) return undefined;
    // The first value's piece starts at 0, so a leading byte-order mark or blank line stays in it.
    starts.push(starts.length === 0 ? 0 : at);
    let depth = 0;
    let inString = false;
    for (; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (inString) {
        if (code === 0x5c) at++; // `\`: skip the escaped character
        else if (code === 0x22) inString = false;
      } else if (code === 0x22) inString = true;
      else if (code === 0x7b || code === 0x5b) depth++;
      else if (code === 0x7d || code === 0x5d) {
        depth--;
        if (depth === 0) {
          at++;
          break;
        }
      }
    }
    if (depth !== 0) break; // an unterminated last value: it gets its own syntax error
    at = skipJsonWhitespace(text, at);
  }
  return starts.length > 1 ? starts : undefined;
}

function skipJsonWhitespace(text: string, from: number): number {
  let at = from;
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at++;
  return at;
}

/**
 * The UTF-8 size of `text` when it exceeds `limit`, else undefined. Most files are decided by their
 * length alone (a UTF-16 unit is 1 to 3 UTF-8 bytes; a surrogate pair is 4 for 2 units).
 */
function utf8ByteLengthOver(text: string, limit: number): number | undefined {
  if (text.length * 3 <= limit) return undefined;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else {
      bytes += 3;
    }
  }
  return bytes > limit ? bytes : undefined;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/**
 * A piece the parser refused at `offset` (relative to the piece): merge-conflict markers are named as
 * such, a piece with a template marker is a template, anything else is a syntax error.
 */
function addBrokenPiece(file: FileContext, piece: string, chunkStart: number, offset: number, problem: string): void {
  const conflict = conflictMarker(piece);
  if (conflict) {
    const { line } = position(file, chunkStart + conflict.offset);
    addError(file, piece, "syntax", parseMessages.conflict(line, conflict.marker), line).conflictMarkers = true;
    return;
  }
  const marker = findTemplateMarker(piece, true);
  if (marker >= 0) {
    addTemplate(file, piece, chunkStart + marker);
    return;
  }
  const { line, column } = position(file, chunkStart + offset);
  addError(file, piece, "syntax", parseMessages.syntax(line, column, problem), line);
}

/** The first git merge-conflict marker line of `text`: `<<<<<<<`, `=======` or `>>>>>>>` starting a line. */
function conflictMarker(text: string): { offset: number; marker: string } | undefined {
  const found = /^(<{7}|={7}|>{7})(?:[ \t].*)?\r?$/m.exec(text);
  return found ? { offset: found.index, marker: found[1] as string } : undefined;
}

/**
 * A templated piece. The file gets one `template` entry per side, at its first templated document;
 * every templated piece is kept, since each could hold objects the other side has.
 */
function addTemplate(file: FileContext, piece: string, offset: number): void {
  const existing = file.parsed.errors.find((error) => error.reason === "template");
  if (existing) {
    (file.parsed.unreadablePieces ??= []).push({ text: piece, error: existing, template: true });
    return;
  }
  const { line } = position(file, offset);
  addError(file, piece, "template", parseMessages.template(line), line);
}

/**
 * An error in one piece of a file that was otherwise read. The piece's text is kept so the review can
 * tell which objects it could have held: only those are "unknown" on this side, not the whole file.
 */
function addError(file: FileContext, piece: string, reason: ErrorReason, message: string, line: number): ReviewError {
  const error = reviewError(file.path, file.side, reason, message, line);
  file.parsed.errors.push(error);
  (file.parsed.unreadablePieces ??= []).push({ text: piece, error, template: reason === "template" });
  return error;
}

function reviewError(path: string, side: Side, reason: ErrorReason, message: string, line: number | undefined): ReviewError {
  return line === undefined ? { file: path, reason, message, side } : { file: path, line, reason, message, side };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
