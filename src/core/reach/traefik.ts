/**
 * What Traefik's two route kinds share: the level from `spec.entryPoints`, and the hosts and paths of a
 * route's `match` rule. The readers themselves are ingress-route.ts and ingress-route-tcp.ts.
 *
 * Level (CONTRACT.md): `public`, unless every named entry point is in `traefik.internalEntryPoints`;
 * a route that names none is served on every default entry point, so it is `public`.
 * https://doc.traefik.io/traefik/routing/providers/kubernetes-crd/
 */
import { asList, asRecord } from "../fields.js";
import type { Backend, ExistingLevel, ManifestObject } from "../model.js";
import { CATCH_ALL_HOST, normalizeHost } from "./tls.js";

/** Both API groups Traefik has used: `traefik.io` (v2.10+) and the older `traefik.containo.us`. */
export const TRAEFIK_GROUPS = ["traefik.io", "traefik.containo.us"] as const;

/** What the Traefik readers need to know (the config's `traefik` section). */
export interface TraefikOptions {
  /** Entry points that only listen on private addresses (`traefik.internalEntryPoints`). */
  internalEntryPoints: readonly string[];
}

export interface TraefikLevel {
  level: ExistingLevel;
  levelLine: number;
  why: string[];
  /** The entry point names as written; empty when none is named. */
  entryPoints: string[];
}

export function traefikLevel(object: ManifestObject, options: TraefikOptions): TraefikLevel {
  const names = asList(asRecord(object.body["spec"])["entryPoints"]).filter(
    (name): name is string => typeof name === "string" && name.trim() !== "",
  );
  if (names.length === 0) {
    return {
      level: "public",
      levelLine: object.rangeOf(["kind"]).line,
      why: ["no entryPoints: served on every default entry point"],
      entryPoints: [],
    };
  }
  const publicIndex = names.findIndex((name) => !options.internalEntryPoints.includes(name));
  if (publicIndex < 0) {
    return {
      level: "private",
      levelLine: object.rangeOf(["spec", "entryPoints"]).line,
      why: [`entry points ${names.join(", ")} are internal (traefik.internalEntryPoints)`],
      entryPoints: names,
    };
  }
  return {
    level: "public",
    levelLine: object.rangeOf(["spec", "entryPoints", publicIndex]).line,
    why: [`entry point ${names[publicIndex]} is not an internal entry point`],
    entryPoints: names,
  };
}

/** Matchers whose arguments are host names, and those whose arguments are paths. */
const HOST_MATCHERS = new Set(["Host", "HostSNI"]);
const HOST_PATTERN_MATCHERS = new Set(["HostRegexp", "HostSNIRegexp"]);
const PATH_MATCHERS = new Set(["PathPrefix", "Path"]);

/**
 * The hosts and paths a `match` rule names. `Host(\`a\`, \`b\`)` (v2 lists) and several matchers joined
 * by `||` all count: each is a way in. A host pattern (`HostRegexp`) can match any name, so it reads as
 * the catch-all, as does a rule without any host matcher; a `PathRegexp` can match any path (`/`).
 * Linear in the rule's length: no backtracking pattern runs on the manifest's text.
 */
export function parseMatchRule(rule: string): { hosts: string[]; paths: string[] } {
  const hosts: string[] = [];
  const paths: string[] = [];
  let wildcardHost = false;
  for (const call of rule.matchAll(/([A-Za-z]+)\s*\(([^()]*)\)/g)) {
    const [, matcher = "", argumentText = ""] = call;
    const args = [...argumentText.matchAll(/[`"']([^`"']*)[`"']/g)].map((arg) => arg[1] ?? "");
    if (HOST_MATCHERS.has(matcher)) hosts.push(...args.map((host) => normalizeHost(host) || CATCH_ALL_HOST));
    else if (HOST_PATTERN_MATCHERS.has(matcher)) wildcardHost = true;
    else if (PATH_MATCHERS.has(matcher)) paths.push(...args.filter((path) => path !== ""));
  }
  if (wildcardHost || hosts.length === 0) hosts.push(CATCH_ALL_HOST);
  return { hosts: [...new Set(hosts)], paths: paths.length > 0 ? [...new Set(paths)] : ["/"] };
}

/**
 * Every `services[]` item of a route, as entry point backends: Traefik balances between them, so each
 * is judged. A `TraefikService` item is listed by name (it has no port of its own).
 */
export function routeServices(route: Record<string, unknown>): Backend[] {
  return asList(route["services"]).map((raw) => {
    const service = asRecord(raw);
    const backend: Backend = {};
    if (typeof service["name"] === "string" && service["name"] !== "") backend.service = service["name"];
    const port = service["port"];
    if (typeof port === "number") backend.port = port;
    else if (typeof port === "string" && port.trim() !== "") backend.port = /^\d+$/.test(port.trim()) ? Number(port.trim()) : port.trim();
    return backend;
  });
}

/** True when `spec.tls` is set at all: Traefik then serves the route with TLS (a secret, a resolver, or the default certificate). */
export function hasTls(object: ManifestObject): boolean {
  const tls = asRecord(object.body["spec"])["tls"];
  return tls !== undefined && tls !== null && tls !== false;
}
