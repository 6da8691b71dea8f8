/**
 * Traefik `IngressRouteTCP` (traefik.io, traefik.containo.us) → Reach: the level of its entry points
 * (traefik.ts), and each route's `HostSNI(...)` as an entry point of protocol TLS (with `spec.tls`)
 * or TCP (without: only `HostSNI(\`*\`)` can route plain TCP). `tls.passthrough` hands the client's
 * TLS to the backend, so it is TLS too.
 */
import { asList, asRecord } from "../fields.js";
import { backendFields, type EntryPoint, type ManifestObject, type Reach } from "../model.js";
import { routeServices, hasTls, parseMatchRule, traefikLevel, type TraefikOptions } from "./traefik.js";

export function ingressRouteTcpReach(object: ManifestObject, options: TraefikOptions): Reach {
  const level = traefikLevel(object, options);
  const tls = hasTls(object);
  const protocol = tls ? "TLS" : "TCP";
  const entryPoints: EntryPoint[] = [];
  asList(asRecord(object.body["spec"])["routes"]).forEach((raw, index) => {
    const route = asRecord(raw);
    const match = typeof route["match"] === "string" ? route["match"] : "";
    const line = object.rangeOf(["spec", "routes", index, "match"]).line;
    const backends = backendFields(routeServices(route));
    for (const host of parseMatchRule(match).hosts) {
      entryPoints.push({ key: `tcp:${host}`, kind: "route", protocol, host, path: "/", tls, line, ...backends });
    }
  });
  return { level: level.level, levelLine: level.levelLine, why: level.why, entryPoints };
}
