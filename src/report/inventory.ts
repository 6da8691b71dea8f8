/**
 * Inventory → what `exposure-review scan` prints: text, json (with its own JSON Schema,
 * schema/inventory.schema.json), markdown and sarif.
 *
 * The JSON shape is defined once, as a zod schema: the TypeScript type is inferred from it, and the
 * committed JSON Schema is generated from it (scripts/write-json-schema.ts), so the three cannot drift.
 */
import { z } from "zod";
import { LEVELS, RULE_IDS, SEVERITIES, type Conclusion, type ExistingLevel, type ObjectReport, type Reach } from "../core/model.js";
import type { Inventory } from "../core/inventory.js";
import { errorRow, escapeMarkdown, findingItem } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { clean, errorsBlock, findingLines, painter, suppressedLine, type Paint, type Style } from "./text.js";
import type { Format } from "./index.js";

const EXISTING_LEVELS = LEVELS.filter((level): level is ExistingLevel => level !== "none");

export const inventoryEntryPointSchema = z.strictObject({
  key: z.string().describe("The entry point's identity: `TCP/443` for a port, `host/path` for a route."),
  kind: z.enum(["port", "route"]),
  protocol: z.string().optional(),
  port: z.number().int().optional().describe("The externally reachable port (for NodePort, the node port)."),
  host: z.string().optional().describe("`*` for the catch-all."),
  path: z.string().optional(),
  backend: z.strictObject({ service: z.string().optional(), port: z.union([z.number(), z.string()]).optional() }).optional(),
  tls: z.boolean(),
  line: z.number().int(),
});

export const inventoryObjectSchema = z.strictObject({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  file: z.string(),
  line: z.number().int(),
  level: z.enum(EXISTING_LEVELS),
  why: z.array(z.string()).describe("Short reasons for the level."),
  type: z.string().optional().describe("Service only: spec.type as written, ClusterIP by default."),
  ingressClass: z.string().optional().describe("Ingress only: the class it names, when it names one."),
  entryPoints: z.array(inventoryEntryPointSchema),
  allowList: z.strictObject({ cidrs: z.array(z.string()), source: z.string(), line: z.number().int() }).optional(),
  findings: z.array(
    z.strictObject({
      rule: z.enum(RULE_IDS),
      severity: z.enum(SEVERITIES),
      line: z.number().int(),
      message: z.string(),
      recommendation: z.string(),
    }),
  ),
  suppressed: z.array(z.strictObject({ rule: z.enum(RULE_IDS), reason: z.string() })),
});

export const inventoryJsonSchema = z.strictObject({
  version: z.literal(1),
  conclusion: z.enum(["success", "neutral", "failure"]),
  counts: z
    .strictObject({
      listed: z.number().int(),
      total: z.number().int(),
      public: z.number().int(),
      private: z.number().int(),
      node: z.number().int(),
      cluster: z.number().int(),
    })
    .describe("Listed objects per level; `total` counts the tree's exposure objects, listed or not."),
  objects: z.array(inventoryObjectSchema).describe("Public first, then by file and line."),
  errors: z.array(
    z.strictObject({
      file: z.string(),
      line: z.number().int().optional(),
      reason: z.string(),
      message: z.string(),
    }),
  ),
});

export type InventoryJson = z.infer<typeof inventoryJsonSchema>;
export type InventoryObjectJson = z.infer<typeof inventoryObjectSchema>;

export function toInventoryJson({ report, total }: Inventory): InventoryJson {
  const atLevel = (level: ExistingLevel) => report.objects.filter((object) => object.level.head === level).length;
  return {
    version: 1,
    conclusion: report.conclusion,
    counts: { listed: report.objects.length, total, public: atLevel("public"), private: atLevel("private"), node: atLevel("node"), cluster: atLevel("cluster") },
    objects: report.objects.map(inventoryObject),
    errors: report.errors.map((error) => ({
      file: error.file,
      ...(error.line === undefined ? {} : { line: error.line }),
      reason: error.reason,
      message: error.message,
    })),
  };
}

function inventoryObject(object: ObjectReport): InventoryObjectJson {
  const reach = headReach(object);
  return {
    kind: object.kind,
    namespace: object.namespace,
    name: object.name,
    file: object.file,
    line: object.line,
    level: reach.level,
    why: [...reach.why],
    ...(reach.serviceType === undefined ? {} : { type: reach.serviceType }),
    ...(reach.ingressClass === undefined ? {} : { ingressClass: reach.ingressClass.name }),
    entryPoints: reach.entryPoints.map((entry) => ({
      key: entry.key,
      kind: entry.kind,
      ...(entry.protocol === undefined ? {} : { protocol: entry.protocol }),
      ...(entry.port === undefined ? {} : { port: entry.port }),
      ...(entry.host === undefined ? {} : { host: entry.host }),
      ...(entry.path === undefined ? {} : { path: entry.path }),
      ...(entry.backend === undefined
        ? {}
        : {
            backend: {
              ...(entry.backend.service === undefined ? {} : { service: entry.backend.service }),
              ...(entry.backend.port === undefined ? {} : { port: entry.backend.port }),
            },
          }),
      tls: entry.tls,
      line: entry.line,
    })),
    ...(reach.allowList === undefined
      ? {}
      : { allowList: { cidrs: [...reach.allowList.cidrs], source: reach.allowList.source, line: reach.allowList.line } }),
    findings: object.findings.map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      line: finding.line,
      message: finding.message,
      recommendation: finding.recommendation,
    })),
    suppressed: object.suppressed.map((finding) => ({ rule: finding.rule, reason: finding.reason })),
  };
}

