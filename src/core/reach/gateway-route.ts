/**
 * What the five Gateway API route kinds share (CONTRACT.md, "Routes"): a route reaches as far as the
 * Gateways it attaches to through `parentRefs`, and it has an entry point per (Gateway, listener) it
 * attaches to, per hostname and per path, with that listener's TLS, at that Gateway's level. The
 * per-kind readers (http-route.ts, grpc-route.ts, ...) say what a rule of theirs serves.
 */
import { asList, asRecord, nonEmptyString } from "../fields.js";
import {
  GATEWAY_API_GROUP,
  attachedListeners,
  gatewayListeners,
  gatewayParentRefs,
  routeHostnames,
  type GatewayListener,
  type ParentRef,
  type RouteHostname,
} from "../graph.js";
import { backendFields, levelRank, type Backend, type EntryPoint, type ExistingLevel, type ManifestObject, type Reach } from "../model.js";
import { gatewayLevel } from "./gateway.js";
import type { ReachContext } from "./index.js";

/** One thing a route's rule serves: a path (HTTP, gRPC) or nothing more (TLS, TCP, UDP), and its backends. */
export interface Served {
  /** Absent for kinds that do not route by path. */
  path?: string;
  /** Every Service backend, in order (a traffic split names several). */
  backends: Backend[];
}

export interface RouteShape {
  /** Whether the kind routes by host name (HTTP, gRPC, TLS SNI); TCP and UDP routes take the listener's port. */
  byHostname: boolean;
  /** What the route's rules serve, in order. */
  served(route: ManifestObject): Served[];
  /** True when the route answers only with redirects to https (HTTPRoute). */
  redirectOnly?(route: ManifestObject): boolean;
}


/**
 * Every Service backend of a rule (`backendRefs` of kind Service in the core group, the default): a
 * weighted split sends traffic to each, so each is judged (a database port behind the second is as
 * exposed as behind the first).
 */
export function serviceBackends(rule: unknown): Backend[] {
  return asList(asRecord(rule)["backendRefs"]).flatMap((raw) => {
    const ref = asRecord(raw);
    const kind = nonEmptyString(ref["kind"]) ?? "Service";
    const group = typeof ref["group"] === "string" ? ref["group"] : "";
    const name = nonEmptyString(ref["name"]);
    if (kind !== "Service" || group !== "" || name === undefined) return [];
    const port = ref["port"];
    return [typeof port === "number" && Number.isInteger(port) ? { service: name, port } : { service: name }];
  });
}

/** The route's rules, each served as `read` says; a route with no rules serves nothing. */
export function servedByRules(route: ManifestObject, read: (rule: Record<string, unknown>) => Served[]): Served[] {
  return asList(asRecord(route.body["spec"])["rules"]).flatMap((rule) => read(asRecord(rule)));
}

interface Attachment {
  ref: ParentRef;
  level: ExistingLevel;
  /** Undefined: the Gateway is not in the tree, its listeners are unknown. */
  listener: GatewayListener | undefined;
  hostnames: RouteHostname[];
}

function attachments(route: ManifestObject, context: ReachContext): { found: Attachment[]; why: string[]; assumptions: string[] } {
  const found: Attachment[] = [];
  const why: string[] = [];
  const assumptions: string[] = [];
  for (const ref of gatewayParentRefs(route)) {
    const gateway = context.index.find("Gateway", ref.namespace, ref.name, GATEWAY_API_GROUP);
    if (!gateway) {
      const configured = context.options.gateway?.gateways;
      const level = configured && Object.hasOwn(configured, ref.gateway) ? configured[ref.gateway] : undefined;
      if (level === undefined) {
        why.push(`Gateway ${ref.gateway} is not in the tree: assumed public`);
        assumptions.push(
          `Gateway ${ref.gateway} is not in the tree: assumed public (set its level in gateway.gateways of the config); its listeners are unknown, so TLS is not judged.`,
        );
      } else {
        why.push(`Gateway ${ref.gateway} (not in the tree) is ${level} as gateway.gateways sets it`);
      }
      found.push({ ref, level: level ?? "public", listener: undefined, hostnames: routeHostnames(route) });
      continue;
    }
    const level = gatewayLevel(gateway, context.options.gateway);
    const listeners = attachedListeners(route, ref, gateway, context.index);
    if (listeners.length === 0) {
      why.push(`no listener of Gateway ${ref.gateway} admits it (${notAdmittedBecause(route, ref, gateway)})`);
      continue;
    }
    why.push(`attached to Gateway ${ref.gateway} (${level.level}: ${level.why.join("; ")})`);
    for (const { listener, hostnames } of listeners) found.push({ ref, level: level.level, listener, hostnames });
  }
  return { found, why, assumptions };
}

