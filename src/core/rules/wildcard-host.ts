import type { RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { objectLabel } from "./helpers.js";
import { isHttpEntryPoint, routeTerms } from "./terms.js";

export const messages = {
  catchAll: ({ object }: { object: string }) =>
    `${object} has a catch-all entry point (a rule without host, or a default backend): it answers requests for any host name sent to its public address.`,
  /** Route kinds other than Ingress: a route without host. */
  catchAllRoute: ({ object }: { object: string }) =>
    `${object} has a catch-all entry point (no host): it answers requests for any host name sent to its public address.`,
  wildcardHost: ({ object, host }: { object: string; host: string }) =>
    `${object} serves the wildcard host ${host} to the internet: every subdomain reaches its backends, including ones nobody has reviewed.`,
};

const recommendation =
  "Name each public host explicitly in spec.rules[].host and drop the default backend, so only reviewed host names reach the Service. Wildcards also widen what a single certificate and DNS record expose.";

export default defineRule({
  id: "wildcard-host",
  defaultSeverity: "warning",
  title: "Public route with a catch-all or wildcard host",
  recommendation,
  docsUrl: docsUrlFor("wildcard-host"),
  scope: "state",
  check({ head: { object, reach } }) {
    // A Gateway serves nothing by itself: its routes name the hosts (CONTRACT.md).
    if (object.kind === "Service" || object.kind === "Gateway" || reach.level !== "public") return [];
    const label = objectLabel(object);
    const isIngress = object.kind === "Ingress";
    const fix = isIngress ? recommendation : routeTerms(object)?.hostFix || recommendation;
    const findings: RawFinding[] = [];
    // One finding per host, at its first entry point: several paths of one host are one decision.
    const seen = new Set<string>();
    for (const entryPoint of reach.entryPoints) {
      const host = entryPoint.host;
      if (entryPoint.kind !== "route" || host === undefined || seen.has(host) || !isHttpEntryPoint(entryPoint)) continue;
      if (host !== "*" && !host.startsWith("*.")) continue;
      seen.add(host);
      findings.push({
        rule: "wildcard-host",
        line: entryPoint.line,
        message:
          host !== "*"
            ? messages.wildcardHost({ object: label, host })
            : isIngress
              ? messages.catchAll({ object: label })
              : messages.catchAllRoute({ object: label }),
        recommendation: fix,
      });
    }
    return findings;
  },
});
