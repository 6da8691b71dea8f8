/**
 * The `exposure-review` command: a face over the core. It reads two trees (directories or git
 * commits) and a config file, calls `review()`, and prints one of the report formats. No exposure
 * logic lives here.
 */
import { readFile } from "node:fs/promises";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseConfigText } from "./config/load.js";
import { DEFAULT_CONFIG, type Config } from "./config/schema.js";
import type { Conclusion } from "./core/model.js";
import { manifestPathFilter } from "./core/paths.js";
import { review } from "./core/review.js";
import { readGitFile, readGitTrees, resolveRange, type GitRange } from "./node/git-tree.js";
import { readTree } from "./node/read-tree.js";
import { FORMATS, render, type Format } from "./report/index.js";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** Exit codes (CONTRACT "The command line"). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const USAGE = `Usage: exposure-review --base DIR --head DIR [options]
       exposure-review --git BASE..HEAD [options]

Reviews Kubernetes Service and Ingress changes between two trees of manifests and says
what becomes reachable from outside the cluster.

Options:
  --base DIR          the tree before the change
  --head DIR          the tree after the change
  --git BASE..HEAD    compare two commits of the git repository in the current directory
                      (BASE...HEAD compares HEAD with its merge base, as a pull request does)
  --config FILE       an exposure.yml (default: .github/exposure.yml of the base side, if present,
                      so a change cannot switch off its own review)
  --format FORMAT     text (default), json, markdown or sarif
  -h, --help          show this help
  -v, --version       show the version

Exit codes: 0 success or neutral, 1 failure, 2 usage or configuration error.
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        head: { type: "string" },
        git: { type: "string" },
        config: { type: "string" },
        format: { type: "string", default: "text" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.version) {
    io.stdout.write(`${await packageVersion()}\n`);
    return EXIT.ok;
  }
  const format = args.format as Format;
  if (!FORMATS.includes(format)) {
    return usageError(io, `--format must be one of ${FORMATS.join(", ")}; got "${args.format}"`);
  }
  const usingDirs = args.base !== undefined || args.head !== undefined;
  if (usingDirs === (args.git !== undefined)) {
    return usageError(io, "give either --base DIR and --head DIR, or --git BASE..HEAD");
  }
  if (usingDirs && (args.base === undefined || args.head === undefined)) {
    return usageError(io, "--base and --head go together");
  }
  for (const dir of usingDirs ? [args.base!, args.head!] : []) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return usageError(io, `not a directory: ${dir}`);
  }

  let range: GitRange | undefined;
  if (!usingDirs) {
    try {
      range = await resolveRange(io.cwd, args.git!);
    } catch (error) {
      return usageError(io, (error as Error).message);
    }
  }

  let config: Config;
  try {
    config = await loadConfig(args.config, usingDirs ? { dir: args.base! } : { cwd: io.cwd, rev: range!.baseRev });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`exposure-review: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }

  const isManifest = manifestPathFilter(config.paths);
  let base, head;
  try {
    if (usingDirs) {
      [base, head] = await Promise.all([readTree(args.base!, isManifest), readTree(args.head!, isManifest)]);
    } else {
      ({ base, head } = await readGitTrees(io.cwd, range!, isManifest));
    }
  } catch (error) {
    return usageError(io, (error as Error).message);
  }

  const report = review({ base, head, config });
  const color = format === "text" && io.stdout.isTTY === true && !(io.env ?? process.env).NO_COLOR;
  io.stdout.write(ensureNewline(render(report, format, { color })));
  return exitCodeFor(report.conclusion);
}

export function exitCodeFor(conclusion: Conclusion): number {
  return conclusion === "failure" ? EXIT.failure : EXIT.ok;
}

const CONFIG_PATH = ".github/exposure.yml";

/**
 * Without --config, the config comes from the BASE side (the base directory, or the base commit),
 * as the GitHub App reads it from the default branch: a change must not be able to switch off its
 * own review.
 */
async function loadConfig(explicit: string | undefined, base: { dir: string } | { cwd: string; rev: string }): Promise<Config> {
  if (explicit !== undefined) {
    let text: string;
    try {
      text = await readFile(explicit, "utf8");
    } catch (error) {
      throw new ConfigError(explicit, [{ path: "", message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }]);
    }
    return parseConfigText(text, explicit);
  }
  if ("dir" in base) {
    const file = join(base.dir, CONFIG_PATH);
    return existsSync(file) ? parseConfigText(await readFile(file, "utf8"), file) : DEFAULT_CONFIG;
  }
  const text = await readGitFile(base.cwd, base.rev, CONFIG_PATH);
  return text === undefined ? DEFAULT_CONFIG : parseConfigText(text, `${base.rev.slice(0, 12)}:${CONFIG_PATH}`);
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`exposure-review: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
