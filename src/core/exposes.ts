/**
 * Exposure paths (CONTRACT.md "Exposure paths"): for an object that routes traffic, the backend
 * Services it sends traffic to and the workloads behind each, resolved on the object's own side of the
 * change. Routes → Services (in the route's namespace unless the reference names another) → workloads
 * whose pod template labels the Service selector matches (a Service selects pods of its own namespace
 * only). A Gateway lists what the routes attached to it reach, each under the route's name.
 *
 * Display data: classification and rules never read it.
 */
import { asList, asRecord } from "./fields.js";
import { readLabels, selectorMatches } from "./labels.js";
import type { Exposure, ManifestObject, Reach } from "./model.js";
import { attachedRoutes, GATEWAY_ROUTE_KINDS, type ObjectIndex } from "./graph.js";
import { apiGroup, GATEWAY_API_GROUP, objectId } from "./objects.js";
import { ISTIO_GROUP, type IstioOptions } from "./reach/istio-gateway.js";
import { routeBackends } from "./reach/openshift-route.js";
import { TRAEFIK_GROUPS } from "./reach/traefik.js";
import { gatewayBindings, type GatewayBinding } from "./reach/virtual-service.js";

/** The objects of one side: reviewed files and context files. */
type SideObjects = ObjectIndex;

export interface ExposesOptions {
  istio: IstioOptions;
}

/**
 * Kinds that run pods, and where their pod template's labels sit. A ReplicaSet owned by a Deployment
 * is rare in a repository; when both are written, both are listed.
 */
const WORKLOAD_LABEL_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ["spec", "template", "metadata", "labels"],
  StatefulSet: ["spec", "template", "metadata", "labels"],
  DaemonSet: ["spec", "template", "metadata", "labels"],
  ReplicaSet: ["spec", "template", "metadata", "labels"],
  Job: ["spec", "template", "metadata", "labels"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
  Pod: ["metadata", "labels"],
};
/** Workload kinds are all in the core `v1`, `apps/v1` or `batch/v1` groups; others reuse no such names. */
const WORKLOAD_GROUPS: ReadonlySet<string> = new Set(["", "apps", "batch"]);

