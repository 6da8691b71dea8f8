/**
 * The render stage's reading of repository YAML: documents with the lines of their values, tolerant of
 * anything (a broken or templated file is simply not a source of targets; the review reports it on its
 * own if it is a manifest).
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from "yaml";
import { MAX_ALIAS_COUNT } from "../core/limits.js";
import type { SourceLocation } from "../core/model.js";

export interface YamlDocument {
  file: string;
  /** Line of the document's first key. */
  line: number;
  value: unknown;
  /** Where the scalar at a path is (`spec.values.service.main.type`), for values and patches. */
  node: YamlNode;
  lines: LineCounter;
  /** The file's lines, for carrying a fix over to a source line. */
  sourceLines: readonly string[];
  /** Lines added to every position: a document embedded in a block scalar of another file. */
  lineOffset: number;
}

/** Every document of `text` that parses; never throws. */
export function readYamlDocuments(file: string, text: string, lineOffset = 0): YamlDocument[] {
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, merge: true, uniqueKeys: false, logLevel: "error" });
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  const sourceLines = text.split(/\r?\n/);
  const result: YamlDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0 || !doc.contents) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      continue;
    }
    const node = doc.contents as YamlNode;
    const line = node.range ? lines.linePos(node.range[0]).line + lineOffset : 1 + lineOffset;
    result.push({ file, line, value, node, lines, sourceLines, lineOffset });
  }
  return result;
}

/** One scalar (or empty collection) of a values tree, with the line that sets it. */
export interface ValueLeaf {
  /** Keys and indexes, joined for comparison: `service.main.ports.http.port`, `hosts[0].host`. */
  path: string;
  /** The last key (for a list item, the key of the list). */
  key: string;
  value: unknown;
  at: SourceLocation;
}

/** The leaves under `node` (a values mapping), each at its line in `doc`'s file. */
export function valueLeaves(doc: YamlDocument, node: YamlNode | undefined = doc.node): ValueLeaf[] {
  const leaves: ValueLeaf[] = [];
  const at = (target: YamlNode): SourceLocation => {
    const line = target.range ? doc.lines.linePos(target.range[0]).line : 1;
    const text = doc.sourceLines[line - 1];
    return { file: doc.file, line: line + doc.lineOffset, ...(text === undefined ? {} : { text }) };
  };
  const walk = (current: YamlNode | null | undefined, path: string, key: string, depth: number) => {
    if (!current || depth > 64) return;
    if (isMap(current)) {
      if (current.items.length === 0) leaves.push({ path, key, value: {}, at: at(current) });
      for (const pair of current.items) {
        const keyNode = pair.key as YamlNode | null;
        const name = isScalar(keyNode) ? String(keyNode.value) : undefined;
        if (name === undefined) continue;
        const value = pair.value as YamlNode | null;
        if (isScalar(value) || value === null) {
          leaves.push({ path: path === "" ? name : `${path}.${name}`, key: name, value: isScalar(value) ? value.value : null, at: at(value ?? keyNode!) });
        } else {
          walk(value, path === "" ? name : `${path}.${name}`, name, depth + 1);
        }
      }
    } else if (isSeq(current)) {
      if (current.items.length === 0) leaves.push({ path, key, value: [], at: at(current) });
      current.items.forEach((item, index) => {
        const itemNode = item as YamlNode | null;
        if (isScalar(itemNode)) leaves.push({ path: `${path}[${index}]`, key, value: itemNode.value, at: at(itemNode) });
        else walk(itemNode, `${path}[${index}]`, key, depth + 1);
      });
    } else if (isScalar(current)) {
      leaves.push({ path, key, value: current.value, at: at(current) });
    }
  };
  walk(node, "", "", 0);
  return leaves;
}

/** The node at a key path of mappings (`["spec", "values"]`), or undefined. */
export function nodeAt(node: YamlNode | undefined, path: readonly string[]): YamlNode | undefined {
  let current: YamlNode | undefined = node;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    const pair = current.items.find((item) => isScalar(item.key) && String((item.key as { value: unknown }).value) === key);
    current = (pair?.value ?? undefined) as YamlNode | undefined;
  }
  return current;
}

/** The line (in the document's file) where the node at `path` starts, for locating a scalar block. */
export function lineOf(doc: YamlDocument, node: YamlNode | undefined): number {
  return node?.range ? doc.lines.linePos(node.range[0]).line + doc.lineOffset : doc.line;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
