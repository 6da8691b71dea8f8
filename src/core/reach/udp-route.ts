/**
 * Gateway API `UDPRoute` → Reach: as a TCPRoute, one `UDP/<listener port>` entry point per listener
 * it attaches to.
 */
import type { ManifestObject, Reach } from "../model.js";
import { tcpRouteReach } from "./tcp-route.js";
import type { ReachContext } from "./index.js";

export function udpRouteReach(route: ManifestObject, context: ReachContext): Reach {
  return tcpRouteReach(route, context);
}
