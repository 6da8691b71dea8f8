import type { ObjectSide, RawFinding, RuleId, Severity } from "../model.js";

/** Where the rule docs live; SARIF `helpUri`, check annotations and the markdown summary link here. */
export const DOCS_BASE_URL = "https://github.com/exposure-review/exposure-review/blob/main/docs/rules";

export function docsUrlFor(id: RuleId): string {
  return `${DOCS_BASE_URL}/${id}.md`;
}

/** What a rule sees of one object. */
export interface RuleContext {
  /** The side being judged (the head side of an added or modified object). */
  head: ObjectSide;
  /**
   * The other side, for rules about the change itself. Undefined for an added object, and when
   * the review evaluates a `state` rule on the base side to decide whether a finding is new.
   */
  base?: ObjectSide;
}

/**
 * One exposure rule. A rule returns raw findings only: severity, suppressions and the `new` flag
 * are decided once, in review.ts, so no rule reads config.
 */
export interface Rule {
  id: RuleId;
  defaultSeverity: Severity;
  /** One line, used as the SARIF short description and the annotation title. */
  title: string;
  /** Why it matters and the safe default, used as help text (SARIF `help`, docs lead). */
  recommendation: string;
  docsUrl: string;
  /**
   * `state`: fires from one side alone, so `new` is decided by running it on the base side too.
   * `change`: fires on a difference between the sides (TLS dropped, a new target), always new.
   */
  scope: "state" | "change";
  check(context: RuleContext): RawFinding[];
}

/** Identity helper that keeps each rule file's object literal typed against `Rule`. */
export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
