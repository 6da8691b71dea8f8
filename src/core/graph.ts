/**
 * The objects of one side of the change, indexed so that a reach reader can resolve what an object
 * refers to: the Gateways a route attaches to, the Namespace whose labels a listener's selector reads,
 * the Services and workloads behind a route. One index per side, built once per review from the
 * reviewed files and the side's context files (files read only to resolve references), every kind
 * included, not only the exposure kinds.
 */
import { asList, asRecord, nonEmptyString, portNumber } from "./fields.js";
import type { ManifestObject } from "./model.js";
import { apiGroup, GATEWAY_API_GROUP } from "./objects.js";
import { normalizeHost } from "./reach/tls.js";

/** The label the API server sets on every Namespace, so it is known without the Namespace object. */
export const NAME_LABEL = "kubernetes.io/metadata.name";

export interface ObjectIndex {
  /**
   * The object of `kind` named `namespace/name` on this side, in API group `group` when given (a
   * Gateway API `Gateway` is not an Istio `Gateway`). The first one read wins: reviewed files come
   * before context files. Cluster-scoped objects (Namespace) are indexed under `default`, as the
   * parser names an object without namespace.
   */
  find(kind: string, namespace: string, name: string, group?: string): ManifestObject | undefined;
  /** Every object of `kind` (in `group` when given) on this side, in the order read. */
  ofKind(kind: string, group?: string): readonly ManifestObject[];
  /**
   * Per-side derived data, computed once on first use (which routes name which Gateway, for one), so a
   * reader that needs a reverse lookup does not scan the side for every object it reads.
   */
  memo<T>(key: string, compute: (index: ObjectIndex) => T): T;
}

function nameKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Builds the index of one side; objects earlier in `objects` win over later ones of the same identity. */
export function buildObjectIndex(objects: Iterable<ManifestObject>): ObjectIndex {
  const byName = new Map<string, ManifestObject[]>();
  const byKind = new Map<string, ManifestObject[]>();
  for (const object of objects) {
    const key = nameKey(object.kind, object.namespace, object.name);
    const named = byName.get(key);
    if (named) named.push(object);
    else byName.set(key, [object]);
    const ofKind = byKind.get(object.kind);
    if (ofKind) ofKind.push(object);
    else byKind.set(object.kind, [object]);
  }
  const memos = new Map<string, unknown>();
  const index: ObjectIndex = {
    find(kind, namespace, name, group) {
      const named = byName.get(nameKey(kind, namespace, name));
      if (!named) return undefined;
      return group === undefined ? named[0] : named.find((object) => apiGroup(object.apiVersion) === group);
    },
    ofKind(kind, group) {
      const all = byKind.get(kind) ?? [];
      return group === undefined ? all : all.filter((object) => apiGroup(object.apiVersion) === group);
    },
    memo<T>(key: string, compute: (index: ObjectIndex) => T): T {
      if (memos.has(key)) return memos.get(key) as T;
      const value = compute(index);
      memos.set(key, value);
      return value;
    },
  };
  return index;
}

/** A side with nothing to resolve against (a reader called on one object alone, in tests or tools). */
export const EMPTY_INDEX: ObjectIndex = buildObjectIndex([]);

/** The labels of Namespace `name` when the side holds that Namespace object; undefined when it does not. */
export function namespaceLabels(index: ObjectIndex, name: string): Record<string, string> | undefined {
  const namespace = index.find("Namespace", "default", name, "");
  if (!namespace) return undefined;
  const metadata = namespace.body["metadata"];
  const raw = metadata !== null && typeof metadata === "object" ? (metadata as Record<string, unknown>)["labels"] : undefined;
  const labels: Record<string, string> = { [NAME_LABEL]: name };
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") labels[key] = String(value);
    }
  }
  return labels;
}

// ---------------------------------------------------------------------------------------------
// Gateway API: listeners and which routes attach to them

export { GATEWAY_API_GROUP };

