/**
 * Unpacking a fetched chart archive (`.tgz`) into a folder, for Kustomize's `helmCharts`: Kustomize
 * reads a chart only as a folder (`<chartHome>/<name>-<version>/<name>`), and otherwise runs
 * `helm pull`, which the render stage never lets it do.
 *
 * The archive comes from a repository a pull request may name, so it is read defensively: only
 * regular files and folders are written (links are skipped), every path must stay inside the
 * destination, and the unpacked size is bounded (Helm's own limit, 100 MB). Headers are ustar with
 * PAX or GNU long names, which is what `helm package` (Go's archive/tar) writes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const BLOCK = 512;
export const MAX_UNPACKED_CHART_BYTES = 100 * 1024 * 1024;

function text(block: Uint8Array, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return Buffer.from(end < 0 ? slice : slice.subarray(0, end)).toString("utf8");
}

/** `a/./b/` -> `a/b`; undefined for a path that is absolute or climbs out (`..`). */
function safePath(path: string): string | undefined {
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return undefined;
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.length === 0 || parts.some((part) => part === ".." || part.includes("\\"))) return undefined;
  return parts.join("/");
}

/** PAX extended header records (`<len> key=value\n`): the `path` one renames the next entry. */
function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  for (const record of Buffer.from(data).toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/s.exec(record);
    if (match) path = match[1];
  }
  return path;
}

/** Unpacks a gzipped tar archive into `dest` (created if needed); throws with a reason when the archive is refused. */
export async function untarChart(archive: Uint8Array, dest: string, maxBytes = MAX_UNPACKED_CHART_BYTES): Promise<void> {
  const tar = gunzipSync(archive, { maxOutputLength: maxBytes });
  await mkdir(dest, { recursive: true });
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(text(header, 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size) || size < 0 || offset + BLOCK + size > tar.length) throw new Error("the chart archive is truncated or malformed");
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === "x" || type === "L") {
      longName = type === "x" ? paxPath(data) : text(data, 0, data.length);
      continue;
    }
    const prefix = text(header, 257, 6).startsWith("ustar") ? text(header, 345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === "g") continue;
    const path = safePath(name);
    if (path === undefined) throw new Error(`the chart archive holds a path outside the chart: ${name}`);
    if (type === "5") await mkdir(join(dest, path), { recursive: true });
    else if (type === "0" || type === "\0" || type === "7") {
      await mkdir(join(dest, path, ".."), { recursive: true });
      await writeFile(join(dest, path), data, { mode: 0o644 });
    }
    // Symbolic and hard links, devices, FIFOs: never written.
  }
}
