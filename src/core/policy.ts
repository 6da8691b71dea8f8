/**
 * Suppressions: the one place that decides whether a finding is accepted, from the config's
 * `suppressions` or the object's own `exposure-review.io/allow` annotation. A suppressed finding is
 * kept, with its reason, so reviewers still see what was accepted and why.
 */
import type { Config, Suppression } from "../config/schema.js";
import type { Finding, ManifestObject, SuppressedFinding } from "./model.js";

export const ALLOW_ANNOTATION = "exposure-review.io/allow";

interface Allowance {
  rules: Set<string>;
  reason: string;
  by: SuppressedFinding["by"];
}

/**
 * Splits `findings` of the head `object` into kept and suppressed. `baseObject` is the same object before
 * the change, to tell an annotation the change itself adds from one that was already there.
 */
export function applyPolicy(
  findings: Finding[],
  object: ManifestObject,
  config: Config,
  baseObject?: ManifestObject,
): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const allowances = [
    ...config.suppressions.filter((s) => objectMatches(s.object, object)).map(fromConfig),
    ...fromAnnotation(object),
  ];
  if (allowances.length === 0) return { findings, suppressed: [] };
  const allowedBefore = baseObject ? fromAnnotation(baseObject) : [];
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of findings) {
    const allowance = allowances.find((a) => allows(a, finding.rule));
    if (!allowance) {
      kept.push(finding);
      continue;
    }
    const entry: SuppressedFinding = { ...finding, reason: allowance.reason, by: allowance.by };
    if (allowance.by === "annotation") {
      entry.suppressedAt = object.rangeOf(["metadata", "annotations", ALLOW_ANNOTATION]).line;
      if (!allowedBefore.some((before) => allows(before, finding.rule))) {
        entry.addedByChange = true;
        // A pull request must not be able to wave its own finding through when the repository says so.
        if (config.conclusion.addedSuppressions === "count") entry.counted = true;
      }
    }
    suppressed.push(entry);
  }
  return { findings: kept, suppressed };
}

function allows(allowance: Allowance, rule: string): boolean {
  return allowance.rules.has("*") || allowance.rules.has(rule);
}

function fromConfig(suppression: Suppression): Allowance {
  return { rules: new Set([suppression.rule]), reason: suppression.reason, by: "config" };
}

/**
 * `exposure-review.io/allow: "public-loadbalancer,nodeport: Fronted by the CDN; SEC-142"`.
 * Only the first colon separates: reasons often contain colons (ticket ids, URLs).
 */
export function fromAnnotation(object: ManifestObject): Allowance[] {
  const metadata = object.body.metadata as { annotations?: Record<string, unknown> } | undefined;
  const value = metadata?.annotations?.[ALLOW_ANNOTATION];
  if (typeof value !== "string") return [];
  const colon = value.indexOf(":");
  const ruleList = colon >= 0 ? value.slice(0, colon) : value;
  const reason = colon >= 0 ? value.slice(colon + 1).trim() : "";
  const rules = new Set(
    ruleList
      .split(",")
      .map((rule) => rule.trim())
      .filter(Boolean),
  );
  if (rules.size === 0) return [];
  return [{ rules, reason: reason || `no reason given in ${ALLOW_ANNOTATION}`, by: "annotation" }];
}

/** `Kind/namespace/name` where `*` matches any run of characters within one part. */
export function objectMatches(pattern: string, object: Pick<ManifestObject, "kind" | "namespace" | "name">): boolean {
  const parts = pattern.split("/");
  const values = [object.kind, object.namespace, object.name];
  return parts.length === 3 && parts.every((part, i) => globPart(part).test(values[i]!));
}

function globPart(part: string): RegExp {
  const escaped = part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}
