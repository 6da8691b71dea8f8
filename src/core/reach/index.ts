/**
 * The reach readers, one per kind that carries exposure. A new kind (Gateway, HTTPRoute, Route) adds a
 * reader here; rules and classification only ever see the Reach.
 */
import type { ManifestObject, Reach } from "../model.js";
import { isExposureObject } from "../objects.js";
import { ingressReach } from "./ingress.js";
import { serviceReach } from "./service.js";

/** What the readers need to know about the cluster (from the config's `ingress` section). */
export interface ReachOptions {
  /** Ingress classes whose controller is private (`ingress.internalClasses`), compared exactly. */
  internalClasses: readonly string[];
}

/**
 * The object's reach, or undefined when it carries no exposure the core reads: another kind, or the
 * kind name in another API group (Knative's `serving.knative.dev` Service is not a Service).
 */
export function readReach(object: ManifestObject, options: ReachOptions): Reach | undefined {
  if (!isExposureObject(object)) return undefined;
  if (object.kind === "Service") return serviceReach(object);
  if (object.kind === "Ingress") return ingressReach(object, options);
  return undefined;
}

export { ingressReach } from "./ingress.js";
export { serviceReach } from "./service.js";
