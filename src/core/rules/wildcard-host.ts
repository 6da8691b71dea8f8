import type { RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { entryLevel, objectLabel } from "./helpers.js";
import { isHttpEntryPoint, routeTerms } from "./terms.js";

export const messages = {
  catchAll: ({ object }: { object: string }) =>
    `${object} has a catch-all entry point (a rule without host, or a default backend): it answers requests for any host name sent to its public address.`,
  /** Route kinds other than Ingress: a route without host. */
  catchAllRoute: ({ object }: { object: string }) =>
    `${object} has a catch-all entry point (no host): it answers requests for any host name sent to its public address.`,
  wildcardHost: ({ object, host }: { object: string; host: string }) =>
    `${object} serves the wildcard host ${host} to the internet: every subdomain reaches its backends, including ones nobody has reviewed.`,
  routeCatchAll: ({ object, gateway }: { object: string; gateway: string }) =>
    `${object} names no hostnames and is attached to a listener of Gateway ${gateway} without a hostname: it answers requests for any host name sent to that public address.`,
};

const ingressRecommendation =
  "Name each public host explicitly in spec.rules[].host and drop the default backend, so only reviewed host names reach the Service. Wildcards also widen what a single certificate and DNS record expose.";
const gatewayRouteRecommendation =
  "List the public host names in the route's spec.hostnames (or attach it to a listener with a `hostname`), without wildcards, so only reviewed names reach its backends.";
const recommendation = `${ingressRecommendation} For a Gateway API route: ${gatewayRouteRecommendation}`;

export default defineRule({
  id: "wildcard-host",
  defaultSeverity: "warning",
  title: "Public Ingress or route with a catch-all or wildcard host",
  recommendation,
  docsUrl: docsUrlFor("wildcard-host"),
  scope: "state",
  check({ head: { object, reach } }) {
    const label = objectLabel(object);
    const isIngress = object.kind === "Ingress";
    const fix = isIngress ? recommendation : routeTerms(object)?.hostFix || recommendation;
    const findings: RawFinding[] = [];
    // Istio, Traefik and OpenShift kinds name the fix in their own terms (terms.ts).
    const terms = routeTerms(object);
    // One finding per host, at its first entry point: several paths of one host are one decision. A
    // Gateway's listeners are not routes (it serves nothing by itself), and TCP / UDP route no host.
    const seen = new Set<string>();
    for (const entryPoint of reach.entryPoints) {
      const host = entryPoint.host;
      if (entryPoint.kind !== "route" || host === undefined || entryLevel(entryPoint, reach.level) !== "public") continue;
      // A route that only redirects to https sends every host name to its https URL and serves nothing.
      if (entryPoint.redirectOnly) continue;
      // TCP and UDP routes carry no HTTP host (CONTRACT.md: wildcard-host is about HTTP).
      if (!isHttpEntryPoint(entryPoint)) continue;
      if (host !== "*" && !host.startsWith("*.")) continue;
      const key = `${entryPoint.gateway ?? ""} ${host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const onGateway = entryPoint.gateway;
      const message =
        host !== "*"
          ? messages.wildcardHost({ object: label, host })
          : onGateway !== undefined
            ? messages.routeCatchAll({ object: label, gateway: onGateway })
            : terms !== undefined
              ? messages.catchAllRoute({ object: label })
              : messages.catchAll({ object: label });
      findings.push({
        rule: "wildcard-host",
        line: entryPoint.line,
        entryPoint: key,
        message,
        recommendation: onGateway !== undefined ? gatewayRouteRecommendation : terms?.hostFix || ingressRecommendation,
      });
    }
    return findings;
  },
});
