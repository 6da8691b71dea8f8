/**
 * The shared corpus of real manifest changes (57 commits of public repositories) and other linters'
 * fixtures, reviewed end to end: readTree -> review -> renderJson.
 *
 * The corpus lives outside the repository (../shared/corpus) and is not copied in; machines without it
 * skip this file. Every case must review cleanly and produce a report that keeps the contract's shape and
 * points only at lines that exist; the cases in test/corpus/expected.ts must match exactly.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLASSIFICATIONS, LEVELS, RULE_IDS, SEVERITIES } from "../src/core/model.js";
import type { ManifestFile, Report } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { readTree } from "../src/node/read-tree.js";
import { renderJson } from "../src/report/json.js";
import { EXPECTED, type ExpectedCase } from "./corpus/expected.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const corpusDir = path.resolve(repoRoot, "../shared/corpus");

const CONCLUSIONS = ["success", "neutral", "failure"];
const CHANGES = ["added", "removed", "modified"];
const ERROR_REASONS = ["syntax", "template", "too-large", "binary", "duplicate"];
/** Head-side errors that leave the review incomplete (CONTRACT: "not a template"). */
const INCOMPLETE_REASONS = new Set(["syntax", "too-large", "binary"]);

/** The JSON report as CONTRACT.md fixes it (version 1); only what these tests read. */
interface JsonFinding {
  rule: string;
  severity: string;
  new: boolean;
  line: number;
  message: string;
  recommendation: string;
}
interface JsonObject {
  kind: string;
  namespace: string;
  name: string;
  file: string;
  line: number;
  change: string;
  classification: string;
  level: { base: string; head: string };
  findings: JsonFinding[];
  suppressed: { rule: string; reason: string }[];
}
interface JsonReport {
  version: number;
  conclusion: string;
  objects: JsonObject[];
  errors: { file: string; line?: number; reason: string; message: string }[];
}

function listCases(): string[] {
  if (!existsSync(corpusDir)) return [];
  return ["real", "peers"].flatMap((group) => {
    const dir = path.join(corpusDir, group);
    return readdirSync(dir)
      .filter((name) => statSync(path.join(dir, name)).isDirectory())
      .sort()
      .map((name) => `${group}/${name}`);
  });
}

/** A side with no directory is an empty tree (a commit that only adds, or a peer fixture's base). */
async function readSide(caseName: string, side: "base" | "head"): Promise<ManifestFile[]> {
  const dir = path.join(corpusDir, caseName, side);
  return existsSync(dir) ? readTree(dir) : [];
}

interface Reviewed {
  report: Report;
  json: JsonReport;
  base: Map<string, ManifestFile>;
  head: Map<string, ManifestFile>;
}

async function reviewCase(caseName: string): Promise<Reviewed> {
  const [base, head] = await Promise.all([readSide(caseName, "base"), readSide(caseName, "head")]);
  const report = review({ base, head });
  const json = JSON.parse(renderJson(report)) as JsonReport;
  return {
    report,
    json,
    base: new Map(base.map((file) => [file.path, file])),
    head: new Map(head.map((file) => [file.path, file])),
  };
}

function lineCount(file: ManifestFile): number | undefined {
  if (file.text === undefined) return undefined;
  // A final newline ends the last line rather than starting an empty one.
  return file.text.replace(/\r?\n$/, "").split(/\r?\n/).length;
}

const objectId = (object: Pick<JsonObject, "kind" | "namespace" | "name">) =>
  `${object.kind}/${object.namespace}/${object.name}`;

/**
 * Contract checks that hold for any input: shape, enums, positions inside the named files, order,
 * and the conclusion the findings call for. Returns one message per violation.
 */
