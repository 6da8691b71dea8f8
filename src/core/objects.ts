/**
 * Which Kubernetes objects carry exposure, and how an object is named across the two sides.
 */
import type { ExposureKind, ManifestObject } from "./model.js";

/** The API group of an apiVersion: `gateway.networking.k8s.io/v1` → `gateway.networking.k8s.io`; core `v1` → "". */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * Kinds that more than one API group defines for exposure: a Gateway API `Gateway` and an Istio
 * `Gateway` of the same name and namespace are two objects, so their identity carries the group.
 */
const KINDS_SHARED_BY_GROUPS: ReadonlySet<string> = new Set(["Gateway"]);

/**
 * The identity that matches an object on the base side with the same object on the head side:
 * `kind/namespace/name` (CONTRACT.md, "Objects that carry exposure"). For a kind that several API
 * groups define (`Gateway`), the kind is qualified as kubectl names resources, `Gateway.<group>`:
 * `Gateway.gateway.networking.k8s.io/infra/public`. Suppressions still match `Kind/namespace/name`.
 */
export function objectId(kind: string, namespace: string, name: string, apiVersion?: string, target?: string): string {
  const group = apiVersion === undefined ? "" : apiGroup(apiVersion);
  const qualified = group !== "" && KINDS_SHARED_BY_GROUPS.has(kind) ? `${kind}.${group}` : kind;
  // A rendered object is its target's (CONTRACT.md, "Rendered sources"): the same Service from a prod
  // and a staging overlay is two objects, `kustomize:deploy/overlays/prod Service/shop/web`.
  return target === undefined ? `${qualified}/${namespace}/${name}` : `${target} ${qualified}/${namespace}/${name}`;
}

/** The Gateway API group; its route kinds are read at every version still served. */
export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const GATEWAY_API_ROUTE_VERSIONS = ["v1", "v1beta1", "v1alpha2"].map((version) => `${GATEWAY_API_GROUP}/${version}`);

/** Istio's networking group, at every version still in use (v1alpha3 manifests are common). */
export const ISTIO_NETWORKING_VERSIONS = ["v1", "v1beta1", "v1alpha3"].map((version) => `networking.istio.io/${version}`);
/** Traefik's CRDs under both groups it has used (`traefik.containo.us` before v2.10). */
const TRAEFIK_VERSIONS = ["traefik.io/v1alpha1", "traefik.containo.us/v1alpha1"];

/**
 * The apiVersions under which each exposure kind is read. Other groups reuse these kind names for
 * different things (Knative `serving.knative.dev/v1` Service, for one), so the group matters. A kind
 * that several groups define lists the versions of each; `readReach` picks the reader by group.
 */
export const EXPOSURE_API_VERSIONS: Readonly<Record<ExposureKind, readonly string[]>> = {
  Service: ["v1"],
  Ingress: ["networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1"],
  Gateway: [`${GATEWAY_API_GROUP}/v1`, `${GATEWAY_API_GROUP}/v1beta1`, ...ISTIO_NETWORKING_VERSIONS],
  HTTPRoute: GATEWAY_API_ROUTE_VERSIONS,
  GRPCRoute: GATEWAY_API_ROUTE_VERSIONS,
  TLSRoute: GATEWAY_API_ROUTE_VERSIONS,
  TCPRoute: GATEWAY_API_ROUTE_VERSIONS,
  UDPRoute: GATEWAY_API_ROUTE_VERSIONS,
  VirtualService: ISTIO_NETWORKING_VERSIONS,
  IngressRoute: TRAEFIK_VERSIONS,
  IngressRouteTCP: TRAEFIK_VERSIONS,
  Route: ["route.openshift.io/v1"],
};

/**
 * True for an object of one of the kinds and groups CONTRACT.md names. Takes only `apiVersion` and
 * `kind`, so the parser can also ask it about a document that is not an object yet.
 */
export function isExposureObject(object: Pick<ManifestObject, "apiVersion" | "kind">): boolean {
  // hasOwn first: a kind such as "constructor" must not reach Object.prototype.
  if (!Object.hasOwn(EXPOSURE_API_VERSIONS, object.kind)) return false;
  return EXPOSURE_API_VERSIONS[object.kind as ExposureKind].includes(object.apiVersion);
}
