/**
 * The package's library entry (`import { review } from "exposure-review"`): the pure core and its
 * renderers, for tools that want the review without the command line. The command is `bin/`.
 */
export { review, type ReviewInput } from "./core/review.js";
export { inventory, type Inventory, type InventoryInput } from "./core/inventory.js";
export { failsOn, FAIL_ON, type FailOn } from "./core/fail-on.js";
export type { Conclusion, Finding, Level, ManifestFile, ObjectReport, Report, RuleId, Severity } from "./core/model.js";
export { ConfigError, parseConfigText, validateConfig } from "./config/load.js";
export { DEFAULT_CONFIG, type Config } from "./config/schema.js";
export { FORMATS, render, type Format } from "./report/index.js";
export { renderInventory, toInventoryJson, type InventoryJson } from "./report/inventory.js";
export { toJsonReport, type JsonReport } from "./report/json.js";
export { readTree } from "./node/read-tree.js";
