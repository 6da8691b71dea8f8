/**
 * Label maps and equality selectors, as Kubernetes compares them: a selector matches labels that hold
 * every one of its key/value pairs. Used where one object picks others by label (a Service's pods, an
 * Istio Gateway's ingress gateway pods).
 */
import { asRecord } from "./fields.js";

export type Labels = Readonly<Record<string, string>>;

/**
 * A label map read from a manifest value. The API accepts only strings, but an unquoted `true` or `8080`
 * is what its author meant, so scalars are read as their text; anything else is dropped.
 */
export function readLabels(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, raw] of Object.entries(asRecord(value))) {
    if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") labels[key] = String(raw);
  }
  return labels;
}

/** True when `labels` holds every pair of `selector`. An empty selector matches nothing: it selects no one on purpose. */
export function selectorMatches(selector: Labels, labels: Labels): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
}

/** `istio=ingressgateway, app=edge`: a selector as reviewers read it. */
export function labelsText(labels: Labels): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");
}
