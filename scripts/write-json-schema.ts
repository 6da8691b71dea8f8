/**
 * Writes the committed JSON Schemas, each generated from its zod schema so the two cannot drift:
 * - schema/exposure.schema.json: `.github/exposure.yml`, for editors (`# yaml-language-server: $schema=...`);
 *   test/config/json-schema.test.ts fails when it is stale;
 * - schema/report.schema.json: the JSON report (`--format json`);
 * - schema/inventory.schema.json: the inventory (`exposure-review scan --format json`);
 *   test/report/report-schema.test.ts fails when either is stale.
 * Run: `npm run schema`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { configSchema } from "../src/config/schema.js";
import { inventoryJsonSchema } from "../src/report/inventory.js";
import { jsonReportSchema } from "../src/report/json-schema.js";

export const CONFIG_SCHEMA_ID =
  "https://raw.githubusercontent.com/exposure-review/exposure-review/main/schema/exposure.schema.json";

export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL("../schema/exposure.schema.json", import.meta.url));

/** The JSON Schema of the file as users write it (`io: "input"`: every field optional). */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const properties = {
    ...(rest.properties as Record<string, unknown>),
    // Probot's loader resolves and removes `_extends`; src/config/load.ts ignores it likewise.
    _extends: {
      type: "string",
      description: "GitHub App: inherit settings from another repository's file (`repo` or `owner/repo:path`), resolved by Probot.",
    },
  };
  return { $schema, $id: CONFIG_SCHEMA_ID, title: "exposure-review configuration", ...rest, properties };
}

/** The committed file's exact text. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

const SCHEMA_BASE = "https://raw.githubusercontent.com/exposure-review/exposure-review/main/schema/";

/** The output schemas: what the command prints, validated as it is printed (`io: "output"`). */
export const OUTPUT_SCHEMAS = {
  report: { file: fileURLToPath(new URL("../schema/report.schema.json", import.meta.url)), title: "exposure-review report (version 1)", schema: jsonReportSchema },
  inventory: {
    file: fileURLToPath(new URL("../schema/inventory.schema.json", import.meta.url)),
    title: "exposure-review inventory (version 1)",
    schema: inventoryJsonSchema,
  },
} as const;

export function outputJsonSchemaText(name: keyof typeof OUTPUT_SCHEMAS): string {
  const { title, schema } = OUTPUT_SCHEMAS[name];
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: "output" }) as Record<string, unknown>;
  return `${JSON.stringify({ $schema, $id: `${SCHEMA_BASE}${name}.schema.json`, title, ...rest }, null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchemaText());
  console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
  for (const name of ["report", "inventory"] as const) {
    writeFileSync(OUTPUT_SCHEMAS[name].file, outputJsonSchemaText(name));
    console.log(`wrote ${OUTPUT_SCHEMAS[name].file}`);
  }
}
