/**
 * The JSON report (`--format json`, CONTRACT "The JSON report (version 1)") as a zod schema: the
 * source of schema/report.schema.json (scripts/write-json-schema.ts). test/report/report-schema.test.ts
 * checks that the type this schema describes is exactly `JsonReport` (src/report/json.ts), that the
 * committed file is current, and that the JSON of every fixture validates against it; a field added to
 * the report must be added here too (the report stays `version: 1` while changes are additive).
 */
import { z } from "zod";
import { CLASSIFICATIONS, ERROR_REASONS, LEVELS, RULE_IDS, SEVERITIES } from "../core/model.js";

const line = z.number().int().min(1);

export const jsonFindingSchema = z.strictObject({
  rule: z.enum(RULE_IDS),
  severity: z.enum(SEVERITIES),
  new: z.boolean().describe("False when the same rule fired for the same object and entry point on the base side."),
  file: z
    .string()
    .optional()
    .describe("The file `line` is in, when it is not the object's `file`: for a rendered object, the values file, patch or template that set the field."),
  line: line.describe("The line of the field the finding is about."),
  message: z.string(),
  recommendation: z.string(),
});

export const jsonExposureSchema = z.strictObject({
  service: z.string().describe("`namespace/name` of the backend Service."),
  port: z
    .union([z.number().int(), z.string()])
    .optional()
    .describe("The Service port; its name when it could not be resolved to a number; absent when none is named."),
  workloads: z.array(z.string()).describe("`Kind/namespace/name` of each workload whose pod labels the Service selects, on the object's side."),
  route: z.string().optional().describe("On a Gateway's entry: the route attached to it that carries this traffic (`Kind/namespace/name`)."),
});

export const jsonObjectSchema = z.strictObject({
  kind: z.string(),
  apiVersion: z.string().describe("As written in the manifest; tells same-named kinds of two API groups apart (Gateway API and Istio Gateway)."),
  namespace: z.string(),
  name: z.string(),
  target: z
    .string()
    .optional()
    .describe("The render target of a rendered object: helm:charts/web, HelmRelease/media/plex, Application/argocd/shop, kustomize:deploy/overlays/prod."),
  file: z.string().describe("Relative to the compared tree's root, with `/`; the base side's for a removed object."),
  line: line.describe("Where the object's document starts."),
  change: z.enum(["added", "removed", "modified"]),
  classification: z.enum(CLASSIFICATIONS),
  level: z.strictObject({ base: z.enum(LEVELS), head: z.enum(LEVELS) }),
  exposes: z
    .array(jsonExposureSchema)
    .optional()
    .describe("What the object makes reachable (CONTRACT \"Exposure paths\"); present on every kind that routes traffic."),
  findings: z.array(jsonFindingSchema),
  suppressed: z.array(z.strictObject({ rule: z.enum(RULE_IDS), reason: z.string() })),
});

export const jsonErrorSchema = z.strictObject({
  file: z.string(),
  line: line.optional().describe("Absent when the problem concerns the whole file."),
  reason: z.enum(ERROR_REASONS),
  message: z.string(),
  hides: z
    .array(z.string())
    .optional()
    .describe("Objects (Kind/namespace/name) of the other side that this unreadable file or document hides: unknown here, so neither added nor removed."),
  side: z
    .literal("base")
    .optional()
    .describe("Present (`base`) for a file of the base side; absent for the head side, the side that decides the conclusion."),
});

export const jsonReportSchema = z.strictObject({
  version: z.literal(1),
  conclusion: z.enum(["success", "neutral", "failure"]),
  objects: z.array(jsonObjectSchema).describe("Every exposure object the change added, removed or modified, by file then line."),
  errors: z.array(jsonErrorSchema),
});
