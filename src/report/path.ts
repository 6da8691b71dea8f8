/**
 * The exposure path of one object in one line, from where traffic comes from to the workload it
 * reaches: `internet → Gateway infra/public :443 → HTTPRoute shop/store → Service shop/store:80 →
 * Deployment shop/store`. Every face that explains a newly public or widened object (text, markdown
 * summary, review comment) shows this same line.
 */
import type { Exposure, ExistingLevel, Level, ObjectReport } from "../core/model.js";

/** Where traffic comes from at each level. */
const ORIGINS: Record<ExistingLevel, string> = {
  public: "internet",
  private: "private network",
  node: "node IPs",
  cluster: "cluster",
};

/** The classifications whose objects show their path: what this change newly opens. */
export function showsPath(object: Pick<ObjectReport, "classification">): boolean {
  return object.classification === "public" || object.classification === "widened";
}

/** `Deployment/shop/web` → `Deployment shop/web`. */
function idLabel(id: string): string {
  const slash = id.indexOf("/");
  return slash < 0 ? id : `${id.slice(0, slash)} ${id.slice(slash + 1)}`;
}

/** The port clients use on a gateway object: its first TLS entry point's, else its first. */
function gatewayPort(object: Pick<ObjectReport, "reach">): number | undefined {
  const entryPoints = object.reach.head?.entryPoints ?? object.reach.base?.entryPoints ?? [];
  return (entryPoints.find((entryPoint) => entryPoint.tls && entryPoint.port !== undefined) ?? entryPoints.find((entryPoint) => entryPoint.port !== undefined))
    ?.port;
}

/** `Gateway infra/public :443, :80`: a gateway and the ports that carry the traffic; several gateways joined by "or". */
function viaHop(via: NonNullable<Exposure["via"]>): string {
  return via.map(({ label, ports }) => (ports.length === 0 ? label : `${label} ${ports.map((port) => `:${port}`).join(", ")}`)).join(" or ");
}

function serviceHop(exposure: Exposure): string {
  const port = exposure.port === undefined ? "" : `:${exposure.port}`;
  return `Service ${exposure.service}${port}${exposure.found ? "" : " (not in the tree)"}`;
}

function workloadHop(exposure: Exposure): string | undefined {
  if (exposure.workloads.length > 0) return exposure.workloads.map(idLabel).join(", ");
  return exposure.found ? "no workload in the tree" : undefined;
}

/** The most telling path first: one that reaches a workload, else one whose Service is known. */
function mostTelling(exposures: readonly Exposure[]): Exposure | undefined {
  return exposures.find((exposure) => exposure.workloads.length > 0) ?? exposures.find((exposure) => exposure.found) ?? exposures[0];
}

/**
 * The one-line path of an object, or undefined when it exposes nothing it can name (no `exposes`). With
 * several Services behind the object, the line shows the one that reaches a workload and says how many
 * more there are; the JSON report's `exposes` lists them all.
 */
export function exposurePathLine(object: Pick<ObjectReport, "kind" | "namespace" | "name" | "level" | "exposes" | "reach">): string | undefined {
  const exposures = object.exposes ?? [];
  const shown = mostTelling(exposures);
  if (!shown) return undefined;
  const level: Level = object.level.head === "none" ? object.level.base : object.level.head;
  const hops: string[] = [ORIGINS[level === "none" ? "cluster" : level]];
  const self = `${object.kind} ${object.namespace}/${object.name}`;
  if (object.kind === "Service") {
    // The Service is the way in itself.
  } else if (shown.route !== undefined) {
    // A gateway's entry: the gateway at the ports the route is on, else at the port clients use.
    const port = gatewayPort(object);
    hops.push(shown.via ? viaHop(shown.via) : port === undefined ? self : `${self} :${port}`, idLabel(shown.route));
  } else {
    if (shown.via) hops.push(viaHop(shown.via));
    hops.push(self);
  }
  hops.push(serviceHop(shown));
  const workloads = workloadHop(shown);
  if (workloads !== undefined) hops.push(workloads);
  const more = exposures.length - 1;
  return `${hops.join(" → ")}${more > 0 ? ` (+${more} more)` : ""}`;
}

/** The path line a face shows for `object`: only for a newly public or widened object, and only when it has one. */
export function shownPathLine(object: ObjectReport): string | undefined {
  return showsPath(object) ? exposurePathLine(object) : undefined;
}
