/**
 * When a conclusion makes a command fail (`--fail-on`, the Action's `fail-on` input). Shared by the faces
 * so the CLI, the pre-commit hook and the Action stop on the same results.
 */
import type { Conclusion } from "./model.js";

export const FAIL_ON = ["failure", "warning", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * `failure`: a failure conclusion fails (the contract's exit 1). `warning`: neutral too, which is what
 * counted warnings (or a head-side file that could not be read) give. `never`: report only.
 */
export function failsOn(conclusion: Conclusion, failOn: FailOn): boolean {
  if (failOn === "never") return false;
  return conclusion === "failure" || (failOn === "warning" && conclusion === "neutral");
}
