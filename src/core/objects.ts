/**
 * Which Kubernetes objects carry exposure, and how an object is named across the two sides.
 */
import type { ExposureKind, ManifestObject } from "./model.js";

/**
 * The identity that matches an object on the base side with the same object on the head side:
 * `kind/namespace/name` (CONTRACT.md, "Objects that carry exposure"), after the render target for a
 * rendered object (CONTRACT.md, "Rendered sources").
 */
export function objectId(kind: string, namespace: string, name: string, target?: string): string {
  // A rendered object is its target's: the same Service from a prod and a staging overlay is two objects.
  return target === undefined ? `${kind}/${namespace}/${name}` : `${target} ${kind}/${namespace}/${name}`;
}

/**
 * The apiVersions under which each exposure kind is read. Other groups reuse these kind names for
 * different things (Knative `serving.knative.dev/v1` Service, for one), so the group matters.
 */
export const EXPOSURE_API_VERSIONS: Readonly<Record<ExposureKind, readonly string[]>> = {
  Service: ["v1"],
  Ingress: ["networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1"],
};

/**
 * True for a core Service or an Ingress of one of the groups CONTRACT.md names. Takes only
 * `apiVersion` and `kind`, so the parser can also ask it about a document that is not an object yet.
 */
export function isExposureObject(object: Pick<ManifestObject, "apiVersion" | "kind">): boolean {
  // hasOwn first: a kind such as "constructor" must not reach Object.prototype.
  if (!Object.hasOwn(EXPOSURE_API_VERSIONS, object.kind)) return false;
  return EXPOSURE_API_VERSIONS[object.kind as ExposureKind].includes(object.apiVersion);
}
