/**
 * What every review benchmark measures the same way: a timer (median of runs after a warm-up), the
 * `yaml` parse floor of a set of files, peak memory, and one child process per N (`npm run bench`),
 * so each peak-memory figure belongs to one N.
 */
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import type { ManifestFile } from "../src/core/model.js";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function timeIt(fn: () => unknown, runs: number): number {
  return measureIt(fn, runs).wallMs;
}

/**
 * The median wall time and CPU time (user + system of this process, the garbage collector's threads
 * included) of the same runs, after a warm-up run that pays for JIT compilation, as a long-lived process
 * does not. On a machine shared with other work, wall time grows with the load and CPU time much less:
 * a ratio of CPU times says what the code costs when the wall-time ratio is blurred.
 */
export function measureIt(fn: () => unknown, runs: number): { wallMs: number; cpuMs: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** The floor: what any tool must do to read these files, documents parsed and turned into values. */
export function parseFloor(files: readonly ManifestFile[]): () => void {
  return () => {
    for (const file of files) for (const doc of parseAllDocuments(file.text!)) doc.toJS();
  };
}

/** Fewer runs for the largest trees: each takes seconds. */
export function runsFor(n: number): number {
  return n >= 10_000 ? 3 : 7;
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Runs `script` (a bench file that prints its row as the last line of JSON) for one N in its own process. */
export function childRow<T>(script: string, n: number): T {
  const out = execFileSync(process.execPath, ["--import", "tsx", script, String(n)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

/** Pads a table cell to `width`, right-aligned. */
export function pad(value: string | number, width: number): string {
  return String(value).padStart(width);
}
