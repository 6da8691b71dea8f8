/**
 * The reach readers, one per kind that carries exposure. A new kind adds a reader to READERS; rules
 * and classification only ever see the Reach.
 */
import { EMPTY_INDEX, type ObjectIndex } from "../graph.js";
import type { ManifestObject, Reach } from "../model.js";
import { apiGroup, isExposureObject } from "../objects.js";
import { gatewayReach } from "./gateway.js";
import { grpcRouteReach } from "./grpc-route.js";
import { httpRouteReach } from "./http-route.js";
import { ingressReach } from "./ingress.js";
import { ingressRouteTcpReach } from "./ingress-route-tcp.js";
import { ingressRouteReach } from "./ingress-route.js";
import { istioGatewayReach, type IstioOptions } from "./istio-gateway.js";
import { openshiftRouteReach } from "./openshift-route.js";
import type { TraefikOptions } from "./traefik.js";
import { virtualServiceReach } from "./virtual-service.js";
import { serviceReach } from "./service.js";
import { tcpRouteReach } from "./tcp-route.js";
import { tlsRouteReach } from "./tls-route.js";
import { udpRouteReach } from "./udp-route.js";

/** What the readers need to know about the cluster (from the config). */
export interface ReachOptions {
  /** Ingress classes whose controller is private (`ingress.internalClasses`), compared exactly. */
  internalClasses: readonly string[];
  /** The config's `gateway` section; absent reads as empty. */
  gateway?: GatewayOptions;
  /** The config's `istio` section; absent reads as empty. */
  istio?: IstioOptions;
  /** The config's `traefik` section; absent reads as empty. */
  traefik?: TraefikOptions;
}

const NO_ISTIO: IstioOptions = { internalGateways: [] };
const NO_TRAEFIK: TraefikOptions = { internalEntryPoints: [] };

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
  "Gateway.gateway.networking.k8s.io": gatewayReach,
  "HTTPRoute.gateway.networking.k8s.io": httpRouteReach,
  "GRPCRoute.gateway.networking.k8s.io": grpcRouteReach,
  "TLSRoute.gateway.networking.k8s.io": tlsRouteReach,
  "TCPRoute.gateway.networking.k8s.io": tcpRouteReach,
  "UDPRoute.gateway.networking.k8s.io": udpRouteReach,
  "Gateway.networking.istio.io": (object, { options }) => istioGatewayReach(object, options.istio ?? NO_ISTIO),
  "VirtualService.networking.istio.io": (object, { options, index }) => virtualServiceReach(object, options.istio ?? NO_ISTIO, index),
  "IngressRoute.traefik.io": (object, { options }) => ingressRouteReach(object, options.traefik ?? NO_TRAEFIK),
  "IngressRoute.traefik.containo.us": (object, { options }) => ingressRouteReach(object, options.traefik ?? NO_TRAEFIK),
  "IngressRouteTCP.traefik.io": (object, { options }) => ingressRouteTcpReach(object, options.traefik ?? NO_TRAEFIK),
  "IngressRouteTCP.traefik.containo.us": (object, { options }) => ingressRouteTcpReach(object, options.traefik ?? NO_TRAEFIK),
  "Route.route.openshift.io": (object) => openshiftRouteReach(object),
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
