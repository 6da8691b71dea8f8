/**
 * The seams of the render stage (CONTRACT.md, "Rendered sources"), fixed before the pieces behind them
 * are written so that they can be built side by side:
 *
 * - a `TreeView` is one side of the change as a face sees it (local disk, a git commit, GitHub);
 * - `Engines` run the real Helm and Kustomize binaries in child processes;
 * - a `ChartFetcher` brings a chart from a Helm repository or an OCI registry, public addresses only.
 *
 * Types only: the render stage is handed implementations, so tests and faces choose them.
 */
import type { ManifestFile } from "../core/model.js";

/** A read-only view of one side of the change: every file path, and texts on demand. */
export interface TreeView {
  /** Every file path of the side, relative to the repository root, with `/`. */
  listFiles(): Promise<string[]>;
  /** The texts of these paths; a path the side does not hold is left out. Implementations batch. */
  readFiles(paths: readonly string[]): Promise<ManifestFile[]>;
}

/** Limits shared by every engine run of one side. */
export interface RenderBudget {
  /** Epoch milliseconds when the side's time is up (`render.timeoutSeconds` from the start of the side). */
  deadline: number;
  /** Bytes of engine output one side may produce in all; past it the run is a `render` error. */
  maxOutputBytes: number;
}

/** `helm template` of a chart that is already on local disk (materialised by the render stage). */
export interface HelmTemplateRequest {
  /** Absolute path of the chart directory (or a packaged `.tgz`). */
  chart: string;
  release: string;
  namespace: string;
  /** Absolute paths of values files, applied in order after the chart's own `values.yaml`. */
  valuesFiles: readonly string[];
}

/** `kustomize build` of a directory inside a materialised tree; the load restrictor stays root-only. */
export interface KustomizeBuildRequest {
  /** Absolute path of the directory that holds the kustomization. */
  dir: string;
  /** Kustomize's `helmCharts` through Helm (`--enable-helm`), with charts fetched by the render stage. */
  enableHelm: boolean;
}

export type EngineResult =
  | { ok: true; output: string }
  | { ok: false; reason: "render"; message: string };

export interface Engines {
  helmTemplate(request: HelmTemplateRequest, budget: RenderBudget): Promise<EngineResult>;
  kustomizeBuild(request: KustomizeBuildRequest, budget: RenderBudget): Promise<EngineResult>;
  /** Versions of the engines found, or why one cannot run here (becomes a `render` error per target). */
  describe(): { helm: string | { unavailable: string }; kustomize: string | { unavailable: string } };
}

/** A chart to bring from outside the repository. */
export interface ChartRef {
  /** `https://…` (a Helm repository with `index.yaml`) or `oci://registry/path` (the chart name is appended). */
  repository: string;
  chart: string;
  /** An exact version, or a semver range resolved to the highest match in the index. */
  version: string;
  /** Flux `insecure: true` on an OCI source: plain http, allowed only under `render.repositories`. */
  insecure?: boolean;
}

export type ChartResult =
  | { ok: true; version: string; /** the packaged chart */ archive: Uint8Array; digest?: string }
  | { ok: false; reason: "chart-unavailable"; message: string };

export interface ChartFetcher {
  fetch(
    chart: ChartRef,
    options: {
      /** `render.repositories` prefixes: plain http and private addresses are allowed under these only. */
      allowedPrefixes: readonly string[];
      deadline: number;
    },
  ): Promise<ChartResult>;
}
