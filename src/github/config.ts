/**
 * `.github/exposure.yml` for the app: read from the default branch, with the org `.github` repository as
 * fallback and `_extends` chains, as Probot's `context.config` reads it, but parsed and validated by the
 * CLI's own loader (src/config/load.ts), so both faces accept and refuse the same files (`__proto__` keys,
 * YAML tags, alias bombs, size and suppression caps).
 *
 * Differences from `context.config`, each a hole it leaves open:
 * - `_extends` is validated before any request: `_extends: ..` made Probot request
 *   `/repos/<owner>/../contents/...` (that is, `/repos/contents/...`);
 * - an extended file that does not exist is a config error on the check, not silently ignored;
 * - chains are cut at `MAX_EXTENDS_HOPS`;
 * - the parsed file is cached per installation, keyed by its blob SHA: a redelivery or another pull request
 *   of the same repository does not parse it again, and a changed file has a new SHA.
 * Merging is Probot's: deepmerge, the extending file's keys win, lists are concatenated.
 * see: https://docs.github.com/en/rest/repos/contents#get-repository-content
 */
import deepmerge from "deepmerge";
import { ConfigError, MAX_CONFIG_BYTES, parseConfigText, parseConfigValue, validateConfig } from "../config/load.js";
import { type Config, DEFAULT_CONFIG } from "../config/schema.js";
import type { GitHub, RepoRef } from "./pull-request.js";

export const CONFIG_FILE = "exposure.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;
/** Longer `_extends` chains are refused: a real one is one or two hops (repo -> org defaults). */
export const MAX_EXTENDS_HOPS = 4;
/** Parsed files kept per installation, and installations kept per instance. */
const CACHE_FILES = 64;
const CACHE_INSTALLATIONS = 256;

export interface ConfigLocation extends RepoRef {
  path: string;
}

/** `read`: a config file exists (on the repository, its org's `.github`, or through `_extends`), so the summary names `file`. */
export type LoadedConfig = { config: Config; read: boolean; error?: undefined; file: string } | { config?: undefined; error: ConfigError; file: string };

interface ParsedFile {
  /** The file validated alone: the config when nothing is extended. */
  config: Config;
  /** The raw value, to merge with the files it extends. */
  value: Record<string, unknown>;
}

const OWNER = "[A-Za-z\\d](?:[A-Za-z\\d]|-(?=[A-Za-z\\d])){0,38}";
const REPO = "[A-Za-z\\d._-]{1,100}";
const PATH = "[\\w.-]+(?:/[\\w.-]+)*\\.ya?ml";
const EXTENDS = new RegExp(`^(?:(${OWNER})/)?(${REPO})(?::(${PATH}))?$`);

export function describeLocation(location: ConfigLocation): string {
  return `${location.owner}/${location.repo}:${location.path}`;
}

/**
 * Where `_extends` points, or a ConfigError naming the value: `repo`, `owner/repo` or
 * `owner/repo:path/file.yml`, with GitHub's own name rules, and no `.`/`..` as a repository or path segment.
 */
export function parseExtends(value: unknown, from: ConfigLocation, file: string = describeLocation(from)): ConfigLocation | ConfigError {
  const refuse = (why: string) => new ConfigError(file, [{ path: "_extends", message: why }]);
  if (typeof value !== "string") return refuse("expected a string: repo, owner/repo or owner/repo:path/file.yml");
  const match = EXTENDS.exec(value);
  if (!match) return refuse(`"${value.slice(0, 200)}" is not repo, owner/repo or owner/repo:path/file.yml`);
  const [, owner, repo, path] = match;
  if (repo === "." || repo === "..") return refuse(`"${value}" names no repository`);
  if (path?.split("/").some((segment) => segment === "." || segment === "..")) return refuse(`"${value}": a path may not contain . or .. segments`);
  return { owner: owner ?? from.owner, repo: repo!, path: path ?? CONFIG_PATH };
}

/** Parsed config files per installation, keyed by location and blob SHA (least recently used dropped first). */
export class ConfigCache {
  private readonly installations = new Map<string, Map<string, ParsedFile | ConfigError>>();

  get(installation: string, key: string): ParsedFile | ConfigError | undefined {
    const files = this.installations.get(installation);
    const found = files?.get(key);
    if (files && found) {
      files.delete(key);
      files.set(key, found);
    }
    return found;
  }

  set(installation: string, key: string, parsed: ParsedFile | ConfigError): void {
    let files = this.installations.get(installation);
    if (!files) {
      files = new Map();
      this.installations.set(installation, files);
      if (this.installations.size > CACHE_INSTALLATIONS) this.installations.delete(this.installations.keys().next().value!);
    }
    files.set(key, parsed);
    if (files.size > CACHE_FILES) files.delete(files.keys().next().value!);
  }
}

interface FetchedFile {
  sha: string;
  text?: string;
  size: number;
}

