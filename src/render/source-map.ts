/**
 * Where a rendered line comes from (CONTRACT.md, "Where findings point"), the first that applies:
 *
 * 1. a values key that the change set and that produced the field: a changed leaf (values file,
 *    `spec.values` of a HelmRelease, `helm.values*` of an Application) whose value is the rendered
 *    value, under the same key (`type: LoadBalancer` <- `service.main.type: LoadBalancer`), or, for a
 *    value distinctive enough to be no coincidence (a host name, a CIDR), under any key;
 * 2. a kustomize patch line that writes the same key and value, then a resource line that does;
 * 3. the template line (Helm's `# Source:`, for a chart of this repository) that writes the key;
 * 4. nothing: the caller falls back to the target's own document.
 *
 * Why values are matched by value: Helm keeps no trace of which value produced which field, and a
 * change-set leaf whose value equals the rendered field, under the same key, is what a reviewer reads
 * as its cause. Only leaves the change set are candidates, so an unchanged default can never claim a
 * field; when none matches, the finding falls to the template or the target, never to a wrong key.
 */
import type { SourceLocation } from "../core/model.js";
import type { ValueLeaf } from "./yaml-docs.js";

export interface SourceMapInput {
  /** Leaves of the target's values that the change set (head value differs from base, or new). */
  changedLeaves: readonly ValueLeaf[];
  /** Texts of repository files by path (templates, patches, resources). */
  texts: ReadonlyMap<string, string>;
  /** Helm: the repository path of a `# Source:` path, when the chart is in the repository. */
  templatePath?: (source: string) => string | undefined;
  /** Kustomize: patch files, searched before the resources. */
  patches?: readonly string[];
  resources?: readonly string[];
}

/** `key: value` of a YAML line (list items too); the value without quotes, "" for a collection key. */
const LINE = /^\s*(?:-\s+)*("?)([^\s"':#][^"':]*?)\1\s*:(?:\s+(.*?))?\s*$/;

