/**
 * Gateway API `Gateway` → Reach (CONTRACT.md, "Routes"): `public` unless `gateway.gateways` says
 * otherwise, or its GatewayClass is internal (configured or known), or the Service it provisions carries
 * an internal-LB annotation (`spec.infrastructure.annotations`), or every address it asks for is
 * private. Each listener is an entry point, matched across sides by its name. A Gateway serves nothing
 * by itself: what it exposes is what its routes attach; its entry points say where they can.
 */
import { isPrivateAddress } from "../cidr.js";
import { asList, asRecord, nonEmptyString } from "../fields.js";
import { gatewayListeners, isHttpsRedirectOnly, routesOn, type GatewayListener } from "../graph.js";
import type { EntryPoint, ManifestObject, Reach } from "../model.js";
import type { GatewayOptions, ReachContext } from "./index.js";
import { internalAnnotations } from "./service.js";

/**
 * GatewayClasses whose data plane is private by design: GKE's internal Application Load Balancers
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api#gatewayclass) and Amazon VPC
 * Lattice (reachable only from associated VPCs).
 */
export const KNOWN_INTERNAL_GATEWAY_CLASSES: readonly string[] = [
  "gke-l7-rilb",
  "gke-l7-rilb-mc",
  "gke-l7-cross-regional-internal-managed",
  "gke-l7-cross-regional-internal-managed-mc",
  "amazon-vpc-lattice",
];

export interface GatewayLevel {
  level: "public" | "private";
  line: number;
  why: string[];
}


/** The level of a Gateway in the tree, and why. */
export function gatewayLevel(gateway: ManifestObject, options: GatewayOptions | undefined): GatewayLevel {
  const key = `${gateway.namespace}/${gateway.name}`;
  const configured = options && Object.hasOwn(options.gateways, key) ? options.gateways[key] : undefined;
  if (configured !== undefined) {
    return { level: configured, line: gateway.rangeOf(["metadata", "name"]).line, why: [`gateway.gateways sets ${key} to ${configured}`] };
  }
  const spec = asRecord(gateway.body["spec"]);
  const className = nonEmptyString(spec["gatewayClassName"]);
  const classLine = gateway.rangeOf(["spec", "gatewayClassName"]).line;
  const reasons: { line: number; why: string }[] = [];
  if (className !== undefined && options?.internalClasses.includes(className)) {
    reasons.push({ line: classLine, why: `GatewayClass ${className} is configured as internal` });
  }
  if (className !== undefined && KNOWN_INTERNAL_GATEWAY_CLASSES.includes(className)) {
    reasons.push({ line: classLine, why: `GatewayClass ${className} is an internal load balancer` });
  }
  const infrastructure = new Map<string, string>();
  for (const [name, value] of Object.entries(asRecord(asRecord(spec["infrastructure"])["annotations"]))) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") infrastructure.set(name, String(value).trim());
  }
  for (const { key: annotation, why } of internalAnnotations(infrastructure)) {
    reasons.push({ line: gateway.rangeOf(["spec", "infrastructure", "annotations", annotation]).line, why: `spec.infrastructure: ${why}` });
  }
  const addresses = asList(spec["addresses"]).map((raw) => asRecord(raw));
  const ipValues = addresses.map((address) => ((nonEmptyString(address["type"]) ?? "IPAddress") === "IPAddress" ? nonEmptyString(address["value"]) : undefined));
  // A Hostname or implementation-specific address says nothing about the network it lives in.
  if (ipValues.length > 0 && ipValues.every((value) => value !== undefined && isPrivateAddress(value))) {
    reasons.push({ line: gateway.rangeOf(["spec", "addresses"]).line, why: `spec.addresses ${ipValues.join(", ")} in private ranges` });
  }
  if (reasons.length > 0) return { level: "private", line: (reasons[0] as { line: number }).line, why: reasons.map((reason) => reason.why) };
  return {
    level: "public",
    line: className === undefined ? gateway.rangeOf(["kind"]).line : classLine,
    why: [className === undefined ? "no gatewayClassName" : `GatewayClass ${className} is not an internal class`],
  };
}

/**
 * An HTTP listener serves no content when every route the side attaches to it only redirects to
 * https. With no route attached it still counts: any team allowed to attach one can serve plain HTTP.
 */
function servesOnlyRedirects(gateway: ManifestObject, listener: GatewayListener, context: ReachContext): boolean {
  if (listener.protocol !== "HTTP") return false;
  const routes = routesOn(context.index, gateway, listener);
  return routes.length > 0 && routes.every(isHttpsRedirectOnly);
}

function listenerEntryPoint(gateway: ManifestObject, listener: GatewayListener, context: ReachContext): EntryPoint {
  const host = listener.hostname ?? "*";
  const entryPoint: EntryPoint = {
    key: `listener ${listener.name}`,
    kind: "port",
    protocol: listener.protocol,
    host,
    tls: listener.tls,
    line: listener.line,
    listener: listener.name,
    binding: `${listener.protocol}/${listener.port ?? "?"} ${host}`,
    routesFrom: { from: listener.routesFrom, line: listener.routesFromLine },
  };
  if (listener.port !== undefined) entryPoint.port = listener.port;
  if (servesOnlyRedirects(gateway, listener, context)) entryPoint.redirectOnly = true;
  return entryPoint;
}

/** Reads a Gateway API Gateway's reach. Never throws on odd or missing fields. */
export function gatewayReach(gateway: ManifestObject, context: ReachContext): Reach {
  const { level, line, why } = gatewayLevel(gateway, context.options.gateway);
  return {
    level,
    levelLine: line,
    why,
    entryPoints: gatewayListeners(gateway).map((listener) => listenerEntryPoint(gateway, listener, context)),
  };
}
