/**
 * One order of importance for every face: what a reviewer must read first comes first. New before already
 * present, then failure, warning, notice, then by line (and rule id, so the order is total).
 */
import type { Finding, Severity } from "../core/model.js";

export const SEVERITY_RANK: Record<Severity, number> = { failure: 0, warning: 1, notice: 2 };

export function byImportance(a: Finding, b: Finding): number {
  return (
    Number(!a.new) - Number(!b.new) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Number(a.side === "base") - Number(b.side === "base") ||
    a.line - b.line ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** A sorted copy, most important first. */
export function worstFirst<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(byImportance);
}