/** Why no listener of `gateway` took the route, in the terms of the fields a reviewer would check first. */
function notAdmittedBecause(route: ManifestObject, ref: ParentRef, gateway: ManifestObject): string {
  const listeners = gatewayListeners(gateway);
  if (ref.sectionName !== undefined && !listeners.some((listener) => listener.name === ref.sectionName)) return `it has no listener named ${ref.sectionName}`;
  if (ref.port !== undefined && !listeners.some((listener) => listener.port === ref.port)) return `it has no listener on port ${ref.port}`;
  return `allowedRoutes or hostnames exclude ${route.kind} ${route.namespace}/${route.name}`;
}

function entryPoints(route: ManifestObject, shape: RouteShape, found: readonly Attachment[], top: ExistingLevel): EntryPoint[] {
  const served = shape.served(route);
  const redirectOnly = shape.redirectOnly?.(route) ?? false;
  const entryPoints: EntryPoint[] = [];
  const refLine = (ref: ParentRef) => route.rangeOf(["spec", "parentRefs", ref.index]).line;
  for (const { ref, level, listener, hostnames } of found) {
    const common = (line: number): EntryPoint => {
      const entryPoint: EntryPoint = { key: "", kind: "route", tls: listener?.tls ?? false, line, gateway: ref.gateway };
      if (level !== top) entryPoint.level = level;
      if (listener) {
        entryPoint.listener = listener.name;
        entryPoint.protocol = listener.protocol;
        if (listener.port !== undefined) entryPoint.port = listener.port;
      } else {
        entryPoint.tlsUnknown = true;
        if (ref.port !== undefined) entryPoint.port = ref.port;
      }
      if (redirectOnly) entryPoint.redirectOnly = true;
      return entryPoint;
    };
    if (!shape.byHostname) {
      // One entry point per listener: the port is the surface, whatever the rules forward to.
      const entryPoint = common(refLine(ref));
      entryPoint.kind = "port";
      entryPoint.protocol = listener?.protocol ?? (route.kind === "UDPRoute" ? "UDP" : "TCP");
      entryPoint.key = `${ref.gateway} ${entryPoint.protocol}/${entryPoint.port ?? "?"}`;
      entryPoints.push(Object.assign(entryPoint, backendFields(served.flatMap((item) => item.backends))));
      continue;
    }
    const hosts =
      hostnames.length > 0
        ? hostnames.map(({ host, index }) => ({ host, line: route.rangeOf(["spec", "hostnames", index]).line }))
        : [{ host: listener?.hostname ?? "*", line: refLine(ref) }];
    for (const { host, line } of hosts) {
      for (const item of served.length > 0 ? served : [{ backends: [] }]) {
        const entryPoint = common(line);
        entryPoint.host = host;
        if (item.path !== undefined) entryPoint.path = item.path;
        // Listeners are not part of a route's key: a route moved from the HTTPS listener to the HTTP one
        // keeps its entry points and loses their TLS.
        entryPoint.key = `${ref.gateway} ${host}${item.path ?? ""}`;
        entryPoints.push(Object.assign(entryPoint, backendFields(item.backends)));
      }
    }
  }
  return entryPoints;
}

/** Reads the reach of a Gateway API route of any kind. Never throws on odd or missing fields. */
export function gatewayRouteReach(route: ManifestObject, context: ReachContext, shape: RouteShape): Reach {
  const { found, why, assumptions } = attachments(route, context);
  if (found.length === 0) {
    return {
      level: "cluster",
      levelLine: route.rangeOf(["spec", "parentRefs"]).line,
      why: why.length > 0 ? why : ["no parentRefs to a Gateway: attached to no Gateway"],
      entryPoints: [],
    };
  }
  const top = found.reduce<ExistingLevel>((high, { level }) => (levelRank(level) > levelRank(high) ? level : high), "cluster");
  const decisive = found.find((attachment) => attachment.level === top) as Attachment;
  const reach: Reach = { level: top, levelLine: route.rangeOf(["spec", "parentRefs", decisive.ref.index]).line, why, entryPoints: entryPoints(route, shape, found, top) };
  if (assumptions.length > 0) reach.assumptions = assumptions;
  return reach;
}
