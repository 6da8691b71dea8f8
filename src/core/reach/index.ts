/**
 * The reach readers, one per kind that carries exposure. A new kind adds a reader to READERS; rules
 * and classification only ever see the Reach.
 */
import { EMPTY_INDEX, type ObjectIndex } from "../graph.js";
import type { ManifestObject, Reach } from "../model.js";
import { apiGroup, isExposureObject } from "../objects.js";
import { ingressReach } from "./ingress.js";
import { serviceReach } from "./service.js";

/** What the readers need to know about the cluster (from the config). */
export interface ReachOptions {
  /** Ingress classes whose controller is private (`ingress.internalClasses`), compared exactly. */
  internalClasses: readonly string[];
  /** The config's `gateway` section; absent reads as empty. */
  gateway?: GatewayOptions;
}

export interface GatewayOptions {
  /** GatewayClasses whose data plane is private (`gateway.internalClasses`), compared exactly. */
  internalClasses: readonly string[];
  /** Levels of Gateways by `namespace/name` (`gateway.gateways`), in the tree or not. */
  gateways: Readonly<Record<string, "public" | "private">>;
}

/**
 * What a reader is given: the object, the config's view of the cluster, and the other objects of the
 * same side (reviewed and context files), to resolve references across objects.
 */
export interface ReachContext {
  options: ReachOptions;
  index: ObjectIndex;
}

export type ReachReader = (object: ManifestObject, context: ReachContext) => Reach;

/**
 * Readers by kind and API group (`kind` for the core group, `kind.group` otherwise): the same kind
 * name in two groups is two readers (Gateway API and Istio `Gateway`).
 */
const READERS: Readonly<Record<string, ReachReader>> = {
  Service: (object) => serviceReach(object),
  "Ingress.networking.k8s.io": (object, { options }) => ingressReach(object, options),
  "Ingress.extensions": (object, { options }) => ingressReach(object, options),
};

function readerKey(object: Pick<ManifestObject, "apiVersion" | "kind">): string {
  const group = apiGroup(object.apiVersion);
  return group === "" ? object.kind : `${object.kind}.${group}`;
}

/**
 * The object's reach, or undefined when it carries no exposure the core reads: another kind, or the
 * kind name in another API group (Knative's `serving.knative.dev` Service is not a Service). `index`
 * holds the other objects of the object's side; without it, references resolve to nothing.
 */
export function readReach(object: ManifestObject, options: ReachOptions, index: ObjectIndex = EMPTY_INDEX): Reach | undefined {
  if (!isExposureObject(object)) return undefined;
  const reader = Object.hasOwn(READERS, readerKey(object)) ? READERS[readerKey(object)] : undefined;
  return reader?.(object, { options, index });
}

export { ingressReach } from "./ingress.js";
export { serviceReach } from "./service.js";
