/**
 * Reads `.github/exposure.yml` into a `Config`: YAML text (CLI `--config`) or the value Probot's
 * `context.config()` already parsed (GitHub App), then the zod schema of ./schema.ts.
 *
 * Every error names the file, the dotted field path (`suppressions[0].object`) and what was
 * expected, so a user can fix the file from the message alone (CLI exit 2, a failed check run).
 */
import { closest, distance } from "fastest-levenshtein";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { MAX_ALIAS_COUNT } from "../core/limits.js";
import { RULE_IDS } from "../core/model.js";
import { configSchema, DEFAULT_CONFIG, type Config } from "./schema.js";

/**
 * Bounds on an `exposure.yml`, the same for the CLI and the app: a real config is a few KB with a few
 * dozen suppressions; a 12 MB file of 200,000 suppressions took 44 s and 1.3 GB to read on every delivery.
 */
export const MAX_CONFIG_BYTES = 128 * 1024;
export const MAX_SUPPRESSIONS = 1000;

export interface ConfigIssue {
  /** Dotted field path, `rules.nodeprt` or `suppressions[0].object`; empty for the file as a whole. */
  path: string;
  message: string;
  /** Line in the config file, when the config came from text. */
  line?: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly file: string;
  readonly issues: ConfigIssue[];

  constructor(file: string, issues: ConfigIssue[], options?: { cause?: unknown }) {
    super(formatIssues(file, issues), options);
    this.file = file;
    this.issues = issues;
  }
}

function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const lines = issues.map((issue) => {
    const line = issue.line === undefined ? "" : issue.path === "" ? `line ${issue.line}` : `(line ${issue.line})`;
    const where = [issue.path, line].filter(Boolean).join(" ");
    return `  - ${where === "" ? "" : `${where}: `}${issue.message}`;
  });
  return `Invalid config in ${file}:\n${lines.join("\n")}`;
}

/**
 * Probot's config loader resolves `_extends` and deletes it; the CLI cannot follow it, so a file
 * written for the App still validates there (the key is ignored, not an error).
 */
const LOADER_KEYS = new Set(["_extends"]);

/**
 * Validates an already-parsed config value. `null` / `undefined` (no file, or an empty one) is the
 * default config.
 *
 * A top-level section left empty in YAML (`rules:` with every entry commented out) is `null`;
 * it means "not set", not "wrong type".
 */
export function validateConfig(value: unknown, file: string): Config {
  return validate(value, file);
}

function validate(value: unknown, file: string, lineOf?: (path: readonly PropertyKey[]) => number | undefined): Config {
  if (value === null || value === undefined) return DEFAULT_CONFIG;
  const input = isMapping(value)
    ? Object.fromEntries(Object.entries(value).filter(([key, section]) => !LOADER_KEYS.has(key) && section !== null))
    : value;
  const suppressions = isMapping(input) ? input["suppressions"] : undefined;
  if (Array.isArray(suppressions) && suppressions.length > MAX_SUPPRESSIONS) {
    const line = lineOf?.(["suppressions"]);
    throw new ConfigError(file, [
      { path: "suppressions", message: `${suppressions.length} suppressions, over the limit of ${MAX_SUPPRESSIONS}`, ...(line === undefined ? {} : { line }) },
    ]);
  }
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, input));
  if (lineOf) {
    for (const issue of issues) {
      const line = lineOf(issue.rawPath);
      if (line !== undefined) issue.line = line;
    }
    issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }
  throw new ConfigError(
    file,
    issues.map(({ rawPath: _rawPath, ...issue }) => issue),
    { cause: result.error },
  );
}

/**
 * Parses the text of an `exposure.yml`. An empty file (or only comments) is the default config;
 * a YAML syntax error, an alias bomb or a document that is not a mapping is a ConfigError naming
 * the line.
 */
export function parseConfigText(text: string, file: string): Config {
  const { value, lineOf } = readConfigYaml(text, file);
  return validate(value, file, lineOf);
}

/**
 * The YAML of a config file as a plain value, under the same rules as `parseConfigText` (size, syntax,
 * tags, aliases), without validating it: the app merges `_extends` chains before validating the result.
 */
export function parseConfigValue(text: string, file: string): unknown {
  return readConfigYaml(text, file).value;
}