function contractViolations(caseName: string, { report, json, base, head }: Reviewed): string[] {
  const problems: string[] = [];
  const problem = (where: string, text: string) => problems.push(`${caseName}: ${where}: ${text}`);

  if (json.version !== 1) problem("report", `version ${String(json.version)}, expected 1`);
  if (!CONCLUSIONS.includes(json.conclusion)) problem("report", `conclusion ${json.conclusion}`);
  if (!Array.isArray(json.objects) || !Array.isArray(json.errors)) {
    problem("report", "objects and errors must be arrays");
    return problems;
  }

  const seen = new Set<string>();
  for (const object of json.objects) {
    const id = objectId(object);
    for (const field of ["kind", "namespace", "name", "file"] as const) {
      if (typeof object[field] !== "string" || object[field] === "") problem(id, `${field} is ${String(object[field])}`);
    }
    // The same identity defined twice in a tree is a `duplicate` error and may be listed once per
    // definition, but one definition must not be listed twice.
    const place = `${id} ${object.file}:${object.line}`;
    if (seen.has(place)) problem(id, `listed twice at ${object.file}:${object.line}`);
    seen.add(place);
    if (!CHANGES.includes(object.change)) problem(id, `change ${object.change}`);
    if (!(CLASSIFICATIONS as readonly string[]).includes(object.classification)) {
      problem(id, `classification ${object.classification}`);
    }
    const levels = LEVELS as readonly string[];
    if (!levels.includes(object.level?.base) || !levels.includes(object.level?.head)) {
      problem(id, `level ${JSON.stringify(object.level)}`);
    }
    if (!Array.isArray(object.findings) || !Array.isArray(object.suppressed)) {
      problem(id, "findings and suppressed must be arrays");
      continue;
    }

    // The contract's change and classification tables tie these together.
    const removed = object.change === "removed";
    if (removed !== (object.classification === "removed")) problem(id, `change ${object.change} with classification ${object.classification}`);
    if (removed && object.level.head !== "none") problem(id, `removed but head level ${object.level.head}`);
    if (object.change === "added" && object.level.base !== "none") problem(id, `added but base level ${object.level.base}`);
    if (object.change === "modified" && (object.level.base === "none" || object.level.head === "none")) {
      problem(id, `modified but level ${JSON.stringify(object.level)}`);
    }
    if (removed && (object.findings.length > 0 || object.suppressed.length > 0)) {
      problem(id, "rules fired on a removed object");
    }

    const tree = removed ? base : head;
    const file = tree.get(object.file);
    if (!file) {
      problem(id, `file ${object.file} is not in the ${removed ? "base" : "head"} tree`);
      continue;
    }
    const lines = lineCount(file);
    const inFile = (line: unknown) =>
      Number.isInteger(line) && (line as number) >= 1 && (lines === undefined || (line as number) <= lines);
    if (!inFile(object.line)) problem(id, `line ${String(object.line)} outside ${object.file} (${String(lines)} lines)`);

    for (const finding of [...object.findings, ...object.suppressed.map((s) => s as unknown as JsonFinding)]) {
      if (!(RULE_IDS as readonly string[]).includes(finding.rule)) problem(id, `unknown rule ${finding.rule}`);
    }
    for (const finding of object.findings) {
      const where = `${id} ${finding.rule}`;
      if (!(SEVERITIES as readonly string[]).includes(finding.severity)) problem(where, `severity ${finding.severity}`);
      if (typeof finding.new !== "boolean") problem(where, `new is ${String(finding.new)}`);
      if (typeof finding.message !== "string" || finding.message === "") problem(where, "no message");
      if (typeof finding.recommendation !== "string" || finding.recommendation === "") problem(where, "no recommendation");
      if (!inFile(finding.line)) problem(where, `line ${String(finding.line)} outside ${object.file} (${String(lines)} lines)`);
    }
    for (const suppressed of object.suppressed) {
      if (typeof suppressed.reason !== "string" || suppressed.reason === "") problem(`${id} ${suppressed.rule}`, "suppressed without a reason");
    }
  }

  for (const error of json.errors) {
    const where = `error ${error.file}`;
    if (!ERROR_REASONS.includes(error.reason)) problem(where, `reason ${error.reason}`);
    if (typeof error.message !== "string" || error.message === "") problem(where, "no message");
    const files = [base.get(error.file), head.get(error.file)].filter((f): f is ManifestFile => f !== undefined);
    if (files.length === 0) problem(where, "names a file in neither tree");
    if (error.line !== undefined) {
      const fits = files.some((file) => {
        const lines = lineCount(file);
        return Number.isInteger(error.line) && error.line! >= 1 && (lines === undefined || error.line! <= lines);
      });
      if (!fits) problem(where, `line ${error.line} is in no side's ${error.file}`);
    }
  }

  const order = json.objects.map((o) => `${o.file}:${o.line}`);
  const sorted = [...json.objects]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    .map((o) => `${o.file}:${o.line}`);
  if (order.join("\n") !== sorted.join("\n")) problem("objects", `not sorted by file, then line: ${order.join(", ")}`);

  // Default config: warnings -> neutral, only new (unsuppressed) findings count.
  const counted = json.objects.flatMap((o) => o.findings.filter((f) => f.new));
  const incomplete = report.errors.some((e) => e.side === "head" && INCOMPLETE_REASONS.has(e.reason));
  const expectedConclusion = counted.some((f) => f.severity === "failure")
    ? "failure"
    : counted.some((f) => f.severity === "warning") || incomplete
      ? "neutral"
      : "success";
  if (json.conclusion !== expectedConclusion) {
    problem("conclusion", `${json.conclusion}, but its findings and errors call for ${expectedConclusion}`);
  }
  return problems;
}

