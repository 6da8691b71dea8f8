/**
 * The few things several rules share: how a finding names an object and its reach, and one-line
 * fixes built from the exact source text, so a suggestion keeps the author's indentation, quotes
 * and trailing comments.
 */
import type { EntryPoint, ExistingLevel, FieldPath, Fix, ManifestObject } from "../model.js";

/** `Service shop/web`: kind, namespace and name, as reviewers read them. */
export function objectLabel(object: Pick<ManifestObject, "kind" | "namespace" | "name">): string {
  return `${object.kind} ${object.namespace}/${object.name}`;
}

/** Where an entry point at `level` can be reached from, for messages. */
export function reachPhrase(level: ExistingLevel): string {
  switch (level) {
    case "public":
      return "from the internet";
    case "private":
      return "from outside the cluster";
    case "node":
      return "on every node's IP";
    case "cluster":
      return "inside the cluster";
  }
}

/**
 * `shop.example.com/api`, `/ on any host` (the catch-all), `TCP/443`, `listener https (HTTPS/443 *)`,
 * `shop.example.com/ (Gateway infra/public, listener http)`: an entry point as a reviewer reads it.
 */
export function entryPointLabel(entryPoint: EntryPoint): string {
  const via = entryPoint.gateway === undefined ? "" : ` (Gateway ${entryPoint.gateway}${entryPoint.listener === undefined ? "" : `, listener ${entryPoint.listener}`})`;
  if (entryPoint.kind === "port") {
    if (entryPoint.gateway === undefined && entryPoint.listener !== undefined) return `listener ${entryPoint.listener} (${entryPoint.binding ?? entryPoint.key})`;
    if (entryPoint.gateway !== undefined) return `${entryPoint.protocol ?? "TCP"}/${entryPoint.port ?? "?"}${via}`;
    // A gateway server (Istio) is a port on a host: `HTTPS/443 shop.example.com`.
    return entryPoint.host === undefined ? entryPoint.key : `${entryPoint.protocol ?? "TCP"}/${entryPoint.port ?? "?"} ${entryPoint.host}`;
  }
  // TLS routes have no paths: the host alone is the entry point.
  const path = entryPoint.path ?? (entryPoint.gateway === undefined ? "/" : "");
  const where = entryPoint.host === undefined || entryPoint.host === "*" ? `${path || "/"} on any host` : `${entryPoint.host}${path}`;
  return `${where}${via}`;
}

/**
 * What a rule about the object as a whole covers: each entry point, by its key, so a port added to an
 * old public load balancer makes the finding new about that port (review.ts decides `new`).
 */
export function coveredEntryPoints(entryPoints: readonly EntryPoint[]): { key: string; label: string }[] {
  const seen = new Set<string>();
  return entryPoints.flatMap((entryPoint) => {
    if (seen.has(entryPoint.key)) return [];
    seen.add(entryPoint.key);
    return [{ key: entryPoint.key, label: entryPointLabel(entryPoint) }];
  });
}

/**
 * `coveredEntryPoints` through each of `sources` (the external addresses a port is opened on, the open
 * CIDRs an entry point admits): a new source or a new entry point behind an old one is new.
 */
export function coveredThrough(sources: readonly string[], entryPoints: readonly EntryPoint[], label: (source: string, entryPoint: string) => string) {
  const covered = coveredEntryPoints(entryPoints);
  if (covered.length === 0) return sources.map((source) => ({ key: source, label: source }));
  return sources.flatMap((source) => covered.map((entryPoint) => ({ key: `${source} ${entryPoint.key}`, label: label(source, entryPoint.label) })));
}

/** The level an entry point is reached at: its own when it has one (a route on several Gateways), else its object's. */
export function entryLevel(entryPoint: EntryPoint, level: ExistingLevel): ExistingLevel {
  return entryPoint.level ?? level;
}

/** The text of 1-based `line` without a trailing carriage return, or undefined past the end. */
function lineText(object: ManifestObject, line: number): string | undefined {
  return object.sourceLines[line - 1]?.replace(/\r$/, "");
}

/**
 * Replaces the first whole-word `from` on `line` with `to`. Undefined when the line does not hold
 * `from`: the field may be written elsewhere (a flow mapping on another line, a merge key), and a
 * fix that edits the wrong text is worse than none.
 */
export function replaceWordOnLine(object: ManifestObject, line: number, from: string, to: string): Fix | undefined {
  const text = lineText(object, line);
  const word = new RegExp(`(^|[^A-Za-z0-9_-])${from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_-])`);
  if (text === undefined || !word.test(text)) return undefined;
  return { startLine: line, endLine: line, replacement: text.replace(word, (_, before: string) => `${before}${to}`) };
}

