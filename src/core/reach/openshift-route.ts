/**
 * OpenShift `Route` (route.openshift.io/v1) → Reach, as CONTRACT.md fixes it: `public` (the default
 * router is the cluster's public one), `private` when the `haproxy.router.openshift.io/ip_allowlist`
 * annotation restricts it. The surface is `host` + `path`, with TLS when `tls.termination` is set; with
 * `insecureEdgeTerminationPolicy: Allow` the same host and path are also served in plain HTTP.
 * https://docs.openshift.com/container-platform/latest/networking/routes/route-configuration.html
 */
import { isRestrictive } from "../cidr.js";
import { annotationsOf, asList, asRecord } from "../fields.js";
import { backendFields, type AllowList, type EntryPoint, type ManifestObject, type Reach } from "../model.js";
import { CATCH_ALL_HOST, normalizeHost } from "./tls.js";

export const OPENSHIFT_ROUTE_GROUP = "route.openshift.io";

/**
 * The router's allow-list: space-separated IPs and CIDRs. `ip_whitelist` is the name older releases
 * read; the newer name wins when both are set.
 * https://docs.openshift.com/container-platform/latest/networking/routes/route-configuration.html#nw-route-specific-annotations_route-configuration
 */
export const OPENSHIFT_ALLOW_LIST_ANNOTATIONS: readonly string[] = [
  "haproxy.router.openshift.io/ip_allowlist",
  "haproxy.router.openshift.io/ip_whitelist",
];

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * The host the Route serves. Without `spec.host` the router generates `<name>-<namespace>.<router
 * domain>`, a name of its own, not a catch-all. With `wildcardPolicy: Subdomain` the Route serves every
 * name beside its host: `www.example.com` serves `*.example.com`.
 */
function servedHost(object: ManifestObject, spec: Record<string, unknown>): string {
  const host = stringOf(spec["host"]);
  if (host === undefined) return `${object.name}-${object.namespace}.<router domain>`;
  const name = normalizeHost(host);
  if (stringOf(spec["wildcardPolicy"])?.toLowerCase() !== "subdomain") return name;
  const dot = name.indexOf(".");
  return dot > 0 ? `*${name.slice(dot)}` : CATCH_ALL_HOST;
}

function readAllowList(object: ManifestObject): AllowList | undefined {
  const annotations = annotationsOf(object);
  for (const key of OPENSHIFT_ALLOW_LIST_ANNOTATIONS) {
    const cidrs = (annotations.get(key) ?? "").split(/[\s,]+/).filter((entry) => entry !== "");
    if (cidrs.length > 0) return { cidrs, source: key, line: object.rangeOf(["metadata", "annotations", key]).line };
  }
  return undefined;
}

/** `spec.to` then each `spec.alternateBackends[]` of kind Service (the default), with `spec.port.targetPort`. */
export function routeBackends(object: ManifestObject): { service: string; targetPort?: number | string }[] {
  const spec = asRecord(object.body["spec"]);
  const targetPort = asRecord(spec["port"])["targetPort"];
  const port = typeof targetPort === "number" ? targetPort : stringOf(targetPort);
  const backends: { service: string; targetPort?: number | string }[] = [];
  for (const raw of [spec["to"], ...asList(spec["alternateBackends"])]) {
    const to = asRecord(raw);
    const kind = stringOf(to["kind"]) ?? "Service";
    const name = stringOf(to["name"]);
    if (kind !== "Service" || name === undefined) continue;
    backends.push(port === undefined ? { service: name } : { service: name, targetPort: /^\d+$/.test(String(port)) ? Number(port) : port });
  }
  return backends;
}

/** Reads an OpenShift Route's reach. Never throws on odd or missing fields. */
export function openshiftRouteReach(object: ManifestObject): Reach {
  const spec = asRecord(object.body["spec"]);
  const tls = asRecord(spec["tls"]);
  const termination = stringOf(tls["termination"]);
  const insecurePolicy = stringOf(tls["insecureEdgeTerminationPolicy"])?.toLowerCase();
  const host = servedHost(object, spec);
  const path = stringOf(spec["path"]) ?? "/";
  const hostLine = object.rangeOf(["spec", spec["host"] !== undefined ? "host" : "to"]).line;
  // `spec.to` and every alternate backend share the traffic, so each is judged.
  const backends = backendFields(
    routeBackends(object).map(({ service, targetPort }) => (targetPort === undefined ? { service } : { service, port: targetPort })),
  );
  const entryPoints: EntryPoint[] = [{ key: `${host}${path}`, kind: "route", host, path, tls: termination !== undefined, line: hostLine, ...backends }];
  // Same key as the TLS entry point: a host whose plain-HTTP requests are served, not redirected,
  // no longer has TLS as a whole (going from Redirect to Allow is a TLS loss). First, so findings
  // about the key point at the policy line that opened it.
  if (termination !== undefined && insecurePolicy === "allow") {
    entryPoints.unshift({
      key: `${host}${path}`,
      kind: "route",
      protocol: "HTTP",
      host,
      path,
      tls: false,
      line: object.rangeOf(["spec", "tls", "insecureEdgeTerminationPolicy"]).line,
      ...backends,
    });
  }

  const allowList = readAllowList(object);
  const restricted = allowList !== undefined && isRestrictive(allowList.cidrs);
  const reach: Reach = {
    level: restricted ? "private" : "public",
    levelLine: restricted ? allowList.line : object.rangeOf(["kind"]).line,
    why: [
      restricted
        ? `allow-list ${allowList.cidrs.join(", ")}`
        : allowList
          ? `allow-list ${allowList.cidrs.join(", ")} admits every address`
          : "served by the cluster's default router",
    ],
    entryPoints,
  };
  if (allowList) reach.allowList = allowList;
  return reach;
}
