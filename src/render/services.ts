/**
 * The engines and the chart fetcher of a long-lived process (the App's function instance): made once,
 * so a warm instance reviews the next pull request with its charts already cached, and the releases
 * it rendered before (the merge base's, mostly) already rendered.
 */
import { createChartFetcher } from "./charts.js";
import { createEngines } from "./engines.js";
import { RenderCache } from "./index.js";
import type { ChartFetcher, Engines } from "./types.js";

let services: { engines: Engines; charts: ChartFetcher; renders: RenderCache } | undefined;

export function renderServices(): { engines: Engines; charts: ChartFetcher; renders: RenderCache } {
  services ??= { engines: createEngines(), charts: createChartFetcher(), renders: new RenderCache() };
  return services;
}
