/**
 * What changed in the exposure-relevant fields of one object, as short lines for reviewers
 * (`spec.type: ClusterIP → LoadBalancer`). Display only: classification and rules never read it.
 *
 * Each side is projected to the fields that decide reach and surface, with Kubernetes defaults
 * filled in (type ClusterIP, protocol TCP) so writing a default out is not a change; the
 * projections are diffed with jsondiffpatch, and the delta is walked into lines.
 */
import { create, type Delta } from "jsondiffpatch";
import { asList, asRecord } from "./fields.js";
import type { ManifestObject } from "./model.js";

/** More lines than this are cut to this many, the last one saying how many were left out. */
export const MAX_CHANGE_LINES = 10;

/**
 * Annotation names that bear on exposure, matched as lower-case substrings: load-balancer
 * scheme/type/internal/source ranges and certificates of every cloud, ingress class, allow-lists,
 * TLS/SSL settings, and our own `exposure-review.io/` keys.
 */
const EXPOSURE_ANNOTATION_PARTS = [
  "load-balancer",
  "loadbalancer",
  "ingress.class",
  "whitelist",
  "allowlist",
  "source-range",
  "alb.ingress",
  "ssl",
  "tls",
  "certificate",
  "scheme",
  "allow-http",
  "exposure-review.io",
];

export function isExposureAnnotation(name: string): boolean {
  const lower = name.toLowerCase();
  return EXPOSURE_ANNOTATION_PARTS.some((part) => lower.includes(part));
}

/**
 * One line per exposure-relevant change between the two sides of an object, at most
 * MAX_CHANGE_LINES. Empty for an added or removed object (there is no "before" to compare).
 */
export function exposureChanges(base: ManifestObject | undefined, head: ManifestObject | undefined): string[] {
  if (!base || !head) return [];
  const before = project(base);
  const after = project(head);
  const delta = differ.diff(before, after);
  const lines: string[] = [];
  if (delta !== undefined) walk(delta, before, after, [], lines);
  if (lines.length <= MAX_CHANGE_LINES) return lines;
  const kept = lines.slice(0, MAX_CHANGE_LINES - 1);
  return [...kept, `… and ${lines.length - kept.length} more`];
}

// ---------------------------------------------------------------------------------------------
// Projection

interface PortView {
  name?: string;
  port?: unknown;
  protocol: string;
  nodePort?: unknown;
}
interface PathView {
  path: string;
  backend?: string;
}
interface RuleView {
  host: string;
  paths: PathView[];
}
interface TlsView {
  hosts: string[];
  secretName?: string;
}

type Projection = Record<string, unknown>;

function project(object: ManifestObject): Projection {
  const body = object.body;
  const spec = asRecord(body.spec);
  const annotations = exposureAnnotations(asRecord(asRecord(body.metadata).annotations));
  if (object.kind === "Service") {
    return compact({
      spec: compact({
        type: typeof spec.type === "string" ? spec.type : "ClusterIP",
        ports: asList(spec.ports).map(projectPort),
        loadBalancerClass: spec.loadBalancerClass,
        loadBalancerSourceRanges: strings(spec.loadBalancerSourceRanges),
        externalIPs: strings(spec.externalIPs),
        externalName: spec.externalName,
      }),
      metadata: { annotations },
    });
  }
  if (object.kind === "Ingress") {
    return compact({
      spec: compact({
        ingressClassName: spec.ingressClassName,
        defaultBackend: backendText(spec.defaultBackend ?? spec.backend),
        rules: asList(spec.rules).map(projectRule),
        tls: asList(spec.tls).map(projectTls),
      }),
      metadata: { annotations },
    });
  }
  // Kinds without a reader yet (Gateway API, Route): the whole spec, so a change still shows.
  return { spec, metadata: { annotations } };
}

function projectPort(value: unknown): PortView {
  const port = asRecord(value);
  return compact({
    name: typeof port.name === "string" ? port.name : undefined,
    port: port.port,
    protocol: typeof port.protocol === "string" ? port.protocol : "TCP",
    nodePort: port.nodePort,
  }) as unknown as PortView;
}

function projectRule(value: unknown): RuleView {
  const rule = asRecord(value);
  const paths = asList(asRecord(rule.http).paths).map((item): PathView => {
    const path = asRecord(item);
    return compact({ path: typeof path.path === "string" ? path.path : "/", backend: backendText(path.backend) }) as unknown as PathView;
  });
  return { host: typeof rule.host === "string" ? rule.host : "*", paths };
}