/** A Gateway listener as attachment and the readers need it. */
export interface GatewayListener {
  name: string;
  /** Upper-cased: HTTP, HTTPS, TLS, TCP, UDP (or what the implementation names). */
  protocol: string;
  port: number | undefined;
  /** Normalised (lower case); undefined when the listener names none (it accepts every host). */
  hostname: string | undefined;
  /** HTTPS and TLS listeners carry TLS (terminated or passed through). */
  tls: boolean;
  /** `allowedRoutes.namespaces.from` (default `Same`). */
  routesFrom: "Same" | "All" | "Selector";
  /** `allowedRoutes.namespaces.selector` for `Selector`. */
  selector: LabelSelector | undefined;
  /** `allowedRoutes.kinds` as `group/kind`; undefined when not set (the protocol's kinds apply). */
  kinds: string[] | undefined;
  index: number;
  line: number;
  routesFromLine: number;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

/** The route kinds a listener admits when `allowedRoutes.kinds` is not set, by protocol (Gateway API spec). */
const DEFAULT_ROUTE_KINDS: Readonly<Record<string, readonly string[]>> = {
  HTTP: ["HTTPRoute", "GRPCRoute"],
  HTTPS: ["HTTPRoute", "GRPCRoute"],
  TLS: ["TLSRoute", "TCPRoute"],
  TCP: ["TCPRoute"],
  UDP: ["UDPRoute"],
};

const TLS_PROTOCOLS: ReadonlySet<string> = new Set(["HTTPS", "TLS"]);
/** Protocols whose listeners route by host name (a TCP or UDP listener ignores `hostname`). */
const HOSTNAME_PROTOCOLS: ReadonlySet<string> = new Set(["HTTP", "HTTPS", "TLS"]);



function readSelector(raw: unknown): LabelSelector {
  const selector = asRecord(raw);
  const matchLabels: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(selector["matchLabels"]))) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") matchLabels[key] = String(value);
  }
  const matchExpressions = asList(selector["matchExpressions"]).map((item) => {
    const expression = asRecord(item);
    return {
      key: nonEmptyString(expression["key"]) ?? "",
      operator: nonEmptyString(expression["operator"]) ?? "",
      values: asList(expression["values"]).filter((value): value is string => typeof value === "string"),
    };
  });
  return { matchLabels, matchExpressions };
}

const listenerCache = new WeakMap<ManifestObject, GatewayListener[]>();

/** The listeners of a Gateway API Gateway, read once per object. */
export function gatewayListeners(gateway: ManifestObject): GatewayListener[] {
  const cached = listenerCache.get(gateway);
  if (cached) return cached;
  const listeners: GatewayListener[] = [];
  asList(asRecord(gateway.body["spec"])["listeners"]).forEach((raw, index) => {
    const listener = asRecord(raw);
    const protocol = (nonEmptyString(listener["protocol"]) ?? "").toUpperCase();
    const allowed = asRecord(listener["allowedRoutes"]);
    const namespaces = asRecord(allowed["namespaces"]);
    const from = nonEmptyString(namespaces["from"]);
    const routesFrom = from === "All" || from === "Selector" ? from : "Same";
    const kinds = Array.isArray(allowed["kinds"])
      ? asList(allowed["kinds"]).flatMap((item) => {
          const kind = nonEmptyString(asRecord(item)["kind"]);
          return kind === undefined ? [] : [`${nonEmptyString(asRecord(item)["group"]) ?? GATEWAY_API_GROUP}/${kind}`];
        })
      : undefined;
    const hostname = nonEmptyString(listener["hostname"]);
    const path = ["spec", "listeners", index] as const;
    listeners.push({
      name: nonEmptyString(listener["name"]) ?? `#${index}`,
      protocol,
      port: portNumber(listener["port"]),
      hostname: hostname === undefined || !HOSTNAME_PROTOCOLS.has(protocol) ? undefined : normalizeHost(hostname),
      tls: TLS_PROTOCOLS.has(protocol),
      routesFrom,
      selector: routesFrom === "Selector" ? readSelector(namespaces["selector"]) : undefined,
      kinds: kinds && kinds.length > 0 ? kinds : undefined,
      index,
      line: gateway.rangeOf([...path]).line,
      routesFromLine: gateway.rangeOf([...path, "allowedRoutes", "namespaces", "from"]).line,
    });
  });
  listenerCache.set(gateway, listeners);
  return listeners;
}

/**
 * Whether a selector admits a namespace with `labels`. Undefined labels (the Namespace is not in the
 * tree) admit unless the selector only asks about the name label the API server sets on every
 * Namespace, which is known: a route that may attach is counted as attached.
 */
export function selectorAdmits(selector: LabelSelector, namespace: string, labels: Record<string, string> | undefined): boolean {
  const known = labels ?? { [NAME_LABEL]: namespace };
  const keys = [...Object.keys(selector.matchLabels), ...selector.matchExpressions.map((expression) => expression.key)];
  if (labels === undefined && keys.some((key) => key !== NAME_LABEL)) return true;
  for (const [key, value] of Object.entries(selector.matchLabels)) if (known[key] !== value) return false;
  for (const { key, operator, values } of selector.matchExpressions) {
    const value = known[key];
    if (operator === "In" && (value === undefined || !values.includes(value))) return false;
    if (operator === "NotIn" && value !== undefined && values.includes(value)) return false;
    if (operator === "Exists" && value === undefined) return false;
    if (operator === "DoesNotExist" && value !== undefined) return false;
  }
  return true;
}

