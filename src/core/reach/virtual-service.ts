/**
 * Istio `VirtualService` → Reach, as CONTRACT.md fixes it: the highest level of the Istio Gateways it
 * binds to through `spec.gateways` (`mesh`, or no gateways at all, is `cluster`). Entry points are its
 * hosts × `http[].match[].uri` paths, with the TLS of the gateway servers that carry the host.
 *
 * Gateways are looked up on the same side of the change (reviewed and context files). One that is
 * not there is assumed `public` (the safe side) and its servers are unknown, so no TLS rule fires on
 * the hosts it would carry; `why` says so.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
import { asList, asRecord } from "../fields.js";
import type { ObjectIndex } from "../graph.js";
import { backendFields, levelRank, type Backend, type EntryPoint, type ExistingLevel, type ManifestObject, type Reach } from "../model.js";
import {
  ISTIO_GROUP,
  istioGatewayReach,
  istioServers,
  serverProtectsTraffic,
  type IstioOptions,
  type IstioServer,
} from "./istio-gateway.js";
import { CATCH_ALL_HOST, normalizeHost } from "./tls.js";

/** The one gateway name that means "the sidecars of the mesh", not an ingress gateway. */
export const MESH_GATEWAY = "mesh";

/** Finds an object of the same side by kind, namespace, name and API group. */
export type ObjectLookup = Pick<ObjectIndex, "find">;