export function parseLine(text: string): { key: string; value: string } | undefined {
  const match = LINE.exec(text);
  if (!match) return undefined;
  return { key: match[2]!, value: unquote((match[3] ?? "").replace(/\s+#.*$/, "")) };
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}

export function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Host names, addresses, CIDRs, URLs: a value this specific equal to a changed key is that key's doing. */
function distinctive(value: string): boolean {
  return value.length >= 4 && /[./:]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value);
}

/** Rendered line number (1-based) -> the repository line it comes from. */
export function buildSourceMap(output: string, input: SourceMapInput): Map<number, SourceLocation> {
  const map = new Map<number, SourceLocation>();
  const byValue = new Map<string, ValueLeaf[]>();
  for (const leaf of input.changedLeaves) {
    const text = scalarText(leaf.value);
    if (text === undefined || text === "") continue;
    const list = byValue.get(text);
    if (list) list.push(leaf);
    else byValue.set(text, [leaf]);
  }
  const sourceIndex = indexLines(input, [...(input.patches ?? []), ...(input.resources ?? [])]);
  const templateLines = new Map<string, { key: string; line: number; text: string }[]>();
  let template: string | undefined;
  const lastTemplateLine = new Map<string, number>();
  const fromValues = new Set<number>();
  const lines = output.split("\n");
  lines.forEach((text, index) => {
    const number = index + 1;
    const source = /^# Source: (.+)$/.exec(text);
    if (source) {
      template = input.templatePath?.(source[1]!.trim());
      // Each document starts the template over (a `range` renders it again).
      if (template !== undefined) lastTemplateLine.delete(template);
      return;
    }
    if (/^---/.test(text)) return;
    const parsed = parseLine(text);
    if (!parsed) return;
    if (parsed.value !== "") {
      const candidates = byValue.get(parsed.value) ?? [];
      const leaf = candidates.find((candidate) => candidate.key === parsed.key) ?? (candidates.length === 1 && distinctive(parsed.value) ? candidates[0] : undefined);
      if (leaf) {
        map.set(number, leaf.at);
        fromValues.add(number);
        return;
      }
      const written = sourceIndex.get(`${parsed.key}\u0000${parsed.value}`);
      if (written) {
        map.set(number, written);
        return;
      }
    }
    if (template !== undefined) {
      const found = templateLine(templateKeys(input, template, templateLines), parsed, lastTemplateLine.get(template) ?? 0);
      if (found) {
        lastTemplateLine.set(template, found.line);
        map.set(number, { file: template, line: found.line, text: found.text });
      }
    }
  });
  pointItemsAtTheirValues(lines, map, fromValues);
  return map;
}

/**
 * A finding about a list item (a port, a rule) sits on the item's first line (`- name: http`); when a
 * line inside the item comes from a changed values key (`port: 32400`), the item points there too.
 */
function pointItemsAtTheirValues(lines: readonly string[], map: Map<number, SourceLocation>, fromValues: ReadonlySet<number>): void {
  lines.forEach((text, index) => {
    const item = /^(\s*)-\s/.exec(text);
    if (!item || fromValues.has(index + 1)) return;
    const indent = item[1]!.length;
    for (let next = index + 1; next < lines.length; next++) {
      const line = lines[next]!;
      if (line.trim() === "") continue;
      if (line.length - line.trimStart().length <= indent) break;
      if (fromValues.has(next + 1)) {
        map.set(index + 1, map.get(next + 1)!);
        return;
      }
    }
  });
}

/** `key\0value` -> its first line in the patch files, then in the resource files. */
function indexLines(input: SourceMapInput, files: readonly string[]): Map<string, SourceLocation> {
  const index = new Map<string, SourceLocation>();
  for (const file of files) {
    const text = input.texts.get(file);
    if (text === undefined) continue;
    text.split(/\r?\n/).forEach((line, at) => {
      const parsed = parseLine(line);
      if (!parsed || parsed.value === "") return;
      const key = `${parsed.key}\u0000${parsed.value}`;
      if (!index.has(key)) index.set(key, { file, line: at + 1, text: line });
    });
  }
  return index;
}

/**
 * The template line that writes `key`: one that spells the rendered value out (`name: http`), else
 * the next one with the key after the last line matched (templates render top to bottom), else the
 * first with the key.
 */
function templateLine(keys: readonly { key: string; line: number; text: string }[], rendered: { key: string; value: string }, after: number) {
  const same = keys.filter((candidate) => candidate.key === rendered.key);
  return (
    (rendered.value !== "" ? same.find((candidate) => parseLine(candidate.text)?.value === rendered.value) : undefined) ??
    same.find((candidate) => candidate.line > after) ??
    same[0]
  );
}

function templateKeys(input: SourceMapInput, file: string, cache: Map<string, { key: string; line: number; text: string }[]>) {
  let keys = cache.get(file);
  if (!keys) {
    keys = [];
    (input.texts.get(file) ?? "").split(/\r?\n/).forEach((line, at) => {
      const parsed = parseLine(line);
      if (parsed) keys!.push({ key: parsed.key, line: at + 1, text: line });
    });
    cache.set(file, keys);
  }
  return keys;
}

/**
 * The leaves whose value the change set: present on the head side and absent or different on the
 * base side (by path, after the layers are merged in order, as Helm merges them).
 */
export function changedLeaves(head: readonly ValueLeaf[], base: readonly ValueLeaf[] | undefined): ValueLeaf[] {
  const merged = (leaves: readonly ValueLeaf[]) => {
    const byPath = new Map<string, ValueLeaf>();
    for (const leaf of leaves) byPath.set(leaf.path, leaf);
    return byPath;
  };
  const headLeaves = merged(head);
  const baseLeaves = base ? merged(base) : new Map<string, ValueLeaf>();
  return [...headLeaves.values()].filter((leaf) => {
    const before = baseLeaves.get(leaf.path);
    return before === undefined || JSON.stringify(before.value) !== JSON.stringify(leaf.value);
  });
}
