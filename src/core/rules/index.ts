/**
 * The rule catalog: every rule, in CONTRACT.md order, in one explicit list. Adding a rule means a
 * file in this folder, a line here, a docs page and a fixture (test/core/catalog.test.ts checks all four).
 */
import type { RuleId } from "../model.js";
import externalIps from "./external-ips.js";
import externalname from "./externalname.js";
import gatewayRoutesFromAllNamespaces from "./gateway-routes-from-all-namespaces.js";
import ingressClassMissing from "./ingress-class-missing.js";
import nodeport from "./nodeport.js";
import openSourceRange from "./open-source-range.js";
import publicLoadbalancer from "./public-loadbalancer.js";
import publicWithoutTls from "./public-without-tls.js";
import type { Rule } from "./rule.js";
import sensitivePortExposed from "./sensitive-port-exposed.js";
import tlsRemoved from "./tls-removed.js";
import wildcardHost from "./wildcard-host.js";

export const RULES: readonly Rule[] = [
  nodeport,
  publicLoadbalancer,
  publicWithoutTls,
  tlsRemoved,
  sensitivePortExposed,
  externalIps,
  openSourceRange,
  wildcardHost,
  ingressClassMissing,
  externalname,
  gatewayRoutesFromAllNamespaces,
];

/**
 * Indexes rules by id, refusing duplicates: two rules with one id would make config severities
 * and suppressions ambiguous, so that is a load-time error, not a silent override.
 */
export function indexRules(rules: readonly Rule[]): ReadonlyMap<RuleId, Rule> {
  const byId = new Map<RuleId, Rule>();
  for (const rule of rules) {
    if (byId.has(rule.id)) throw new Error(`Duplicate rule id "${rule.id}" in the rule catalog`);
    byId.set(rule.id, rule);
  }
  return byId;
}

const RULES_BY_ID = indexRules(RULES);

export function ruleById(id: RuleId): Rule {
  const rule = RULES_BY_ID.get(id);
  if (!rule) throw new Error(`No rule with id "${id}" in the rule catalog`);
  return rule;
}
