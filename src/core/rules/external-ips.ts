import { defineRule, docsUrlFor } from "./rule.js";
import { coveredThrough, objectLabel } from "./helpers.js";

export const messages = {
  externalIps: ({ object, addresses }: { object: string; addresses: readonly string[] }) =>
    `${object} sets spec.externalIPs (${addresses.join(", ")}): every node accepts traffic for ${addresses.length === 1 ? "that address" : "those addresses"} and forwards it to the Service.`,
};

const recommendation =
  "Remove spec.externalIPs and expose the Service through an Ingress or a LoadBalancer. Any user who can set externalIPs can intercept traffic for those addresses (CVE-2020-8554); most clusters should block the field with an admission policy.";

export default defineRule({
  id: "external-ips",
  defaultSeverity: "warning",
  title: "Service sets externalIPs",
  recommendation,
  docsUrl: docsUrlFor("external-ips"),
  scope: "state",
  check({ head: { object, reach } }) {
    if (object.kind !== "Service") return [];
    const externalIPs = (object.body.spec as { externalIPs?: unknown } | undefined)?.externalIPs;
    if (!Array.isArray(externalIPs) || externalIPs.length === 0) return [];
    return [
      {
        rule: "external-ips",
        line: object.rangeOf(["spec", "externalIPs"]).line,
        message: messages.externalIps({ object: objectLabel(object), addresses: externalIPs.map(String) }),
        recommendation,
        // Each port on each address: a new address, or a port added behind old ones, is new.
        covers: coveredThrough(externalIPs.map(String), reach.entryPoints, (address, port) => `${port} on ${address}`),
      },
    ];
  },
});