/** Every listed object exists in the scanned tree, so it has a head side. */
function headReach(object: ObjectReport): Reach {
  if (!object.reach.head) throw new Error(`inventory object without a head side: ${object.id}`);
  return object.reach.head;
}

export interface InventoryRenderOptions {
  color?: boolean;
  toolVersion?: string;
}

export function renderInventory(inventory: Inventory, format: Format, options: InventoryRenderOptions = {}): string {
  switch (format) {
    case "text":
      return inventoryText(inventory, painter(options.color ?? false));
    case "json":
      return `${JSON.stringify(toInventoryJson(inventory), null, 2)}\n`;
    case "markdown":
      return inventoryMarkdown(inventory);
    case "sarif":
      return renderSarif(inventory.report, options.toolVersion === undefined ? {} : { toolVersion: options.toolVersion });
  }
}

const LEVEL_STYLE: Record<ExistingLevel, Style> = { public: "red", private: "yellow", node: "yellow", cluster: "dim" };
const CONCLUSION_STYLE: Record<Conclusion, Style> = { failure: "red", neutral: "yellow", success: "green" };

function inventoryText({ report, total }: Inventory, paint: Paint): string {
  const blocks: string[] = [];
  if (report.objects.length === 0) blocks.push(total === 0 ? "No Service or Ingress in this tree." : "No object at the requested level.");
  for (const object of report.objects) {
    const reach = headReach(object);
    const lines = [
      [
        paint(LEVEL_STYLE[reach.level], reach.level.toUpperCase().padEnd(7)),
        paint("bold", clean(`${object.kind} ${object.namespace}/${object.name}`)),
        clean(`${object.file}:${object.line}`),
        reach.why.length > 0 ? paint("dim", clean(reach.why.join("; "))) : "",
      ]
        .filter((part) => part !== "")
        .join("  "),
    ];
    if (reach.entryPoints.length > 0) lines.push(`  ${reach.entryPoints.map((entry) => clean(entryPointText(entry))).join(", ")}`);
    if (reach.allowList) lines.push(`  allow-list ${clean(reach.allowList.cidrs.join(", "))} (${clean(reach.allowList.source)})`);
    for (const finding of object.findings) lines.push(...findingLines(finding, paint));
    for (const finding of object.suppressed) lines.push(suppressedLine(finding, paint));
    blocks.push(lines.join("\n"));
  }
  if (report.errors.length > 0) blocks.push(errorsBlock(report.errors, paint).join("\n"));
  const listed = report.objects.length < total ? `${report.objects.length} of ${total} objects listed` : `${total} object${total === 1 ? "" : "s"}`;
  const counts = EXISTING_LEVELS.toReversed()
    .map((level) => [level, report.objects.filter((object) => object.level.head === level).length] as const)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level}`);
  blocks.push(`${paint("bold", "Conclusion:")} ${paint(CONCLUSION_STYLE[report.conclusion], report.conclusion)} (${[listed, ...counts].join(", ")})`);
  return `${blocks.join("\n\n")}\n`;
}

function entryPointText(entry: Reach["entryPoints"][number]): string {
  return `${entry.key}${entry.tls ? " (TLS)" : ""}`;
}

function inventoryMarkdown({ report, total }: Inventory): string {
  const lines = [`## Exposure inventory: ${report.conclusion}`, "", `${report.objects.length} of ${total} objects listed, most exposed first.`, ""];
  if (report.objects.length > 0) {
    lines.push("| Level | Object | File | Entry points | Allow-list | Findings |", "| --- | --- | --- | --- | --- | --- |");
    for (const object of report.objects) {
      const reach = headReach(object);
      const entries = reach.entryPoints.map((entry) => escapeMarkdown(entryPointText(entry))).join("<br>");
      const allow = reach.allowList ? escapeMarkdown(reach.allowList.cidrs.join(", ")) : "";
      const findings = object.findings.map((finding) => `\`${finding.rule}\``).join(", ");
      lines.push(
        `| ${reach.level} | ${escapeMarkdown(`${object.kind} ${object.namespace}/${object.name}`)} | ${escapeMarkdown(`${object.file}:${object.line}`)} | ${entries} | ${allow} | ${findings} |`,
      );
    }
    for (const object of report.objects.filter((object) => object.findings.length > 0)) {
      lines.push("", `### ${escapeMarkdown(`${object.kind} ${object.namespace}/${object.name}`)}`, "");
      for (const finding of object.findings) lines.push(...findingItem(finding));
    }
  }
  if (report.errors.length > 0) {
    lines.push("", "### Files that could not be read", "", "| File | Line | Reason | Message |", "| --- | --- | --- | --- |");
    for (const error of report.errors) lines.push(errorRow(error).trimEnd());
  }
  return `${lines.join("\n")}\n`;
}