/** Exact comparison with a hand-written expectation; one message per differing field. */
function mismatches(expected: ExpectedCase, json: JsonReport): string[] {
  const out: string[] = [];
  const differ = (where: string, field: string, want: unknown, got: unknown) => {
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      out.push(`${expected.name}: ${where}: ${field}: expected ${JSON.stringify(want)}, actual ${JSON.stringify(got)}`);
    }
  };

  differ("report", "conclusion", expected.conclusion, json.conclusion);

  // An identity defined twice (a `duplicate`) can be listed once per definition: pair them in report order.
  const actualById = new Map<string, JsonObject[]>();
  for (const object of json.objects) actualById.set(objectId(object), [...(actualById.get(objectId(object)) ?? []), object]);
  const expectedCount = new Map<string, number>();
  for (const want of expected.objects) expectedCount.set(want.id, (expectedCount.get(want.id) ?? 0) + 1);
  for (const [id, listed] of actualById) {
    const count = expectedCount.get(id) ?? 0;
    if (listed.length > count) out.push(`${expected.name}: ${id}: listed ${listed.length} times, expected ${count}`);
  }
  const paired = new Map<string, number>();
  for (const want of expected.objects) {
    const index = paired.get(want.id) ?? 0;
    paired.set(want.id, index + 1);
    const got = actualById.get(want.id)?.[index];
    if (!got) {
      out.push(`${expected.name}: ${want.id}: expected (${want.change}, ${want.classification}), but not listed`);
      continue;
    }
    differ(want.id, "file", want.file, got.file);
    if (want.line !== undefined) differ(want.id, "line", want.line, got.line);
    differ(want.id, "change", want.change, got.change);
    differ(want.id, "classification", want.classification, got.classification);
    differ(want.id, "level", { base: want.level[0], head: want.level[1] }, got.level);

    const wantRules = Object.keys(want.findings).sort();
    const gotRules = [...new Set(got.findings.map((f) => f.rule))].sort();
    differ(want.id, "finding rules", wantRules, gotRules);
    for (const rule of wantRules) {
      const flags = [...new Set(got.findings.filter((f) => f.rule === rule).map((f) => f.new))];
      if (flags.length > 0) differ(want.id, `${rule} new`, [want.findings[rule as keyof typeof want.findings]], flags);
    }
    differ(want.id, "suppressed", [], got.suppressed.map((s) => s.rule));
  }

  const key = (e: { file: string; reason: string }) => `${e.file} (${e.reason})`;
  differ("errors", "file (reason)", [...new Set(expected.errors.map(key))].sort(), [...new Set(json.errors.map(key))].sort());
  return out;
}

const cases = listCases();

describe.runIf(existsSync(corpusDir))("shared corpus", () => {
  it("holds the real commits and peer fixtures this file was written against", () => {
    expect(cases.filter((c) => c.startsWith("real/")).length).toBeGreaterThanOrEqual(57);
    expect(cases.filter((c) => c.startsWith("peers/")).length).toBeGreaterThanOrEqual(22);
    expect(EXPECTED.map((e) => e.name).filter((name) => !cases.includes(name))).toEqual([]);
  });

  it.each(cases)("%s: reviews into a contract-shaped report that points at real lines", async (caseName) => {
    const reviewed = await reviewCase(caseName);
    expect(contractViolations(caseName, reviewed)).toEqual([]);
  });

  it.each(EXPECTED.map((e) => [e.name, e] as const))("%s: matches the expected review", async (_name, expected) => {
    const { json } = await reviewCase(expected.name);
    expect(mismatches(expected, json)).toEqual([]);
  });
});
