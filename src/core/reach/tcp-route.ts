/**
 * Gateway API `TCPRoute` → Reach: no host names, so each listener it attaches to is one entry point,
 * `TCP/<listener port>`, forwarding to every Service backend of its rules.
 */
import type { ManifestObject, Reach } from "../model.js";
import { gatewayRouteReach, servedByRules, serviceBackends } from "./gateway-route.js";
import type { ReachContext } from "./index.js";

export function tcpRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return gatewayRouteReach(route, context, {
    byHostname: false,
    served: (object) => servedByRules(object, (rule) => [{ backends: serviceBackends(rule) }]),
  });
}
