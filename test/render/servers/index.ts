/**
 * Servers and helpers for render tests, shared by the engine, fetch and render-stage tests.
 */
import { join } from "node:path";
import { RENDER_FIXTURES } from "../fixture-trees.js";
import { indexYaml, sha256Hex, startHelmRepository, type HelmRepositoryServer } from "./helm-repository.js";
import { packageChart } from "./package-chart.js";
export { startRecordingServer, type RecordingServer } from "./recording-server.js";
export { indexYaml, sha256Hex, startHelmRepository, type ChartEntry, type HelmRepositoryServer, type Route } from "./helm-repository.js";
export { startOciRegistry, HELM_CONFIG_MEDIA_TYPE, HELM_LAYER_MEDIA_TYPE, type OciRegistry } from "./oci-registry.js";
export { packageChart } from "./package-chart.js";

/** A Helm repository on 127.0.0.1 serving the hand-written `echo` chart 1.2.0 (fixtures/render/charts/echo), with its digest. */
export async function startEchoChartRepository(): Promise<HelmRepositoryServer> {
  const charts = await startHelmRepository();
  const archive = packageChart(join(RENDER_FIXTURES, "charts/echo"));
  charts.setFile("/echo-1.2.0.tgz", archive);
  charts.setFile("/index.yaml", indexYaml([{ name: "echo", version: "1.2.0", url: "echo-1.2.0.tgz", digest: sha256Hex(archive) }]));
  return charts;
}