function readConfigYaml(text: string, file: string): { value: unknown; lineOf: (path: readonly PropertyKey[]) => number | undefined } {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ConfigError(file, [{ path: "", message: `the file is ${bytes} bytes, over the limit of ${MAX_CONFIG_BYTES}` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  // Warnings include unresolved tags (`!!js/function`): a config file has no use for them.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    throw new ConfigError(
      file,
      problems.map((problem) => ({
        path: "",
        message: yamlProblemMessage(problem.message, problem.linePos?.[0].col),
        ...(problem.linePos ? { line: problem.linePos[0].line } : {}),
      })),
      { cause: problems[0] },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new ConfigError(
      file,
      [{ path: "", message: `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes; refusing to read it` }],
      { cause: error },
    );
  }
  return { value, lineOf: (path) => lineOfPath(doc, lineCounter, path) };
}

// ---------------------------------------------------------------------------------------------
// Issue messages

type RawIssue = ConfigIssue & { rawPath: readonly PropertyKey[] };

function describeIssue(issue: z.core.$ZodIssue, input: unknown): RawIssue[] {
  const path = issue.path;
  const actual = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        rawPath: [...path, key],
        message: unknownKeyMessage(key, path),
      }));
    case "invalid_union":
      if (isSuppressionRulePath(path)) {
        return [{ path: formatPath(path), rawPath: path, message: unknownRuleMessage(actual, true) }];
      }
      break;
    case "invalid_type":
      return [{ path: formatPath(path), rawPath: path, message: `expected ${typeName(issue.expected)}, got ${describeValue(actual)}` }];
    case "invalid_value": {
      const options = issue.values.map((option) => String(option));
      const suggestion = typeof actual === "string" ? didYouMean(actual, options) : "";
      return [
        {
          path: formatPath(path),
          rawPath: path,
          message: `expected one of ${options.join(", ")}; got ${describeValue(actual)}${suggestion && `.${suggestion}`}`,
        },
      ];
    }
    case "invalid_format":
      return [{ path: formatPath(path), rawPath: path, message: `${issue.message}; got ${describeValue(actual)}` }];
    case "invalid_key": {
      // A record key that fails its own schema (a `gateway.gateways` key that is not namespace/name):
      // say what the key must look like, from the key schema's own message.
      const reason = issue.issues.map((inner) => inner.message).join("; ");
      return [{ path: formatPath(path), rawPath: path, message: `invalid key${reason === "" ? "" : `: ${reason}`}` }];
    }
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) {
        return [{ path: formatPath(path), rawPath: path, message: "must not be empty" }];
      }
      break;
    default:
      break;
  }
  return [{ path: formatPath(path), rawPath: path, message: issue.message }];
}

function unknownKeyMessage(key: string, parentPath: readonly PropertyKey[]): string {
  if (parentPath.length === 1 && parentPath[0] === "rules") return unknownRuleMessage(key, false);
  const valid = validKeysAt(parentPath);
  const suggestion = didYouMean(key, valid);
  return `unknown key "${key}".${suggestion || ` Valid keys: ${valid.join(", ")}.`}`;
}

function unknownRuleMessage(value: unknown, wildcardAllowed: boolean): string {
  const expected = wildcardAllowed ? 'a rule id or "*"' : "a rule id";
  if (typeof value !== "string") return `expected ${expected}, got ${describeValue(value)}`;
  const suggestion = didYouMean(value, RULE_IDS);
  return `unknown rule id "${value}".${suggestion || ` Valid rule ids: ${RULE_IDS.join(", ")}.`}`;
}

/**
 * " Did you mean "x"?" when a candidate is close enough to be a typo (at most a third of the word
 * differs, and never more than 3 edits); otherwise "".
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return "";
  // Case does not count as a typo: `internalentrypoints` is one letter from `internalEntryPoints`.
  const lower = word.toLowerCase();
  const lowered = candidates.map((candidate) => candidate.toLowerCase());
  const nearest = closest(lower, lowered);
  const edits = distance(lower, nearest);
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return edits <= allowed ? ` Did you mean "${candidates[lowered.indexOf(nearest)]}"?` : "";
}

function isSuppressionRulePath(path: readonly PropertyKey[]): boolean {
  return path.length === 3 && path[0] === "suppressions" && typeof path[1] === "number" && path[2] === "rule";
}

/** The keys the schema accepts at a path, read from the zod schema itself so the two never drift. */
function validKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = configSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def?.type === "object") schema = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def?.type === "array") schema = def.element;
    else return [];
  }
  const def = defOf(unwrap(schema));
  return def?.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let def = defOf(current); def && (def.type === "default" || def.type === "optional"); def = defOf(current)) {
    current = def.innerType;
  }
  return current;
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  const internals = (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod;
  return internals?.def;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  boolean: "true or false",
  number: "a number",
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  return `${typeof value} ${String(value)}`;
}

/** `["suppressions", 0, "object"]` → `suppressions[0].object`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else {
      const key = String(segment);
      text += /^[A-Za-z_$][\w$-]*$/.test(key) ? `${text === "" ? "" : "."}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return current;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `yaml`'s pretty message minus its code frame and position, which the issue carries itself. */
function yamlProblemMessage(message: string, column: number | undefined): string {
  const first = (message.split("\n", 1)[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  return `YAML: ${first}${column === undefined ? "" : ` (column ${column})`}`;
}

/**
 * The line of the field at `path`: the key's line for a mapping entry (so `rules:` with a nested
 * value points at `rules`), the item's for a list entry; the deepest existing ancestor otherwise.
 */
function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const lineAt = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      node = node.items[segment];
      line = lineAt(node) ?? line;
    } else break;
  }
  return line;
}
