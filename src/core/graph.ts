/**
 * The objects of one side of the change, indexed so that a reach reader can resolve what an object
 * refers to: the Gateways a route attaches to, the Namespace whose labels a listener's selector reads,
 * the Services and workloads behind a route. One index per side, built once per review from the
 * reviewed files and the side's context files (files read only to resolve references), every kind
 * included, not only the exposure kinds.
 */
import type { ManifestObject } from "./model.js";
import { apiGroup } from "./objects.js";

export interface ObjectIndex {
  /**
   * The object of `kind` named `namespace/name` on this side, in API group `group` when given (a
   * Gateway API `Gateway` is not an Istio `Gateway`). The first one read wins: reviewed files come
   * before context files. Cluster-scoped objects (Namespace) are indexed under `default`, as the
   * parser names an object without namespace.
   */
  find(kind: string, namespace: string, name: string, group?: string): ManifestObject | undefined;
  /** Every object of `kind` (in `group` when given) on this side, in the order read. */
  ofKind(kind: string, group?: string): readonly ManifestObject[];
  /**
   * Per-side derived data, computed once on first use (which routes name which Gateway, for one), so a
   * reader that needs a reverse lookup does not scan the side for every object it reads.
   */
  memo<T>(key: string, compute: (index: ObjectIndex) => T): T;
}

function nameKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Builds the index of one side; objects earlier in `objects` win over later ones of the same identity. */
export function buildObjectIndex(objects: Iterable<ManifestObject>): ObjectIndex {
  const byName = new Map<string, ManifestObject[]>();
  const byKind = new Map<string, ManifestObject[]>();
  for (const object of objects) {
    const key = nameKey(object.kind, object.namespace, object.name);
    const named = byName.get(key);
    if (named) named.push(object);
    else byName.set(key, [object]);
    const ofKind = byKind.get(object.kind);
    if (ofKind) ofKind.push(object);
    else byKind.set(object.kind, [object]);
  }
  const memos = new Map<string, unknown>();
  const index: ObjectIndex = {
    find(kind, namespace, name, group) {
      const named = byName.get(nameKey(kind, namespace, name));
      if (!named) return undefined;
      return group === undefined ? named[0] : named.find((object) => apiGroup(object.apiVersion) === group);
    },
    ofKind(kind, group) {
      const all = byKind.get(kind) ?? [];
      return group === undefined ? all : all.filter((object) => apiGroup(object.apiVersion) === group);
    },
    memo<T>(key: string, compute: (index: ObjectIndex) => T): T {
      if (memos.has(key)) return memos.get(key) as T;
      const value = compute(index);
      memos.set(key, value);
      return value;
    },
  };
  return index;
}

/** A side with nothing to resolve against (a reader called on one object alone, in tests or tools). */
export const EMPTY_INDEX: ObjectIndex = buildObjectIndex([]);

/** The labels of Namespace `name` when the side holds that Namespace object; undefined when it does not. */
export function namespaceLabels(index: ObjectIndex, name: string): Record<string, string> | undefined {
  const namespace = index.find("Namespace", "default", name, "");
  if (!namespace) return undefined;
  const metadata = namespace.body["metadata"];
  const raw = metadata !== null && typeof metadata === "object" ? (metadata as Record<string, unknown>)["labels"] : undefined;
  const labels: Record<string, string> = { "kubernetes.io/metadata.name": name };
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") labels[key] = String(value);
    }
  }
  return labels;
}
