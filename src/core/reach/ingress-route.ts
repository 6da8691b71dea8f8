/**
 * Traefik `IngressRoute` (traefik.io, traefik.containo.us) → Reach: the level of its entry points
 * (traefik.ts), and each route's `Host(...)` × `PathPrefix(...)` as an entry point, with TLS when
 * `spec.tls` is set.
 */
import { asList, asRecord } from "../fields.js";
import { backendFields, type EntryPoint, type ManifestObject, type Reach } from "../model.js";
import { routeServices, hasTls, parseMatchRule, traefikLevel, type TraefikOptions } from "./traefik.js";

export function ingressRouteReach(object: ManifestObject, options: TraefikOptions): Reach {
  const level = traefikLevel(object, options);
  const tls = hasTls(object);
  const entryPoints: EntryPoint[] = [];
  asList(asRecord(object.body["spec"])["routes"]).forEach((raw, index) => {
    const route = asRecord(raw);
    const match = typeof route["match"] === "string" ? route["match"] : "";
    const line = object.rangeOf(["spec", "routes", index, "match"]).line;
    const { hosts, paths } = parseMatchRule(match);
    const backends = backendFields(routeServices(route));
    for (const host of hosts) {
      for (const path of paths) entryPoints.push({ key: `${host}${path}`, kind: "route", host, path, tls, line, ...backends });
    }
  });
  return { level: level.level, levelLine: level.levelLine, why: level.why, entryPoints };
}
