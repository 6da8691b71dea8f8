import type { RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { entryLevel, entryPointLabel, objectLabel } from "./helpers.js";

export const messages = {
  routesFromAll: ({ object, listener }: { object: string; listener: string }) =>
    `${object} accepts routes from all namespaces on public ${listener}: any team that can create an HTTPRoute anywhere in the cluster can publish a host on it.`,
};

const recommendation =
  "Limit who can attach: `allowedRoutes.namespaces.from: Same`, or `from: Selector` with a label that only the namespaces allowed to publish carry (e.g. `matchLabels: {shared-gateway-access: \"true\"}`), so publishing on the internet-facing Gateway stays a reviewed decision.";

export default defineRule({
  id: "gateway-routes-from-all-namespaces",
  defaultSeverity: "warning",
  title: "Public Gateway listener accepts routes from all namespaces",
  recommendation,
  docsUrl: docsUrlFor("gateway-routes-from-all-namespaces"),
  scope: "state",
  check({ head: { object, reach } }) {
    const label = objectLabel(object);
    const findings: RawFinding[] = [];
    for (const entryPoint of reach.entryPoints) {
      if (entryPoint.routesFrom?.from !== "All" || entryLevel(entryPoint, reach.level) !== "public") continue;
      findings.push({
        rule: "gateway-routes-from-all-namespaces",
        line: entryPoint.routesFrom.line,
        entryPoint: entryPoint.key,
        message: messages.routesFromAll({ object: label, listener: entryPointLabel(entryPoint) }),
        recommendation,
      });
    }
    return findings;
  },
});
