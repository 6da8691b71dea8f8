/**
 * Format dispatch for the faces: `--format` in the CLI, and whoever needs a report as text.
 * Every renderer returns the complete output, ending with one newline.
 */
import type { Report } from "../core/model.js";
import { renderJson } from "./json.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderText } from "./text.js";

export type Format = "text" | "json" | "markdown" | "sarif";
export const FORMATS: readonly Format[] = ["text", "json", "markdown", "sarif"];

export interface RenderOptions {
  /** text: ANSI colour (the CLI passes `stdout.isTTY && !NO_COLOR`). */
  color?: boolean;
  /** markdown: the length limit (GitHub's check summary limit by default). */
  maxLength?: number;
  /** markdown: the heading's name. */
  title?: string;
  /** sarif: `tool.driver.version`. */
  toolVersion?: string;
}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function render(report: Report, format: Format, options: RenderOptions = {}): string {
  switch (format) {
    case "text":
      return renderText(report, { color: options.color ?? false });
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report, {
        ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
        ...(options.title === undefined ? {} : { title: options.title }),
      });
    case "sarif":
      return renderSarif(report, options.toolVersion === undefined ? {} : { toolVersion: options.toolVersion });
  }
}
