/**
 * Gateway API `TLSRoute` → Reach: attached by SNI host name; each host is one entry point (TLS routes
 * have no paths), with the TLS of its listener.
 */
import type { ManifestObject, Reach } from "../model.js";
import { firstServiceBackend, gatewayRouteReach, servedByRules } from "./gateway-route.js";
import type { ReachContext } from "./index.js";

export function tlsRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return gatewayRouteReach(route, context, {
    byHostname: true,
    served: (object) => {
      const backend = servedByRules(object, (rule) => {
        const first = firstServiceBackend(rule);
        return first ? [{ backend: first }] : [];
      })[0];
      // Rules of a TLSRoute differ only by backend: one entry point per host.
      return [backend ?? {}];
    },
  });
}
