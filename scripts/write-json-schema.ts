/**
 * Writes schema/exposure.schema.json, the JSON Schema of `.github/exposure.yml` that editors use
 * (`# yaml-language-server: $schema=...`). Generated from the zod schema so the two cannot drift;
 * test/config/json-schema.test.ts fails when the committed file is stale. Run: `npm run schema`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { configSchema } from "../src/config/schema.js";

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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchemaText());
  console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
}
