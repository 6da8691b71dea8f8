/**
 * Servers and helpers for render tests, shared by the engine, fetch and render-stage tests.
 */
export { startRecordingServer, type RecordingServer } from "./recording-server.js";
export { indexYaml, sha256Hex, startHelmRepository, type ChartEntry, type HelmRepositoryServer, type Route } from "./helm-repository.js";
export { startOciRegistry, HELM_CONFIG_MEDIA_TYPE, HELM_LAYER_MEDIA_TYPE, type OciRegistry } from "./oci-registry.js";
export { packageChart } from "./package-chart.js";
