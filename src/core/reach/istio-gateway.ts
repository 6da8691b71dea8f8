/**
 * Istio `Gateway` (networking.istio.io v1alpha3, v1beta1, v1) → Reach, as CONTRACT.md fixes it:
 * `public`, unless its `selector` picks an ingress gateway the config names as internal
 * (`istio.internalGateways`): then `private`. The surface is each server's `protocol/port` + host,
 * matched across sides by port + host, so a server whose protocol changes from HTTPS to HTTP is a
 * TLS loss on the same entry point.
 *
 * An Istio Gateway only opens ports on the ingress gateway pods; what it serves comes from the
 * VirtualServices bound to it (virtual-service.ts reads them and takes TLS from these servers).
 * https://istio.io/latest/docs/reference/config/networking/gateway/
 */
import { asList, asRecord } from "../fields.js";
import { labelsText, readLabels, selectorMatches, type Labels } from "../labels.js";
import type { EntryPoint, ManifestObject, Reach } from "../model.js";
import { CATCH_ALL_HOST, normalizeHost } from "./tls.js";

export const ISTIO_GROUP = "networking.istio.io";

/** What the Istio readers need to know about the mesh (the config's `istio` section). */
export interface IstioOptions {
  /** Selectors of private ingress gateways (`istio.internalGateways`), e.g. `{istio: ilbgateway}`. */
  internalGateways: readonly Labels[];
}

/** One host of a server. `namespace` restricts which namespaces' VirtualServices may bind (`ns/host`). */
export interface IstioServerHost {
  host: string;
  namespace?: string;
  line: number;
}

/** One `spec.servers[]` item, read. */
export interface IstioServer {
  protocol: string;
  port?: number;
  hosts: IstioServerHost[];
  /** `tls.mode` as written (SIMPLE, MUTUAL, PASSTHROUGH, ...); undefined when TLS is not terminated here. */
  tlsMode?: string;
  /** `tls.httpsRedirect: true`: the plain port answers every request with a redirect to HTTPS. */
  httpsRedirect: boolean;
  line: number;
}

/**
 * Protocols that carry HTTP: public-without-tls is about these only.
 * https://istio.io/latest/docs/reference/config/networking/gateway/#Port
 */
export const ISTIO_HTTP_PROTOCOLS: ReadonlySet<string> = new Set(["HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTPS"]);

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function portNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** `ns/host`, `./host`, `*\/host` or a bare host. An empty host reads as the catch-all. */
export function splitServerHost(text: string): { namespace?: string; host: string } {
  const slash = text.indexOf("/");
  const host = normalizeHost(slash < 0 ? text : text.slice(slash + 1));
  const namespace = slash < 0 ? undefined : text.slice(0, slash).trim();
  return namespace === undefined || namespace === "" ? { host: host || CATCH_ALL_HOST } : { namespace, host: host || CATCH_ALL_HOST };
}

/** The servers of an Istio Gateway, in order; fields that are missing or of the wrong type read as unset. */
export function istioServers(object: ManifestObject): IstioServer[] {
  return asList(asRecord(object.body["spec"])["servers"]).map((raw, serverIndex) => {
    const server = asRecord(raw);
    const port = asRecord(server["port"]);
    const tls = asRecord(server["tls"]);
    const serverPath = ["spec", "servers", serverIndex] as const;
    const hosts = asList(server["hosts"]).flatMap((host, hostIndex): IstioServerHost[] => {
      const text = stringOf(host);
      return text === undefined ? [] : [{ ...splitServerHost(text), line: object.rangeOf([...serverPath, "hosts", hostIndex]).line }];
    });
    const read: IstioServer = {
      protocol: (stringOf(port["protocol"]) ?? "HTTP").toUpperCase(),
      // A server without hosts is rejected by Istio's validation; read as the catch-all so it is not lost.
      hosts: hosts.length > 0 ? hosts : [{ host: CATCH_ALL_HOST, line: object.rangeOf([...serverPath]).line }],
      httpsRedirect: tls["httpsRedirect"] === true,
      line: object.rangeOf([...serverPath, "port"]).line,
    };
    const number = portNumber(port["number"]);
    if (number !== undefined) read.port = number;
    const mode = stringOf(tls["mode"]);
    if (mode !== undefined) read.tlsMode = mode.toUpperCase();
    return read;
  });
}

/**
 * True when the server serves nothing in plain text: TLS is terminated (or passed through) here, or
 * the plain port only redirects to HTTPS.
 */
export function serverProtectsTraffic(server: IstioServer): boolean {
  return server.tlsMode !== undefined || server.httpsRedirect;
}

/** The key that matches a server host across sides: port + host (CONTRACT.md: "Istio servers by port + host"). */
export function istioServerKey(host: string, port: number | undefined): string {
  return `${host}:${port ?? "?"}`;
}

/** The `spec.selector` labels of an Istio Gateway: which ingress gateway pods serve it. */
export function istioSelector(object: ManifestObject): Record<string, string> {
  return readLabels(asRecord(object.body["spec"])["selector"]);
}

/** The first `istio.internalGateways` entry that the Gateway's selector holds, if any. */
export function internalGatewayEntry(object: ManifestObject, options: IstioOptions): Labels | undefined {
  const selector = istioSelector(object);
  return options.internalGateways.find((entry) => selectorMatches(entry, selector));
}

/** Reads an Istio Gateway's reach. Never throws on odd or missing fields. */
export function istioGatewayReach(object: ManifestObject, options: IstioOptions): Reach {
  const selector = istioSelector(object);
  const internal = internalGatewayEntry(object, options);
  const selectorLine = object.rangeOf(["spec", "selector"]).line;
  let levelLine = selectorLine;
  let why: string;
  if (internal) {
    const [firstKey] = Object.keys(internal);
    levelLine = firstKey === undefined ? selectorLine : object.rangeOf(["spec", "selector", firstKey]).line;
    why = `selector ${labelsText(internal)} is an internal gateway (istio.internalGateways)`;
  } else if (Object.keys(selector).length > 0) {
    why = `selector ${labelsText(selector)} is not an internal gateway`;
  } else {
    levelLine = object.rangeOf(["kind"]).line;
    why = "no selector: every ingress gateway of the mesh may serve it";
  }

  const entryPoints: EntryPoint[] = [];
  for (const server of istioServers(object)) {
    for (const host of server.hosts) {
      const entryPoint: EntryPoint = {
        key: istioServerKey(host.host, server.port),
        kind: "port",
        protocol: server.protocol,
        host: host.host,
        tls: serverProtectsTraffic(server),
        line: host.line,
      };
      if (server.port !== undefined) entryPoint.port = server.port;
      if (server.httpsRedirect && server.tlsMode === undefined) entryPoint.redirectsToHttps = true;
      entryPoints.push(entryPoint);
    }
  }
  return { level: internal ? "private" : "public", levelLine, why: [why], entryPoints };
}
