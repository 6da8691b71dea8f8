/**
 * Unpacking chart archives for Kustomize helmCharts: a real `helm package` archive, and hostile ones
 * (a path that climbs out, an absolute path, a symbolic link, not a gzip, too big unpacked).
 */
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { untarChart } from "../../src/render/untar.js";
import { RENDER_FIXTURES } from "./fixture-trees.js";
import { packageChart } from "./servers/index.js";

const scratch = mkdtempSync(join(tmpdir(), "untar-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A ustar archive of these entries (type "0" file, "2" symbolic link), gzipped. */
function tarOf(entries: { name: string; body?: string; type?: "0" | "2"; link?: string }[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? "");
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100);
    header.write("0000644\0", 100);
    header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write(entry.type ?? "0", 156);
    if (entry.link) header.write(entry.link, 157, 100);
    header.write("ustar\0" + "00", 257);
    header.write("        ", 148);
    const sum = [...header].reduce((total, byte) => total + byte, 0);
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe("untarChart", () => {
  it("unpacks what helm package wrote, under the chart's own folder", async () => {
    const dest = join(scratch, "real");
    await untarChart(packageChart(join(RENDER_FIXTURES, "charts/echo")), dest);
    expect(readFileSync(join(dest, "echo/Chart.yaml"), "utf8")).toContain("name: echo");
    expect(existsSync(join(dest, "echo/templates/service.yaml"))).toBe(true);
  });

  it.each([["../escaped.yaml"], ["chart/../../escaped.yaml"], ["/tmp/escaped.yaml"]])("refuses an entry at %s and writes nothing outside", async (name) => {
    const dest = join(scratch, "hostile", "dest");
    await expect(untarChart(tarOf([{ name, body: "x" }]), dest)).rejects.toThrow(`the chart archive holds a path outside the chart: ${name}`);
    expect(existsSync(join(scratch, "hostile", "escaped.yaml"))).toBe(false);
    expect(existsSync(join(scratch, "escaped.yaml"))).toBe(false);
  });

  it("never writes a symbolic link", async () => {
    const dest = join(scratch, "links");
    await untarChart(tarOf([{ name: "web/Chart.yaml", body: "name: web\n" }, { name: "web/values.yaml", type: "2", link: "/etc/passwd" }]), dest);
    expect(readFileSync(join(dest, "web/Chart.yaml"), "utf8")).toBe("name: web\n");
    expect(() => lstatSync(join(dest, "web/values.yaml"))).toThrow();
  });

  it("refuses what is not a gzip, and what unpacks past the limit", async () => {
    await expect(untarChart(Buffer.from("not a gzip"), join(scratch, "plain"))).rejects.toThrow();
    await expect(untarChart(tarOf([{ name: "big/file", body: "x".repeat(100_000) }]), join(scratch, "big"), 10_000)).rejects.toThrow();
  });
});