/**
 * Gateway API hostname matching: `*.example.com` is a suffix match (`a.example.com`, `a.b.example.com`,
 * never `example.com`). The hostnames a route gets on a listener: its own that the listener's
 * matches, or the listener's where the route's wildcard covers it. Undefined when they do not meet.
 */
export function intersectHostname(routeHost: string, listenerHost: string | undefined): string | undefined {
  const route = normalizeHost(routeHost);
  if (listenerHost === undefined) return route;
  if (route === listenerHost) return route;
  if (listenerHost.startsWith("*.") && wildcardCovers(listenerHost, route)) return route;
  if (route.startsWith("*.") && wildcardCovers(route, listenerHost)) return listenerHost;
  return undefined;
}

function wildcardCovers(wildcard: string, host: string): boolean {
  const suffix = wildcard.slice(1);
  return host.length > suffix.length && host.endsWith(suffix);
}

/** A route's parentRef, with the defaults of the spec filled in. */
export interface ParentRef {
  /** `namespace/name` of the Gateway. */
  gateway: string;
  namespace: string;
  name: string;
  sectionName: string | undefined;
  port: number | undefined;
  /**
   * Its place in `spec.parentRefs`. Positions are asked of the object by the reader that reports
   * them, not here: the routes of a whole side are read for attachment, and a context file's object
   * finds a position only by parsing its text again.
   */
  index: number;
}

/** The parentRefs of a route that name a Gateway API Gateway (others, such as a mesh Service, attach to no Gateway). */
export function gatewayParentRefs(route: ManifestObject): ParentRef[] {
  return asList(asRecord(route.body["spec"])["parentRefs"]).flatMap((raw, index) => {
    const ref = asRecord(raw);
    const group = typeof ref["group"] === "string" ? ref["group"] : GATEWAY_API_GROUP;
    const kind = nonEmptyString(ref["kind"]) ?? "Gateway";
    const name = nonEmptyString(ref["name"]);
    if (group !== GATEWAY_API_GROUP || kind !== "Gateway" || name === undefined) return [];
    const namespace = nonEmptyString(ref["namespace"]) ?? route.namespace;
    return [
      {
        gateway: `${namespace}/${name}`,
        namespace,
        name,
        sectionName: nonEmptyString(ref["sectionName"]),
        port: portNumber(ref["port"]),
        index,
      },
    ];
  });
}

/** A hostname of a route as it attaches: normalised, and its place in `spec.hostnames` (for its line). */
export interface RouteHostname {
  host: string;
  index: number;
}

/** The hostnames a route names (`spec.hostnames`), normalised. */
export function routeHostnames(route: ManifestObject): RouteHostname[] {
  return asList(asRecord(route.body["spec"])["hostnames"]).flatMap((raw, index) => {
    const host = nonEmptyString(raw);
    return host === undefined ? [] : [{ host: normalizeHost(host), index }];
  });
}

/** One listener a route attaches to, with the hostnames it gets there (none: every host the listener takes). */
export interface ListenerAttachment {
  listener: GatewayListener;
  /** The route's hostnames intersected with the listener's (each at the place of the route's own); empty when the route names none. */
  hostnames: RouteHostname[];
}

/**
 * The listeners of `gateway` that `route`, through `ref`, attaches to: picked by `sectionName` / `port`
 * when given, admitting the route's namespace (Same, All, Selector with the Namespace's labels from the
 * index) and kind, and, when both name hostnames, sharing at least one.
 */
export function attachedListeners(route: ManifestObject, ref: ParentRef, gateway: ManifestObject, index: ObjectIndex): ListenerAttachment[] {
  const hostnames = routeHostnames(route);
  const attachments: ListenerAttachment[] = [];
  for (const listener of gatewayListeners(gateway)) {
    if (ref.sectionName !== undefined && listener.name !== ref.sectionName) continue;
    if (ref.port !== undefined && listener.port !== ref.port) continue;
    if (!admitsNamespace(listener, gateway.namespace, route.namespace, index)) continue;
    if (!admitsKind(listener, route)) continue;
    if (hostnames.length === 0) {
      attachments.push({ listener, hostnames: [] });
      continue;
    }
    const shared = hostnames.flatMap(({ host, index }) => {
      const met = intersectHostname(host, listener.hostname);
      return met === undefined ? [] : [{ host: met, index }];
    });
    if (shared.length > 0) attachments.push({ listener, hostnames: shared });
  }
  return attachments;
}

