/**
 * Gateway API `GRPCRoute` → Reach: attached as an HTTPRoute is; each match of a rule serves a gRPC
 * method as the path `/<service>/<method>` (a service alone: `/<service>/`; no match: `/`).
 */
import { asList, asRecord } from "../fields.js";
import type { ManifestObject, Reach } from "../model.js";
import { gatewayRouteReach, servedByRules, serviceBackends, type Served } from "./gateway-route.js";
import type { ReachContext } from "./index.js";

function methodPath(match: unknown): string {
  const method = asRecord(asRecord(match)["method"]);
  const service = typeof method["service"] === "string" ? method["service"].trim() : "";
  const name = typeof method["method"] === "string" ? method["method"].trim() : "";
  if (service === "") return "/";
  return `/${service}/${name}`;
}

function servedByRule(rule: Record<string, unknown>): Served[] {
  const backends = serviceBackends(rule);
  const paths = asList(rule["matches"]).map(methodPath);
  return [...new Set(paths.length > 0 ? paths : ["/"])].map((path) => ({ path, backends }));
}

export function grpcRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return gatewayRouteReach(route, context, { byHostname: true, served: (object) => servedByRules(object, servedByRule) });
}
