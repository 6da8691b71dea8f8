import { describe, expect, it } from "vitest";
import { FORMATS, isFormat, render } from "../../src/report/index.js";
import { renderJson } from "../../src/report/json.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { realisticReport } from "./sample-reports.js";

describe("render", () => {
  it("offers the CONTRACT's four formats, text first (the CLI default)", () => {
    expect(FORMATS).toEqual(["text", "json", "markdown", "sarif"]);
    expect(isFormat("sarif")).toBe(true);
    expect(isFormat("html")).toBe(false);
  });

  it("dispatches to each renderer with its options", () => {
    expect(render(realisticReport, "text", { color: true })).toBe(renderText(realisticReport, { color: true }));
    expect(render(realisticReport, "text")).toBe(renderText(realisticReport));
    expect(render(realisticReport, "json")).toBe(renderJson(realisticReport));
    expect(render(realisticReport, "markdown", { maxLength: 1000, title: "T" })).toBe(
      renderMarkdown(realisticReport, { maxLength: 1000, title: "T" }),
    );
    expect(render(realisticReport, "sarif", { toolVersion: "9.9.9" })).toBe(renderSarif(realisticReport, { toolVersion: "9.9.9" }));
  });

  it("ends every format with exactly one newline", () => {
    for (const format of FORMATS) {
      const output = render(realisticReport, format);
      expect(output.endsWith("\n") && !output.endsWith("\n\n"), format).toBe(true);
    }
  });
});
