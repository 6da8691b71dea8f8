/**
 * Gateway API `TLSRoute` → Reach: attached by SNI host name; each host is one entry point (TLS routes
 * have no paths), with the TLS of its listener.
 */
import type { ManifestObject, Reach } from "../model.js";
import { gatewayRouteReach, servedByRules, serviceBackends } from "./gateway-route.js";
import type { ReachContext } from "./index.js";

export function tlsRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return gatewayRouteReach(route, context, {
    byHostname: true,
    // Rules of a TLSRoute differ only by backend: one entry point per host, forwarding to all of them.
    served: (object) => [{ backends: servedByRules(object, (rule) => [{ backends: serviceBackends(rule) }]).flatMap((item) => item.backends) }],
  });
}