function projectTls(value: unknown): TlsView {
  const tls = asRecord(value);
  return compact({ hosts: strings(tls.hosts), secretName: tls.secretName }) as unknown as TlsView;
}

/** `service:port` for networking.k8s.io/v1 and the old `serviceName`/`servicePort` form. */
function backendText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const backend = asRecord(value);
  const service = asRecord(backend.service);
  if (typeof service.name === "string") {
    const port = asRecord(service.port);
    return `${service.name}:${String(port.number ?? port.name ?? "?")}`;
  }
  if (typeof backend.serviceName === "string") return `${backend.serviceName}:${String(backend.servicePort ?? "?")}`;
  const resource = asRecord(backend.resource);
  if (typeof resource.name === "string") return `${String(resource.kind ?? "resource")}/${resource.name}`;
  return JSON.stringify(value);
}

function exposureAnnotations(annotations: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(annotations)
      .filter(isExposureAnnotation)
      .sort()
      .map((name) => [name, annotations[name]]),
  );
}

// ---------------------------------------------------------------------------------------------
// Diff

/**
 * Array items are matched by what identifies them to a reviewer, so a reordered list is no
 * change and a changed item reads as one modification: a port by its name (else protocol/port),
 * an Ingress rule by host, a path by path, a TLS entry by its secret (else its hosts).
 */
function itemKey(item: object): string | undefined {
  const value = item as Record<string, unknown>;
  if ("protocol" in value) return typeof value.name === "string" ? `port:${value.name}` : `port:${String(value.protocol)}/${String(value.port)}`;
  if ("paths" in value && typeof value.host === "string") return `host:${value.host}`;
  if (typeof value.path === "string") return `path:${value.path}`;
  if ("hosts" in value) return typeof value.secretName === "string" ? `secret:${value.secretName}` : `hosts:${JSON.stringify(value.hosts)}`;
  return undefined;
}

const differ = create({
  objectHash: (item, index) => itemKey(item) ?? `index:${String(index)}`,
  arrays: { detectMove: true, includeValueOnMove: false },
});

// ---------------------------------------------------------------------------------------------
// Delta → lines

type Segment = string | { label?: string };

function walk(delta: Delta, before: unknown, after: unknown, path: Segment[], lines: string[]): void {
  if (Array.isArray(delta)) {
    lines.push(`${formatPath(path)}: ${describeLeaf(delta, path)}`);
    return;
  }
  if (delta === undefined || typeof delta !== "object") return;
  const object = delta as Record<string, Delta>;
  if ((delta as { _t?: unknown })._t === "a") {
    walkArray(object, asList(before), asList(after), path, lines);
    return;
  }
  for (const key of orderedKeys(object)) {
    walk(object[key], asRecord(before)[key], asRecord(after)[key], [...path, key], lines);
  }
}

/** Projected fields in manifest order; other keys (annotation names, unknown kinds) sort after, by name. */
const FIELD_ORDER = [
  "spec",
  "metadata",
  "type",
  "name",
  "port",
  "protocol",
  "nodePort",
  "ports",
  "loadBalancerClass",
  "loadBalancerSourceRanges",
  "externalIPs",
  "externalName",
  "ingressClassName",
  "defaultBackend",
  "rules",
  "host",
  "paths",
  "path",
  "backend",
  "tls",
  "hosts",
  "secretName",
];

