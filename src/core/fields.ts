/**
 * Safe reads of parsed manifest values. Manifests are user input: any field can be missing, null or
 * of the wrong type, and a reader must treat that as "not set" rather than throw.
 */
import type { ManifestObject } from "./model.js";

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Annotation values as trimmed strings. The API only accepts strings, but an unquoted `true` or `443`
 * in a manifest is what its author meant, so scalars are read as their text.
 */
export function annotationsOf(object: ManifestObject): Map<string, string> {
  const raw = asRecord(asRecord(object.body["metadata"])["annotations"]);
  const annotations = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      annotations.set(key, String(value).trim());
    }
  }
  return annotations;
}

/** A string with something in it, trimmed; undefined for anything else. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** A port number written as a number or a numeric string; undefined otherwise. */
export function portNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