/**
 * Adds `value` as a new block-sequence item after the item on `line` (which must hold `expected`),
 * with the same indentation and quote style. YAML needs quotes for a value starting with `*` (an
 * alias otherwise), so a wildcard host is always double-quoted. Undefined for flow sequences and
 * JSON, where one added line would not be valid.
 */
export function appendSequenceItem(object: ManifestObject, line: number, expected: string, value: string): Fix | undefined {
  const text = lineText(object, line);
  const item = text?.match(/^(\s*-\s+)(["']?)(.*?)\2(\s+#.*)?\s*$/);
  if (!text || !item || item[3] !== expected) return undefined;
  const [, prefix, quote] = item;
  const newQuote = quote || (value.startsWith("*") ? '"' : "");
  return { startLine: line, endLine: line, replacement: `${text}\n${prefix}${newQuote}${value}${newQuote}` };
}

/** The value at `path` in a parsed body, or undefined when any step is missing. */
export function valueAt(body: unknown, path: FieldPath): unknown {
  let value = body;
  for (const step of path) {
    if (typeof step === "number") value = Array.isArray(value) ? value[step] : undefined;
    else value = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[step] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/** A field of the base side that the change deleted, and the head fix that puts it back verbatim. */
export interface DeletedField {
  /** First base line of the deleted text (what a LEFT comment sits on). */
  baseLine: number;
  fix?: Fix;
}

/**
 * Where the base side's `path` was written, when the head side no longer has it, with a fix that restores
 * its lines verbatim after the head line that preceded it (the previous key or item that both sides have,
 * else the parent's own line). When the parent is gone too, the parent is what gets restored. No fix for
 * JSON (one inserted line would need commas) or when the text does not start on the field's own line.
 */
export function deletedField(base: ManifestObject, head: ManifestObject, path: FieldPath): DeletedField | undefined {
  const baseValue = valueAt(base.body, path);
  if (path.length < 2 || baseValue === undefined) return undefined;
  const parent = path.slice(0, -1);
  const last = path[path.length - 1]!;
  const headParent = valueAt(head.body, parent);
  if (headParent === undefined) return deletedField(base, head, parent);
  // A list item is deleted when no head item equals it (items shift); a key, when the head lacks it.
  const kept =
    typeof last === "number"
      ? Array.isArray(headParent) && headParent.some((item) => JSON.stringify(item) === JSON.stringify(baseValue))
      : valueAt(headParent, [last]) !== undefined;
  if (kept) return undefined;
  const range = base.rangeOf(path);
  const firstLine = lineText(base, range.line) ?? "";
  const startsHere = typeof last === "number" ? /^\s*-\s/.test(firstLine) : firstLine.includes(`${last}:`) || firstLine.includes(`"${last}"`);
  if (!startsHere) return { baseLine: range.line };
  const anchor = anchorLine(base, head, parent, last);
  const anchorText = anchor === undefined ? undefined : lineText(head, anchor);
  // A flow sequence (`hosts: [a, b]`) takes no block item: restoring one there would not parse.
  const flow = typeof last === "number" && anchorText !== undefined && /[[\]]/.test(anchorText);
  if (base.file.endsWith(".json") || anchor === undefined || anchorText === undefined || flow) return { baseLine: range.line };
  const restored: string[] = [];
  for (let line = range.line; line <= range.endLine; line++) restored.push(lineText(base, line) ?? "");
  return { baseLine: range.line, fix: { startLine: anchor, endLine: anchor, replacement: [anchorText, ...restored].join("\n") } };
}

/** The head line after which a deleted `parent[last]` goes back: its previous sibling's last line, else the parent's line. */
function anchorLine(base: ManifestObject, head: ManifestObject, parent: FieldPath, last: string | number): number | undefined {
  const baseParent = valueAt(base.body, parent);
  const headParent = valueAt(head.body, parent);
  if (typeof last === "number") {
    if (!Array.isArray(baseParent) || !Array.isArray(headParent)) return undefined;
    for (let index = last - 1; index >= 0; index--) {
      const same = headParent.findIndex((item) => JSON.stringify(item) === JSON.stringify(baseParent[index]));
      if (same >= 0) return head.rangeOf([...parent, same]).endLine;
    }
  } else {
    if (baseParent === null || typeof baseParent !== "object" || Array.isArray(baseParent)) return undefined;
    const keys = Object.keys(baseParent);
    for (let index = keys.indexOf(last) - 1; index >= 0; index--) {
      if (valueAt(headParent, [keys[index]!]) !== undefined) return head.rangeOf([...parent, keys[index]!]).endLine;
    }
  }
  return head.rangeOf(parent).line;
}
