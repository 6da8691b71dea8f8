/**
 * Gateway API `HTTPRoute` → Reach: the Gateways it attaches to decide its level (gateway-route.ts);
 * each rule serves the paths of its matches (`/` when it names none) to every Service backend it names.
 * A route that only redirects to https serves no content.
 */
import { asList, asRecord } from "../fields.js";
import { isHttpsRedirectOnly } from "../graph.js";
import type { ManifestObject, Reach } from "../model.js";
import { gatewayRouteReach, servedByRules, serviceBackends, type Served } from "./gateway-route.js";
import type { ReachContext } from "./index.js";

function servedByRule(rule: Record<string, unknown>): Served[] {
  const backends = serviceBackends(rule);
  const paths = asList(rule["matches"]).map((match) => {
    const value = asRecord(asRecord(match)["path"])["value"];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : "/";
  });
  return [...new Set(paths.length > 0 ? paths : ["/"])].map((path) => ({ path, backends }));
}

export function httpRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return gatewayRouteReach(route, context, {
    byHostname: true,
    served: (object) => servedByRules(object, servedByRule),
    redirectOnly: isHttpsRedirectOnly,
  });
}
