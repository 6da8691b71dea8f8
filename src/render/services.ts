/**
 * The engines and the chart fetcher of a long-lived process (the App's function instance): made once,
 * so a warm instance reviews the next pull request with its charts already cached.
 */
import { createChartFetcher } from "./charts.js";
import { createEngines } from "./engines.js";
import type { ChartFetcher, Engines } from "./types.js";

let services: { engines: Engines; charts: ChartFetcher } | undefined;

export function renderServices(): { engines: Engines; charts: ChartFetcher } {
  services ??= { engines: createEngines(), charts: createChartFetcher() };
  return services;
}
