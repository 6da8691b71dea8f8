import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_SCHEMA_FILE, configJsonSchema, configJsonSchemaText } from "../../scripts/write-json-schema.js";

const FIXTURES = new URL("../../fixtures/config/", import.meta.url);

describe("schema/exposure.schema.json", () => {
  it("is current with the zod schema", () => {
    const committed = readFileSync(CONFIG_SCHEMA_FILE, "utf8");
    expect(committed, "schema/exposure.schema.json is stale: run npm run schema").toBe(configJsonSchemaText());
  });

  it("names itself and describes the file as users write it (no required fields)", () => {
    const schema = configJsonSchema();
    expect(Object.keys(schema).slice(0, 3)).toEqual(["$schema", "$id", "title"]);
    expect(schema.$id).toBe("https://raw.githubusercontent.com/exposure-review/exposure-review/main/schema/exposure.schema.json");
    expect(schema.required).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
  });

  // Editors validate with the JSON Schema and the tool with zod: both must accept and refuse the same files.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(configJsonSchema());
  const yaml = (name: string): unknown => parse(readFileSync(new URL(name, FIXTURES), "utf8"));

  it.each(["basic.yml", "full.yml", "extends.yml"])("accepts %s", (name) => {
    expect(validate(yaml(name)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ["unknown-rule.yml", "/rules"],
    ["unknown-key.yml", ""],
    ["wrong-type.yml", "/rules/nodeport"],
    ["bad-suppression.yml", "/suppressions/0/object"],
  ])("refuses %s (an error at %s)", (name, instancePath) => {
    expect(validate(yaml(name))).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toContain(instancePath);
  });
});

