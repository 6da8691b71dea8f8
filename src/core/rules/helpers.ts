/**
 * The few things several rules share: how a finding names an object and its reach, and one-line
 * fixes built from the exact source text, so a suggestion keeps the author's indentation, quotes
 * and trailing comments.
 */
import type { EntryPoint, ExistingLevel, Fix, ManifestObject } from "../model.js";

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

/** `shop.example.com/api`, `/ on any host` (the catch-all), `TCP/443`: an entry point as a reviewer reads it. */
export function entryPointLabel(entryPoint: EntryPoint): string {
  // A gateway server (Istio) is a port on a host: `HTTPS/443 shop.example.com`.
  if (entryPoint.kind === "port") return entryPoint.host === undefined ? entryPoint.key : `${entryPoint.protocol ?? "TCP"}/${entryPoint.port ?? "?"} ${entryPoint.host}`;
  const path = entryPoint.path ?? "/";
  return entryPoint.host === undefined || entryPoint.host === "*" ? `${path} on any host` : `${entryPoint.host}${path}`;
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
