/**
 * schema/report.schema.json and schema/inventory.schema.json: generated from the zod schemas, kept
 * current, tied to the report's TypeScript type, and valid for what the tool really prints: the JSON
 * report of every fixture case and every corpus case, and the inventory of each of their trees.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { OUTPUT_SCHEMAS, outputJsonSchemaText } from "../../scripts/write-json-schema.js";
import { inventory } from "../../src/core/inventory.js";
import type { ManifestFile } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
import { readTree } from "../../src/node/read-tree.js";
import { renderInventory } from "../../src/report/inventory.js";
import { renderJson, type JsonReport } from "../../src/report/json.js";
import { jsonReportSchema } from "../../src/report/json-schema.js";
import { manifestFixtureNames, readFixture } from "../helpers/fixtures.js";

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateReport = ajv.compile(JSON.parse(readFileSync(OUTPUT_SCHEMAS.report.file, "utf8")) as object);
const validateInventory = ajv.compile(JSON.parse(readFileSync(OUTPUT_SCHEMAS.inventory.file, "utf8")) as object);

function problems(validate: typeof validateReport, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ""} ${JSON.stringify(error.params)}`);
}

describe("the committed schemas", () => {
  it.each(["report", "inventory"] as const)("schema/%s.schema.json is current with its zod schema", (name) => {
    expect(readFileSync(OUTPUT_SCHEMAS[name].file, "utf8"), `schema/${name}.schema.json is stale: run npm run schema`).toBe(outputJsonSchemaText(name));
  });

  it("describes exactly the report type the JSON renderer builds (a field added to one must be added to the other)", () => {
    expectTypeOf<z.infer<typeof jsonReportSchema>>().toEqualTypeOf<JsonReport>();
  });

  it("refuses what the contract does not allow: another version, an unknown field, an unknown rule", () => {
    const report = { version: 1, conclusion: "success", objects: [], errors: [] };
    expect(problems(validateReport, report)).toEqual([]);
    expect(validateReport({ ...report, version: 2 })).toBe(false);
    expect(validateReport({ ...report, extra: true })).toBe(false);
    const object = {
      kind: "Service",
      apiVersion: "v1",
      namespace: "default",
      name: "web",
      file: "web.yaml",
      line: 1,
      change: "added",
      classification: "public",
      level: { base: "none", head: "public" },
      findings: [{ rule: "nodeprot", severity: "warning", new: true, line: 3, message: "m", recommendation: "r" }],
      suppressed: [],
    };
    expect(validateReport({ ...report, objects: [object] })).toBe(false);
    expect(validateReport({ ...report, objects: [{ ...object, findings: [{ ...object.findings[0], rule: "nodeport" }] }] })).toBe(true);
  });
});

describe("every fixture's JSON validates", () => {
  it.each(manifestFixtureNames())("%s", async (name) => {
    const { base, head } = await readFixture(name);
    expect(problems(validateReport, JSON.parse(renderJson(review({ base, head }))))).toEqual([]);
    for (const files of [base, head]) {
      const listed = inventory({ files });
      expect(problems(validateInventory, JSON.parse(renderInventory(listed, "json")))).toEqual([]);
    }
  });
});

const corpusDir = fileURLToPath(new URL("../../../shared/corpus/", import.meta.url));
const corpusCases = existsSync(corpusDir)
  ? ["real", "peers"].flatMap((group) =>
      readdirSync(join(corpusDir, group))
        .filter((name) => statSync(join(corpusDir, group, name)).isDirectory())
        .map((name) => `${group}/${name}`),
    )
  : [];

async function readSide(dir: string): Promise<ManifestFile[]> {
  return existsSync(dir) ? readTree(dir) : [];
}

describe.runIf(corpusCases.length > 0)("the corpus: every case gives a valid report and inventory", () => {
  it("reviews and scans every case", async () => {
    const failures: string[] = [];
    let listed = 0;
    for (const name of corpusCases) {
      const [base, head] = await Promise.all([readSide(join(corpusDir, name, "base")), readSide(join(corpusDir, name, "head"))]);
      failures.push(...problems(validateReport, JSON.parse(renderJson(review({ base, head })))).map((p) => `${name} report: ${p}`));
      const scanned = inventory({ files: head });
      listed += scanned.report.objects.length;
      // Every exposure object of the head tree is listed, with the level its review gives it.
      const added = review({ base: [], head }).objects;
      if (scanned.total !== added.length) failures.push(`${name}: inventory lists ${scanned.total}, review of the tree finds ${added.length}`);
      failures.push(...problems(validateInventory, JSON.parse(renderInventory(scanned, "json"))).map((p) => `${name} inventory: ${p}`));
    }
    expect(failures).toEqual([]);
    expect(listed).toBeGreaterThan(corpusCases.length);
  }, 120_000);
});