function admitsNamespace(listener: GatewayListener, gatewayNamespace: string, routeNamespace: string, index: ObjectIndex): boolean {
  if (listener.routesFrom === "All") return true;
  if (listener.routesFrom === "Same") return gatewayNamespace === routeNamespace;
  return selectorAdmits(listener.selector ?? { matchLabels: {}, matchExpressions: [] }, routeNamespace, namespaceLabels(index, routeNamespace));
}

function admitsKind(listener: GatewayListener, route: ManifestObject): boolean {
  const kind = `${apiGroup(route.apiVersion)}/${route.kind}`;
  if (listener.kinds) return listener.kinds.includes(kind);
  // An implementation-specific protocol admits what its implementation says: take the route as admitted.
  const defaults = DEFAULT_ROUTE_KINDS[listener.protocol];
  return defaults === undefined || defaults.includes(route.kind);
}

/** The route kinds of the Gateway API. */
export const GATEWAY_ROUTE_KINDS: readonly string[] = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

/**
 * The routes of this side that name Gateway `namespace/name` in a parentRef, computed once per side
 * (a Gateway's reader asks which routes it serves; 10,000 routes are scanned once, not per Gateway).
 */
export function routesNaming(index: ObjectIndex, gateway: string): readonly ManifestObject[] {
  const byGateway = index.memo("gateway-api:routes-by-gateway", (side) => {
    const map = new Map<string, ManifestObject[]>();
    for (const kind of GATEWAY_ROUTE_KINDS) {
      for (const route of side.ofKind(kind, GATEWAY_API_GROUP)) {
        for (const ref of new Set(gatewayParentRefs(route).map((parent) => parent.gateway))) {
          const routes = map.get(ref);
          if (routes) routes.push(route);
          else map.set(ref, [route]);
        }
      }
    }
    return map;
  });
  return byGateway.get(gateway) ?? [];
}

/** A route of the side attached to a Gateway, and the listeners it is on there (through any of its parentRefs). */
export interface AttachedRoute {
  route: ManifestObject;
  listeners: GatewayListener[];
}

/**
 * The routes of this side attached to `gateway`, in the order read: computed once per side and
 * Gateway, since the Gateway's reader asks per listener and its exposure entry asks again.
 */
export function attachedRoutes(index: ObjectIndex, gateway: ManifestObject): readonly AttachedRoute[] {
  const byGateway = index.memo("gateway-api:attached-routes", () => new Map<ManifestObject, AttachedRoute[]>());
  const known = byGateway.get(gateway);
  if (known) return known;
  const key = `${gateway.namespace}/${gateway.name}`;
  const attached = routesNaming(index, key).flatMap((route) => {
    const listeners = gatewayParentRefs(route)
      .filter((ref) => ref.gateway === key)
      .flatMap((ref) => attachedListeners(route, ref, gateway, index).map((attachment) => attachment.listener));
    return listeners.length > 0 ? [{ route, listeners: [...new Set(listeners)] }] : [];
  });
  byGateway.set(gateway, attached);
  return attached;
}

/** The routes of this side attached to `listener` of `gateway`. */
export function routesOn(index: ObjectIndex, gateway: ManifestObject, listener: GatewayListener): ManifestObject[] {
  return attachedRoutes(index, gateway).flatMap(({ route, listeners }) => (listeners.includes(listener) ? [route] : []));
}

/**
 * An HTTPRoute that only redirects to https: every rule has a `RequestRedirect` filter with
 * `scheme: https` and no backend. It serves no content, so its plain-HTTP listener is not a leak.
 */
export function isHttpsRedirectOnly(route: ManifestObject): boolean {
  if (route.kind !== "HTTPRoute") return false;
  const rules = asList(asRecord(route.body["spec"])["rules"]);
  return (
    rules.length > 0 &&
    rules.every((raw) => {
      const rule = asRecord(raw);
      if (asList(rule["backendRefs"]).length > 0) return false;
      return asList(rule["filters"]).some((filter) => {
        const item = asRecord(filter);
        const scheme = asRecord(item["requestRedirect"])["scheme"];
        return item["type"] === "RequestRedirect" && typeof scheme === "string" && scheme.toLowerCase() === "https";
      });
    })
  );
}
