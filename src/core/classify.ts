/**
 * The classification of a changed object, CONTRACT.md "Classification of a changed object": the first
 * row of removed → public → internal → widened → narrowed → unchanged that matches. Levels compare by
 * rank; at an equal level above `cluster`, the surface (entry points, their TLS, the allow-list) decides,
 * and growth wins over shrinkage.
 */
import { coverageContains, isRestrictive } from "./cidr.js";
import type { AllowList, Classification, EntryPoint, Reach } from "./model.js";
import { levelRank } from "./model.js";

/**
 * How the allow-list changed, by the addresses it admits (not by its text):
 * - `same`: admits the same addresses (also: none ↔ an open list, since both admit everyone);
 * - `added` / `removed`: a restricting list appeared / disappeared;
 * - `tightened` / `loosened`: it admits a strict subset / superset (`10.0.0.0/16` → `10.0.0.0/8` loosens);
 * - `changed`: some addresses gained and some lost.
 */
export type AllowListChange = "same" | "added" | "removed" | "loosened" | "tightened" | "changed";

export interface SurfaceChange {
  /** Head entry points whose key the base side does not have. */
  added: EntryPoint[];
  /** Base entry points whose key the head side does not have. */
  removed: EntryPoint[];
  /** Head entry points that had TLS on the base side and have none now. */
  tlsRemoved: EntryPoint[];
  /** Head entry points that had no TLS on the base side and have it now. */
  tlsAdded: EntryPoint[];
  allowList: AllowListChange;
}

/**
 * An entry point key has TLS only when every entry point with that key has it; a key whose TLS cannot
 * be known (a route on a Gateway outside the tree) is left out of the TLS comparison.
 */
function tlsByKey(entryPoints: readonly EntryPoint[]): Map<string, boolean> {
  const tls = new Map<string, boolean>();
  for (const entryPoint of entryPoints) tls.set(entryPoint.key, (tls.get(entryPoint.key) ?? true) && entryPoint.tls);
  return tls;
}

function keysOfUnknownTls(entryPoints: readonly EntryPoint[]): Set<string> {
  return new Set(entryPoints.filter((entryPoint) => entryPoint.tlsUnknown).map((entryPoint) => entryPoint.key));
}

/** The binding of each key (a listener's protocol, port and host name), where entry points carry one. */
function bindingByKey(entryPoints: readonly EntryPoint[]): Map<string, string> {
  const bindings = new Map<string, string>();
  for (const entryPoint of entryPoints) if (entryPoint.binding !== undefined && !bindings.has(entryPoint.key)) bindings.set(entryPoint.key, entryPoint.binding);
  return bindings;
}

/** The CIDRs a list restricts to; undefined when it admits everyone (absent, open, or nothing readable). */
function restriction(allowList: AllowList | undefined): string[] | undefined {
  return allowList && isRestrictive(allowList.cidrs) ? allowList.cidrs : undefined;
}

function compareAllowList(base: AllowList | undefined, head: AllowList | undefined): AllowListChange {
  const before = restriction(base);
  const after = restriction(head);
  if (before === undefined && after === undefined) return "same";
  // A restricting list that becomes an open one still exists: that loosens it; one that goes away is removed.
  if (before === undefined) return base ? "tightened" : "added";
  if (after === undefined) return head ? "loosened" : "removed";
  const headWithinBase = coverageContains(before, after);
  const baseWithinHead = coverageContains(after, before);
  if (headWithinBase && baseWithinHead) return "same";
  if (headWithinBase) return "tightened";
  if (baseWithinHead) return "loosened";
  return "changed";
}

/**
 * What changed in the surface between two sides; an absent side has no surface. Entry points match by
 * key; a key that appears twice on one side (the same port listed twice) counts once.
 */
export function compareSurface(base: Reach | undefined, head: Reach | undefined): SurfaceChange {
  const baseEntryPoints = base?.entryPoints ?? [];
  const headEntryPoints = head?.entryPoints ?? [];
  const baseTls = tlsByKey(baseEntryPoints);
  const headTls = tlsByKey(headEntryPoints);
  const firstOfKey = (entryPoints: readonly EntryPoint[]) =>
    entryPoints.filter((entryPoint, index) => entryPoints.findIndex((other) => other.key === entryPoint.key) === index);
  const headUnique = firstOfKey(headEntryPoints);
  const unknownTls = new Set([...keysOfUnknownTls(baseEntryPoints), ...keysOfUnknownTls(headEntryPoints)]);
  const tlsKnown = (entryPoint: EntryPoint) => !unknownTls.has(entryPoint.key);
  // A listener keeps its name (the key) and binds another port or host name: what it accepted before is
  // gone and what it accepts now is new, as when a port is swapped.
  const baseBinding = bindingByKey(baseEntryPoints);
  const headBinding = bindingByKey(headEntryPoints);
  const rebound = (entryPoint: EntryPoint) =>
    baseBinding.has(entryPoint.key) && headBinding.has(entryPoint.key) && baseBinding.get(entryPoint.key) !== headBinding.get(entryPoint.key);
  return {
    added: headUnique.filter((entryPoint) => !baseTls.has(entryPoint.key) || rebound(entryPoint)),
    removed: firstOfKey(baseEntryPoints).filter((entryPoint) => !headTls.has(entryPoint.key) || rebound(entryPoint)),
    tlsRemoved: headUnique.filter(
      (entryPoint) => tlsKnown(entryPoint) && baseTls.get(entryPoint.key) === true && headTls.get(entryPoint.key) === false,
    ),
    tlsAdded: headUnique.filter(
      (entryPoint) => tlsKnown(entryPoint) && baseTls.get(entryPoint.key) === false && headTls.get(entryPoint.key) === true,
    ),
    allowList: compareAllowList(base?.allowList, head?.allowList),
  };
}

/** Growth: an entry point added, TLS removed, an allow-list loosened, removed, or changed (it admits someone new). */
export function surfaceGrew(change: SurfaceChange): boolean {
  return (
    change.added.length > 0 ||
    change.tlsRemoved.length > 0 ||
    change.allowList === "loosened" ||
    change.allowList === "removed" ||
    change.allowList === "changed"
  );
}

/** Shrinkage: an entry point removed, TLS added, an allow-list added or tightened. */
export function surfaceShrank(change: SurfaceChange): boolean {
  return (
    change.removed.length > 0 ||
    change.tlsAdded.length > 0 ||
    change.allowList === "added" ||
    change.allowList === "tightened" ||
    change.allowList === "changed"
  );
}

/**
 * Classifies a change of one object; `undefined` is the object absent on that side (level `none`).
 * Both sides absent is not a change and reads as `unchanged`.
 */
export function classify(base: Reach | undefined, head: Reach | undefined): Classification {
  if (!head) return base ? "removed" : "unchanged";
  const baseRank = levelRank(base?.level ?? "none");
  const headRank = levelRank(head.level);
  const clusterRank = levelRank("cluster");
  if (head.level === "public" && base?.level !== "public") return "public";
  if (head.level === "cluster" && (!base || baseRank > clusterRank)) return "internal";
  if (headRank > baseRank) return "widened";
  if (headRank < baseRank) return "narrowed";
  // Same level. At `cluster` nothing outside the cluster can tell the difference.
  if (headRank <= clusterRank) return "unchanged";
  const change = compareSurface(base, head);
  if (surfaceGrew(change)) return "widened";
  if (surfaceShrank(change)) return "narrowed";
  return "unchanged";
}