/** A reference from a route to a backend Service, before resolution. */
interface BackendRef {
  namespace: string;
  name: string;
  port?: number | string;
  /** Set for a Service's own ports: the port is a Service port, not to be matched against target ports. */
  targetPort?: number | string;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function portOf(value: unknown): number | string | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  const text = stringOf(value);
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

function valueAt(body: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = body;
  for (const key of path) value = asRecord(value)[key];
  return value;
}

/** Workloads by namespace, built once per side: every path of a side resolves against the same list. */
function workloadsByNamespace(side: SideObjects): Map<string, { id: string; labels: Record<string, string> }[]> {
  return side.memo("exposes:workloads-by-namespace", () => {
    const byNamespace = new Map<string, { id: string; labels: Record<string, string> }[]>();
    for (const [kind, path] of Object.entries(WORKLOAD_LABEL_PATHS)) {
      for (const workload of side.ofKind(kind)) {
        if (!WORKLOAD_GROUPS.has(apiGroup(workload.apiVersion))) continue;
        const list = byNamespace.get(workload.namespace) ?? [];
        list.push({ id: objectId(workload.kind, workload.namespace, workload.name), labels: readLabels(valueAt(workload.body, path)) });
        byNamespace.set(workload.namespace, list);
      }
    }
    return byNamespace;
  });
}

/** The workloads a Service selects (none without a selector: its endpoints are managed by hand). */
export function selectedWorkloads(service: ManifestObject, side: SideObjects): string[] {
  const selector = readLabels(asRecord(service.body["spec"])["selector"]);
  if (Object.keys(selector).length === 0) return [];
  const candidates = workloadsByNamespace(side).get(service.namespace) ?? [];
  return candidates.filter((workload) => selectorMatches(selector, workload.labels)).map((workload) => workload.id);
}

/**
 * The Service port a reference means. A number is a Service port; a name is a Service port's name. An
 * OpenShift Route's `targetPort` names the pods' port instead: the Service port whose `targetPort` (or
 * name) it is.
 */
function resolvePort(service: ManifestObject | undefined, ref: BackendRef): number | string | undefined {
  const ports = asList(asRecord(service?.body["spec"])["ports"]).map(asRecord);
  const wanted = ref.targetPort ?? ref.port;
  if (wanted === undefined) {
    // No port named: a Service with a single port is unambiguous (Istio and Traefik pick it).
    const only = ports.length === 1 ? portOf(ports[0]?.["port"]) : undefined;
    return only;
  }
  if (ref.targetPort !== undefined) {
    const byTarget = ports.find((port) => portOf(port["targetPort"] ?? port["port"]) === wanted || port["name"] === wanted);
    return portOf(byTarget?.["port"]) ?? wanted;
  }
  if (typeof wanted === "number") return wanted;
  return portOf(ports.find((port) => port["name"] === wanted)?.["port"]) ?? wanted;
}

function resolve(ref: BackendRef, side: SideObjects): Exposure {
  const service = side.find("Service", ref.namespace, ref.name, "");
  const exposure: Exposure = {
    service: `${ref.namespace}/${ref.name}`,
    workloads: service ? selectedWorkloads(service, side) : [],
    found: service !== undefined,
  };
  const port = resolvePort(service, ref);
  if (port !== undefined) exposure.port = port;
  return exposure;
}

/** One entry per Service and port (and route, for a Gateway), first seen first. */
function unique(exposures: Exposure[]): Exposure[] {
  const seen = new Set<string>();
  return exposures.filter((exposure) => {
    const key = `${exposure.route ?? ""}|${exposure.service}|${exposure.port ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Backend references, per kind

function ingressRefs(object: ManifestObject, reach: Reach): BackendRef[] {
  return reach.entryPoints.flatMap((entryPoint) => {
    const service = entryPoint.backend?.service;
    if (service === undefined) return [];
    const port = entryPoint.backend?.port;
    return [port === undefined ? { namespace: object.namespace, name: service } : { namespace: object.namespace, name: service, port }];
  });
}

/** A destination host as Istio reads it: `name`, `name.ns`, `name.ns.svc[.cluster.local]`; other names are outside the mesh. */
function istioDestination(host: string, namespace: string, side: SideObjects): { namespace: string; name: string } | undefined {
  const labels = host.toLowerCase().split(".");
  const [name = "", second] = labels;
  if (labels.length === 1) return { namespace, name };
  if (labels.length >= 3 && labels[2] === "svc" && second !== undefined) return { namespace: second, name };
  // `name.ns` reads as a Service only when the side holds it; otherwise it is an external host.
  if (labels.length === 2 && second !== undefined && side.find("Service", second, name, "")) return { namespace: second, name };
  return undefined;
}

function virtualServiceRefs(object: ManifestObject, side: SideObjects): BackendRef[] {
  const spec = asRecord(object.body["spec"]);
  const refs: BackendRef[] = [];
  for (const section of ["http", "tls", "tcp"]) {
    for (const route of asList(spec[section])) {
      for (const target of asList(asRecord(route)["route"])) {
        const destination = asRecord(asRecord(target)["destination"]);
        const host = stringOf(destination["host"]);
        const resolved = host === undefined ? undefined : istioDestination(host, object.namespace, side);
        if (!resolved) continue;
        const port = portOf(asRecord(destination["port"])["number"]);
        refs.push(port === undefined ? resolved : { ...resolved, port });
      }
    }
  }
  return refs;
}

function traefikRefs(object: ManifestObject): BackendRef[] {
  return asList(asRecord(object.body["spec"])["routes"]).flatMap((route) =>
    asList(asRecord(route)["services"]).flatMap((raw): BackendRef[] => {
      const service = asRecord(raw);
      const name = stringOf(service["name"]);
      // A TraefikService (weighted, mirroring) is Traefik's own object, not a Kubernetes Service.
      if (name === undefined || (stringOf(service["kind"]) ?? "Service") !== "Service") return [];
      const ref: BackendRef = { namespace: stringOf(service["namespace"]) ?? object.namespace, name };
      const port = portOf(service["port"]);
      if (port !== undefined) ref.port = port;
      return [ref];
    }),
  );
}

function openshiftRouteRefs(object: ManifestObject): BackendRef[] {
  return routeBackends(object).map((backend) =>
    backend.targetPort === undefined
      ? { namespace: object.namespace, name: backend.service }
      : { namespace: object.namespace, name: backend.service, targetPort: backend.targetPort },
  );
}

function gatewayApiRouteRefs(object: ManifestObject): BackendRef[] {
  return asList(asRecord(object.body["spec"])["rules"]).flatMap((rule) =>
    asList(asRecord(rule)["backendRefs"]).flatMap((raw): BackendRef[] => {
      const backend = asRecord(raw);
      const name = stringOf(backend["name"]);
      const kind = stringOf(backend["kind"]) ?? "Service";
      const group = typeof backend["group"] === "string" ? backend["group"] : "";
      if (name === undefined || kind !== "Service" || group !== "") return [];
      const ref: BackendRef = { namespace: stringOf(backend["namespace"]) ?? object.namespace, name };
      const port = portOf(backend["port"]);
      if (port !== undefined) ref.port = port;
      return [ref];
    }),
  );
}

function serviceRefs(object: ManifestObject): BackendRef[] {
  const spec = asRecord(object.body["spec"]);
  // An ExternalName Service sends traffic out of the cluster, to no workload of the tree.
  if (stringOf(spec["type"]) === "ExternalName") return [];
  const ports = asList(spec["ports"]).flatMap((raw) => {
    const port = portOf(asRecord(raw)["port"]);
    return typeof port === "number" ? [port] : [];
  });
  const self = { namespace: object.namespace, name: object.name };
  return ports.length > 0 ? ports.map((port) => ({ ...self, port })) : [self];
}

// ---------------------------------------------------------------------------------------------
// Gateways: what the routes attached to them reach

type Via = NonNullable<Exposure["via"]>[number];

/** Distinct ports, those with TLS first: the port clients use comes first on the path line. */
function portsTlsFirst(ports: readonly { port: number | undefined; tls: boolean }[]): number[] {
  const known = ports.filter((item): item is { port: number; tls: boolean } => item.port !== undefined);
  return [...new Set([...known.filter((item) => item.tls), ...known.filter((item) => !item.tls)].map((item) => item.port))];
}

/** The servers of an Istio Gateway that carry the VirtualService, as the way in. */
function istioVia(binding: GatewayBinding): Via {
  return { label: `Gateway ${binding.ref}`, ports: portsTlsFirst(binding.servers.map((server) => ({ port: server.port, tls: server.tlsMode !== undefined }))) };
}

function virtualServiceExposes(object: ManifestObject, side: SideObjects, options: ExposesOptions): Exposure[] {
  const bindings = gatewayBindings(object, side, options.istio).filter((binding) => !binding.gateway || binding.servers.length > 0);
  const rank = (binding: (typeof bindings)[number]) => (binding.level === "public" ? 2 : binding.level === "private" ? 1 : 0);
  const through = [...bindings].sort((a, b) => rank(b) - rank(a))[0];
  return virtualServiceRefs(object, side).map((ref) => (through ? { ...resolve(ref, side), via: [istioVia(through)] } : resolve(ref, side)));
}

/** VirtualServices of this side bound to the Istio Gateway, each with what it reaches. */
function istioGatewayExposes(gateway: ManifestObject, side: SideObjects, options: ExposesOptions): Exposure[] {
  const exposures: Exposure[] = [];
  const namesIt = (name: unknown) => typeof name === "string" && (name === gateway.name || name.endsWith(`/${gateway.name}`));
  for (const virtualService of side.ofKind("VirtualService", ISTIO_GROUP)) {
    // A cheap look at the names first; the binding below resolves namespaces and server hosts.
    if (!asList(asRecord(virtualService.body["spec"])["gateways"]).some(namesIt)) continue;
    const binding = gatewayBindings(virtualService, side, options.istio).find(
      (candidate) => candidate.gateway === gateway && candidate.servers.length > 0,
    );
    if (!binding) continue;
    const route = objectId(virtualService.kind, virtualService.namespace, virtualService.name);
    const via = [istioVia(binding)];
    for (const ref of virtualServiceRefs(virtualService, side)) exposures.push({ ...resolve(ref, side), route, via });
  }
  return exposures;
}

/**
 * The Gateways a Gateway API route is reached through, read from its reach: the attachment that gave
 * the route its level (sectionName / port, allowedRoutes, hostname intersection), not its parentRefs
 * as written. Each Gateway at the route's level (an entry point at another level carries its own),
 * with the ports of the listeners the route is on; a parentRef that attaches nowhere has no entry point,
 * so it is not on the path.
 */
function gatewayApiVia(reach: Reach): Via[] {
  const byGateway = new Map<string, { port: number | undefined; tls: boolean }[]>();
  for (const entryPoint of reach.entryPoints) {
    if (entryPoint.gateway === undefined || entryPoint.level !== undefined) continue;
    const ports = byGateway.get(entryPoint.gateway) ?? [];
    ports.push({ port: entryPoint.port, tls: entryPoint.tls && entryPoint.tlsUnknown !== true });
    byGateway.set(entryPoint.gateway, ports);
  }
  return [...byGateway].map(([gateway, ports]) => ({ label: `Gateway ${gateway}`, ports: portsTlsFirst(ports) }));
}

/**
 * The routes of this side attached to the Gateway, each with what it reaches and the ports of the
 * listeners it attached to. A route that names the Gateway but that no listener admits reaches
 * nothing through it and is not listed.
 */
function gatewayApiGatewayExposes(gateway: ManifestObject, side: SideObjects): Exposure[] {
  const exposures: Exposure[] = [];
  for (const { route, listeners } of attachedRoutes(side, gateway)) {
    const id = objectId(route.kind, route.namespace, route.name);
    const via = [{ label: `Gateway ${gateway.namespace}/${gateway.name}`, ports: portsTlsFirst(listeners) }];
    for (const ref of gatewayApiRouteRefs(route)) exposures.push({ ...resolve(ref, side), route: id, via });
  }
  return exposures;
}

/**
 * What `object` makes reachable, on its side; undefined for a kind that routes no traffic itself.
 * `reach` is the object's reach on that side (the Ingress backends come from its entry points).
 */
export function exposesOf(object: ManifestObject, reach: Reach, side: SideObjects, options: ExposesOptions): Exposure[] | undefined {
  const group = apiGroup(object.apiVersion);
  let exposures: Exposure[];
  if (object.kind === "Service" && group === "") exposures = serviceRefs(object).map((ref) => resolve(ref, side));
  else if (object.kind === "Ingress") exposures = ingressRefs(object, reach).map((ref) => resolve(ref, side));
  else if (object.kind === "VirtualService" && group === ISTIO_GROUP) exposures = virtualServiceExposes(object, side, options);
  else if (object.kind === "Gateway" && group === ISTIO_GROUP) exposures = istioGatewayExposes(object, side, options);
  else if ((object.kind === "IngressRoute" || object.kind === "IngressRouteTCP") && (TRAEFIK_GROUPS as readonly string[]).includes(group)) {
    exposures = traefikRefs(object).map((ref) => resolve(ref, side));
  } else if (object.kind === "Route" && group === "route.openshift.io") exposures = openshiftRouteRefs(object).map((ref) => resolve(ref, side));
  else if (object.kind === "Gateway" && group === GATEWAY_API_GROUP) exposures = gatewayApiGatewayExposes(object, side);
  else if (GATEWAY_ROUTE_KINDS.includes(object.kind) && group === GATEWAY_API_GROUP) {
    const via = gatewayApiVia(reach);
    exposures = gatewayApiRouteRefs(object).map((ref) => (via.length > 0 ? { ...resolve(ref, side), via } : resolve(ref, side)));
  } else return undefined;
  return unique(exposures);
}