/** The file at the default branch, or undefined when there is none. Contents API (JSON): sha, size, base64. */
async function fetchConfigFile(octokit: GitHub, location: ConfigLocation, label: string): Promise<FetchedFile | ConfigError | undefined> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({ owner: location.owner, repo: location.repo, path: location.path }));
  } catch (error) {
    if ((error as { status?: unknown }).status === 404) return undefined;
    throw error;
  }
  const file = data as { type?: unknown; sha?: unknown; size?: unknown; content?: unknown; encoding?: unknown };
  if (Array.isArray(data) || file.type !== "file" || typeof file.sha !== "string" || typeof file.size !== "number") {
    return new ConfigError(label, [{ path: "", message: "is not a file" }]);
  }
  if (file.size > MAX_CONFIG_BYTES) {
    return new ConfigError(label, [{ path: "", message: `the file is ${file.size} bytes, over the limit of ${MAX_CONFIG_BYTES}` }]);
  }
  const text = file.encoding === "base64" && typeof file.content === "string" ? Buffer.from(file.content, "base64").toString("utf8") : undefined;
  return { sha: file.sha, size: file.size, ...(text === undefined ? {} : { text }) };
}

/**
 * Parses one file: validated alone first, so an error names the file and line it is on; then its raw value
 * for merging. Cached by SHA (a file that failed fails again without being parsed again).
 */
function parseFile(cache: ConfigCache, installation: string, location: ConfigLocation, file: string, fetched: FetchedFile): ParsedFile | ConfigError {
  const key = `${describeLocation(location)}@${file}@${fetched.sha}`;
  const cached = cache.get(installation, key);
  if (cached) return cached;
  let parsed: ParsedFile | ConfigError;
  try {
    if (fetched.text === undefined) throw new ConfigError(file, [{ path: "", message: "GitHub did not return the file's content" }]);
    const config = parseConfigText(fetched.text, file);
    const value = parseConfigValue(fetched.text, file);
    parsed = { config, value: typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {} };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    parsed = error;
  }
  cache.set(installation, key, parsed);
  return parsed;
}

/**
 * The config for `repo`: its own file, else its owner's `.github` repository's, then every file it
 * extends. A file problem is `{ error }` (the check fails naming it); a failed request is thrown.
 */
export async function loadRepoConfig(octokit: GitHub, repo: RepoRef, installation: string, cache: ConfigCache): Promise<LoadedConfig> {
  // The repository's own file is named as users know it; any other by repository and path.
  const label = (at: ConfigLocation) => (at.owner === repo.owner && at.repo === repo.repo && at.path === CONFIG_PATH ? CONFIG_PATH : describeLocation(at));
  let location: ConfigLocation = { ...repo, path: CONFIG_PATH };
  let fetched = await fetchConfigFile(octokit, location, label(location));
  if (fetched === undefined && repo.repo !== ".github") {
    location = { owner: repo.owner, repo: ".github", path: CONFIG_PATH };
    fetched = await fetchConfigFile(octokit, location, label(location));
  }
  const first = label(location);
  if (fetched === undefined) return { config: DEFAULT_CONFIG, read: false, file: CONFIG_PATH };
  if (fetched instanceof ConfigError) return { error: fetched, file: first };

  const values: Record<string, unknown>[] = [];
  let only: Config | undefined;
  const seen = new Set<string>();
  for (;;) {
    seen.add(describeLocation(location));
    const parsed = parseFile(cache, installation, location, label(location), fetched);
    if (parsed instanceof ConfigError) return { error: parsed, file: first };
    const { _extends: extendsValue, ...own } = parsed.value;
    values.push(own);
    only = parsed.config;
    if (extendsValue === undefined || extendsValue === null) break;
    const next = parseExtends(extendsValue, location, label(location));
    if (next instanceof ConfigError) return { error: next, file: first };
    const from = label(location);
    const refuse = (message: string) => ({ error: new ConfigError(from, [{ path: "_extends", message }]), file: first });
    if (seen.has(describeLocation(next))) return refuse(`${describeLocation(next)} was already read: the chain loops`);
    if (values.length > MAX_EXTENDS_HOPS) return refuse(`more than ${MAX_EXTENDS_HOPS} files extend each other`);
    const nextFile = await fetchConfigFile(octokit, next, label(next));
    if (nextFile === undefined) return refuse(`${describeLocation(next)} does not exist, or the app cannot read it`);
    if (nextFile instanceof ConfigError) return { error: nextFile, file: first };
    location = next;
    fetched = nextFile;
  }
  if (values.length === 1 && only) return { config: only, read: true, file: first };
  const merged = deepmerge.all<Record<string, unknown>>(values.reverse());
  try {
    return { config: validateConfig(merged, `${first} (with _extends)`), read: true, file: first };
  } catch (error) {
    if (error instanceof ConfigError) return { error, file: first };
    throw error;
  }
}
