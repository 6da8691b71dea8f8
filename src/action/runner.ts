/**
 * The GitHub Actions runner protocol, the four parts the Action uses: inputs from `INPUT_*`, workflow
 * commands on stdout (annotations, stop-commands), the job summary file and the step output file.
 * see: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 *
 * Written here rather than taken from @actions/core: that package's only parts we would use are these
 * few lines, and it brings @actions/http-client with undici (for OIDC tokens we never ask for) into a
 * bundle that is committed to the repository. The escaping is @actions/core's, byte for byte.
 */
import { appendFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

export type Env = Record<string, string | undefined>;

export interface Runner {
  env: Env;
  /** Where workflow commands and log lines go (the process's stdout). */
  write(text: string): void;
}

/** `with: { fail-on: warning }` reaches the step as `INPUT_FAIL-ON` (spaces become `_`, upper case). */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

export type AnnotationProperties = {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
};

/** `::error file=k8s/a.yaml,line=3,title=…::message`: shown on the file in the pull request's diff and the run. */
export function annotate(runner: Runner, level: "error" | "warning" | "notice", message: string, properties: AnnotationProperties = {}): void {
  runner.write(`${workflowCommand(level, properties, message)}\n`);
}

export function workflowCommand(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "")
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

/**
 * Prints text that holds content from the pull request (hosts, names, annotation values) so that no line
 * of it can be read as a workflow command: commands are paused with a one-time token around it.
 */
export function writeUntrusted(runner: Runner, text: string): void {
  const token = randomBytes(16).toString("hex");
  runner.write(`::stop-commands::${token}\n${text.endsWith("\n") ? text : `${text}\n`}::${token}::\n`);
}

/** Appends markdown to the job summary, when the runner gives a summary file. */
export function appendSummary(runner: Runner, markdown: string): boolean {
  const file = runner.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return true;
}

/** Sets a step output (`steps.<id>.outputs.<name>`), with a delimiter no value can contain. */
export function setOutput(runner: Runner, name: string, value: string): void {
  const file = runner.env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomBytes(16).toString("hex")}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
