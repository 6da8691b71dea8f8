/**
 * Builds one ManifestObject from YAML text with the real parser, so reach and classification tests
 * see exactly the objects (and line positions) a review sees.
 */
import { parseManifestFile } from "../../src/core/manifest.js";
import type { ManifestObject } from "../../src/core/model.js";

/** Every object of `text` (several documents), as one side of a review reads them from `file`. */
export function objectsFromYaml(text: string, file = "test.yaml"): ManifestObject[] {
  return parseManifestFile({ path: file, text }, "head").objects;
}

export function objectFromYaml(text: string, file = "test.yaml"): ManifestObject {
  const parsed = parseManifestFile({ path: file, text }, "head");
  const [object, ...rest] = parsed.objects;
  if (parsed.errors.length > 0 || !object || rest.length > 0) {
    throw new Error(
      `expected exactly one object in ${file}, got ${parsed.objects.length} and errors ${JSON.stringify(parsed.errors)}`,
    );
  }
  return object;
}
