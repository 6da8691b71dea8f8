/**
 * How the route rules say what is missing and how to fix it in each kind's own terms: a reviewer of an
 * Istio Gateway needs `tls.mode: SIMPLE`, not "add the host to spec.tls". Keyed like the reach readers,
 * `Kind.group` (a Gateway API and an Istio `Gateway` need different words). A kind not listed keeps the
 * rule's general wording.
 */
import type { ManifestObject } from "../model.js";
import { apiGroup } from "../objects.js";

export interface RouteTerms {
  /** Why an entry point has no TLS, completing "serves X to the internet without TLS: ...". */
  noTls: string;
  /** public-without-tls and tls-removed: how to serve it with TLS. */
  tlsFix: string;
  /** wildcard-host: how to name the hosts instead. */
  hostFix: string;
}

const ISTIO_TLS_FIX =
  "Serve the host on an HTTPS server of the Gateway with `tls.mode: SIMPLE` and a `credentialName` secret, and set `tls.httpsRedirect: true` on the plain HTTP server so it only redirects.";
const TRAEFIK_TLS_FIX =
  "Set `spec.tls` (a `secretName`, or a `certResolver` such as Let's Encrypt) and route only on the HTTPS entry point (`websecure`), redirecting `web` to HTTPS; or serve it on an internal entry point listed in `traefik.internalEntryPoints`.";

export const ROUTE_TERMS: Readonly<Record<string, RouteTerms>> = {
  "Gateway.networking.istio.io": {
    noTls: "the server has no `tls.mode` and does not redirect to HTTPS",
    tlsFix: ISTIO_TLS_FIX,
    hostFix: "",
  },
  "VirtualService.networking.istio.io": {
    noTls: "a Gateway server that carries this host has no `tls.mode` and does not redirect to HTTPS",
    tlsFix: ISTIO_TLS_FIX,
    hostFix: "List each public host in `spec.hosts` instead of `*` or a wildcard, so only reviewed names reach its destinations.",
  },
  "IngressRoute.traefik.io": {
    noTls: "`spec.tls` is not set",
    tlsFix: TRAEFIK_TLS_FIX,
    hostFix: "Match an explicit ``Host(`shop.example.com`)`` in every route, so only reviewed names reach its services.",
  },
  "IngressRouteTCP.traefik.io": {
    noTls: "`spec.tls` is not set",
    tlsFix: "Set `spec.tls` (a `secretName`, or `passthrough: true` when the backend terminates TLS) and match ``HostSNI(`name`)``.",
    hostFix: "Match an explicit ``HostSNI(`db.example.com`)`` (with `spec.tls`) instead of `HostSNI(`*`)`.",
  },
  "Route.route.openshift.io": {
    noTls: "`spec.tls.termination` is not set, or `insecureEdgeTerminationPolicy: Allow` serves it in plain HTTP too",
    tlsFix: "Set `tls.termination: edge` (or `reencrypt`) with `insecureEdgeTerminationPolicy: Redirect`.",
    hostFix: "Use `wildcardPolicy: None` with an explicit `spec.host`, so only the reviewed name reaches the Service.",
  },
};
// Traefik's older API group reads the same.
const aliases: Record<string, RouteTerms> = {
  "IngressRoute.traefik.containo.us": ROUTE_TERMS["IngressRoute.traefik.io"] as RouteTerms,
  "IngressRouteTCP.traefik.containo.us": ROUTE_TERMS["IngressRouteTCP.traefik.io"] as RouteTerms,
};

/** The terms of `object`'s kind and group, or undefined for a kind whose rule wording is its own (Ingress, Service). */
export function routeTerms(object: Pick<ManifestObject, "kind" | "apiVersion">): RouteTerms | undefined {
  const group = apiGroup(object.apiVersion);
  const key = group === "" ? object.kind : `${object.kind}.${group}`;
  if (Object.hasOwn(ROUTE_TERMS, key)) return ROUTE_TERMS[key];
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
}

/** Protocols whose traffic is not HTTP: public-without-tls and wildcard-host are about HTTP only (CONTRACT.md). */
const NOT_HTTP: ReadonlySet<string> = new Set(["TCP", "UDP", "TLS", "MONGO", "SCTP"]);

export function isHttpEntryPoint(entryPoint: { protocol?: string }): boolean {
  return entryPoint.protocol === undefined || !NOT_HTTP.has(entryPoint.protocol.toUpperCase());
}