function orderedKeys(delta: Record<string, Delta>): string[] {
  const rank = (key: string) => {
    const index = FIELD_ORDER.indexOf(key);
    return index === -1 ? FIELD_ORDER.length : index;
  };
  return Object.keys(delta).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function walkArray(delta: Record<string, Delta>, before: unknown[], after: unknown[], path: Segment[], lines: string[]): void {
  const removed: unknown[] = [];
  const added: unknown[] = [];
  const nested: [Delta, unknown, unknown][] = [];
  const indexes = (side: "base" | "head") =>
    Object.keys(delta)
      .filter((key) => key !== "_t" && key.startsWith("_") === (side === "base"))
      .map((key) => Number(side === "base" ? key.slice(1) : key))
      .sort((a, b) => a - b);

  for (const index of indexes("base")) {
    const entry = delta[`_${index}`];
    // [value, 0, 0] is a removal; ["", to, 3] a move, which is not an exposure change.
    if (Array.isArray(entry) && entry[2] === 0) removed.push(before[index]);
  }
  for (const index of indexes("head")) {
    const entry = delta[String(index)];
    if (Array.isArray(entry) && entry.length === 1) added.push(after[index]);
    else nested.push([entry, before[originalIndex(delta, index, before, after)], after[index]]);
  }

  const strings = [...removed, ...added].every((item) => typeof item !== "object" || item === null);
  if (strings) {
    // Lists of plain values (source ranges, IPs, TLS hosts): one line per direction.
    if (removed.length > 0) lines.push(`${formatPath(path)}: removed ${removed.map(plain).join(", ")}`);
    if (added.length > 0) lines.push(`${formatPath(path)}: added ${added.map(plain).join(", ")}`);
  } else {
    for (const item of removed) lines.push(`${formatPath([...path, { label: itemLabel(item, false) }])}: removed ${describeItem(item)}`);
    for (const item of added) lines.push(`${formatPath([...path, { label: itemLabel(item, false) }])}: added ${describeItem(item)}`);
  }
  for (const [entry, beforeItem, afterItem] of nested) {
    walk(entry, beforeItem, afterItem, [...path, { label: itemLabel(afterItem, true) }], lines);
  }
}

/** The base-side index of a head item that jsondiffpatch matched (same key), for nested deltas. */
function originalIndex(delta: Record<string, Delta>, index: number, before: unknown[], after: unknown[]): number {
  const key = typeof after[index] === "object" && after[index] !== null ? itemKey(after[index]) : undefined;
  if (key !== undefined) {
    const found = before.findIndex((item) => typeof item === "object" && item !== null && itemKey(item) === key);
    if (found >= 0) return found;
  }
  for (const [name, entry] of Object.entries(delta)) {
    if (name.startsWith("_") && Array.isArray(entry) && entry[2] === 3 && entry[1] === index) return Number(name.slice(1));
  }
  return index;
}

/**
 * How an array item is named in a path: `spec.ports[https]`, `spec.rules[shop.example.com]`.
 * An added or removed item describes itself, so an unnamed port or a TLS entry needs no label
 * there (`spec.tls: removed hosts shop.example.com`); a nested change always names its item.
 */
function itemLabel(item: unknown, nested: boolean): string | undefined {
  const value = asRecord(item);
  if ("protocol" in value) {
    if (typeof value.name === "string") return value.name;
    return nested ? `${String(value.port)}/${String(value.protocol)}` : undefined;
  }
  if ("paths" in value) return typeof value.host === "string" ? value.host : undefined;
  if (typeof value.path === "string") return nested ? value.path : undefined;
  if ("hosts" in value && nested) return typeof value.secretName === "string" ? value.secretName : strings(value.hosts).join(",");
  return undefined;
}

function describeItem(item: unknown): string {
  const value = asRecord(item);
  if ("protocol" in value) {
    const nodePort = value.nodePort === undefined ? "" : ` (nodePort ${String(value.nodePort)})`;
    return `${String(value.port)}/${String(value.protocol)}${nodePort}`;
  }
  if ("paths" in value) {
    const paths = asList(value.paths).map(describeItem);
    return paths.length > 0 ? paths.join(", ") : "(no paths)";
  }
  if (typeof value.path === "string") return value.backend === undefined ? value.path : `${value.path} → ${String(value.backend)}`;
  if ("hosts" in value) {
    const hosts = strings(value.hosts);
    return hosts.length > 0 ? `hosts ${hosts.join(", ")}` : "entry for the catch-all host";
  }
  return JSON.stringify(item);
}

function describeLeaf(delta: unknown[], path: Segment[]): string {
  const quote = isAnnotationPath(path) ? (value: unknown) => JSON.stringify(value) : plain;
  if (delta.length === 1) return `added ${quote(delta[0])}`;
  if (delta.length === 3 && delta[1] === 0 && delta[2] === 0) return `removed (was ${quote(delta[0])})`;
  return `${quote(delta[0])} → ${quote(delta[1])}`;
}

function isAnnotationPath(path: Segment[]): boolean {
  return path[0] === "metadata" && path[1] === "annotations";
}

function formatPath(path: Segment[]): string {
  let text = "";
  path.forEach((segment, position) => {
    if (typeof segment !== "string") {
      if (segment.label !== undefined) text += `[${segment.label}]`;
    } else if (position === 2 && isAnnotationPath(path)) text += `[${JSON.stringify(segment)}]`;
    else text += `${text === "" ? "" : "."}${segment}`;
  });
  return text;
}

function plain(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(plain).join(", ");
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------

function strings(value: unknown): string[] {
  return asList(value).map((item) => String(item));
}

/** Drops undefined fields, so an absent field and one never projected compare equal. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