/** One entry of `spec.gateways`, resolved. */
export interface GatewayBinding {
  /** `namespace/name` as resolved (short names take the VirtualService's namespace). */
  ref: string;
  /** Its place in `spec.gateways` (the reader asks its line; no position is needed to bind). */
  index: number;
  /** The Istio Gateway of this side, when the tree holds it. */
  gateway?: ManifestObject;
  /** The servers of that Gateway that carry at least one host of the VirtualService. */
  servers: IstioServer[];
  level: ExistingLevel;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * True when a Gateway server host carries a VirtualService host, as Istio matches them: `*` carries
 * everything, `*.example.com` carries any name under example.com (any depth), a VirtualService
 * wildcard is carried only by an equal or wider server wildcard.
 */
export function serverHostCarries(serverHost: string, host: string): boolean {
  if (serverHost === CATCH_ALL_HOST || serverHost === host) return true;
  if (!serverHost.startsWith("*.")) return false;
  const suffix = serverHost.slice(1);
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** Whether a server host's namespace part (`ns/host`) lets a VirtualService of `namespace` bind. */
function namespaceAdmits(serverNamespace: string | undefined, gatewayNamespace: string, namespace: string): boolean {
  if (serverNamespace === undefined || serverNamespace === "*") return true;
  if (serverNamespace === ".") return namespace === gatewayNamespace;
  return serverNamespace === namespace;
}

/**
 * The VirtualService's `spec.hosts`, normalized, with the index of each (undefined for the catch-all
 * an empty list reads as). No positions: the Gateways of a side read every VirtualService bound to
 * them, and a context file's object finds a position only by parsing its text again.
 */
function hostNames(object: ManifestObject): { host: string; index: number | undefined }[] {
  const hosts = asList(asRecord(object.body["spec"])["hosts"]).flatMap((raw, index) => {
    const text = stringOf(raw);
    return text === undefined ? [] : [{ host: normalizeHost(text), index }];
  });
  return hosts.length > 0 ? hosts : [{ host: CATCH_ALL_HOST, index: undefined }];
}

/** The VirtualService's `spec.hosts`, normalized, with the line of each; an empty list reads as the catch-all. */
export function virtualServiceHosts(object: ManifestObject): { host: string; line: number }[] {
  return hostNames(object).map(({ host, index }) => ({
    host,
    line: object.rangeOf(index === undefined ? ["spec"] : ["spec", "hosts", index]).line,
  }));
}

/**
 * `spec.gateways`, each resolved on this side. None at all means `mesh`. `ns/name` names a Gateway in
 * another namespace; a short name is in the VirtualService's namespace.
 */
export function gatewayBindings(object: ManifestObject, lookup: ObjectLookup, options: IstioOptions): GatewayBinding[] {
  const hosts = hostNames(object).map((entry) => entry.host);
  const written = asList(asRecord(object.body["spec"])["gateways"]);
  const bindings: GatewayBinding[] = [];
  written.forEach((raw, index) => {
    const text = stringOf(raw);
    if (text === undefined || text === MESH_GATEWAY) return;
    const slash = text.indexOf("/");
    const namespace = slash < 0 ? object.namespace : text.slice(0, slash);
    const name = slash < 0 ? text : text.slice(slash + 1);
    const gateway = lookup.find("Gateway", namespace, name, ISTIO_GROUP);
    if (!gateway) {
      bindings.push({ ref: `${namespace}/${name}`, index, servers: [], level: "public" });
      return;
    }
    const servers = istioServers(gateway).filter((server) =>
      server.hosts.some(
        (serverHost) =>
          namespaceAdmits(serverHost.namespace, gateway.namespace, object.namespace) &&
          hosts.some((host) => serverHostCarries(serverHost.host, host)),
      ),
    );
    bindings.push({ ref: `${namespace}/${name}`, index, gateway, servers, level: istioGatewayReach(gateway, options).level });
  });
  return bindings;
}

/** `prefix`, `exact` or `regex` of a `uri` match; a regex can match any path, so it reads as `/`. */
function matchPath(match: Record<string, unknown>): string {
  const uri = asRecord(match["uri"]);
  return stringOf(uri["prefix"]) ?? stringOf(uri["exact"]) ?? "/";
}

/**
 * Every destination of a route list, as `{service, port}`: weighted routes send traffic to each, so
 * each is judged (a database port behind a 10% canary is exposed all the same).
 */
function destinations(routes: unknown): Backend[] {
  return asList(routes).map((route) => {
    const destination = asRecord(asRecord(route)["destination"]);
    const backend: Backend = {};
    const host = stringOf(destination["host"]);
    const port = asRecord(destination["port"])["number"];
    if (host !== undefined) backend.service = host;
    if (typeof port === "number") backend.port = port;
    return backend;
  });
}

/** Reads a VirtualService's reach against the Istio Gateways of its side. Never throws on odd fields. */
export function virtualServiceReach(object: ManifestObject, options: IstioOptions, lookup: ObjectLookup): Reach {
  const spec = asRecord(object.body["spec"]);
  const hosts = virtualServiceHosts(object);
  const bindings = gatewayBindings(object, lookup, options);
  // A Gateway in the tree that carries none of the hosts serves nothing of this VirtualService.
  const serving = bindings.filter((binding) => !binding.gateway || binding.servers.length > 0);
  const why: string[] = [];
  for (const binding of bindings) {
    if (!binding.gateway) why.push(`Gateway ${binding.ref} is not in the tree: assumed public, its TLS unknown`);
    else if (binding.servers.length === 0) why.push(`Gateway ${binding.ref} has no server for its hosts`);
    else why.push(`bound to Gateway ${binding.ref} (${binding.level})`);
  }
  const top = serving.reduce<GatewayBinding | undefined>(
    (best, binding) => (best === undefined || levelRank(binding.level) > levelRank(best.level) ? binding : best),
    undefined,
  );
  if (!top) {
    why.push(bindings.length === 0 ? "no gateways: mesh only" : "no gateway serves it: mesh only");
    const gatewaysLine = object.rangeOf(["spec", "gateways"]).line;
    return { level: "cluster", levelLine: bindings.length === 0 ? object.rangeOf(["kind"]).line : gatewaysLine, why, entryPoints: [] };
  }
  // TLS is judged on the gateways that give the level: an internal plain-HTTP gateway beside a public
  // HTTPS one does not make the public path plain text.
  const atLevel = serving.filter((binding) => binding.level === top.level);
  const tlsUnknown = atLevel.some((binding) => !binding.gateway);
  const tlsOf = (host: string, protocolFilter: (server: IstioServer) => boolean): boolean => {
    if (tlsUnknown) return true;
    const carrying = atLevel.flatMap((binding) => binding.servers).filter(
      (server) => protocolFilter(server) && server.hosts.some((serverHost) => serverHostCarries(serverHost.host, host)),
    );
    return carrying.length > 0 && carrying.every(serverProtectsTraffic);
  };
  const isHttpServer = (server: IstioServer) => server.protocol !== "TCP" && server.protocol !== "TLS" && server.protocol !== "MONGO";

  const entryPoints: EntryPoint[] = [];
  const push = (entryPoint: EntryPoint) => {
    if (tlsUnknown) entryPoint.tlsUnknown = true;
    entryPoints.push(entryPoint);
  };
  asList(spec["http"]).forEach((rawRoute) => {
    const route = asRecord(rawRoute);
    const matches = asList(route["match"]).map(asRecord);
    const paths = matches.length > 0 ? [...new Set(matches.map(matchPath))] : ["/"];
    const backends = backendFields(destinations(route["route"]));
    for (const { host, line } of hosts) {
      for (const path of paths) {
        push({ key: `${host}${path}`, kind: "route", host, path, tls: tlsOf(host, isHttpServer), line, ...backends });
      }
    }
  });
  asList(spec["tls"]).forEach((rawRoute, routeIndex) => {
    const route = asRecord(rawRoute);
    const backends = backendFields(destinations(route["route"]));
    asList(route["match"]).forEach((rawMatch, matchIndex) => {
      asList(asRecord(rawMatch)["sniHosts"]).forEach((rawHost, hostIndex) => {
        const host = stringOf(rawHost);
        if (host === undefined) return;
        const line = object.rangeOf(["spec", "tls", routeIndex, "match", matchIndex, "sniHosts", hostIndex]).line;
        // TLS routes pass the client's TLS through to the backend: encrypted end to end.
        push({ key: `tls:${normalizeHost(host)}`, kind: "route", protocol: "TLS", host: normalizeHost(host), path: "/", tls: true, line, ...backends });
      });
    });
  });
  asList(spec["tcp"]).forEach((rawRoute, routeIndex) => {
    const route = asRecord(rawRoute);
    const ports = asList(route["match"]).map((match) => asRecord(match)["port"]).filter((port): port is number => typeof port === "number");
    const line = object.rangeOf(["spec", "tcp", routeIndex]).line;
    for (const port of ports.length > 0 ? ports : [undefined]) {
      push({
        key: `tcp:${port ?? "*"}`,
        kind: "route",
        protocol: "TCP",
        host: CATCH_ALL_HOST,
        path: "/",
        ...(port === undefined ? {} : { port }),
        tls: false,
        line,
        ...backendFields(destinations(route["route"])),
      });
    }
  });
  return { level: top.level, levelLine: object.rangeOf(["spec", "gateways", top.index]).line, why, entryPoints };
}
