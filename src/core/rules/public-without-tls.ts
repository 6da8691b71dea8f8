import type { EntryPoint, Fix, ManifestObject, RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { appendSequenceItem, entryPointLabel, objectLabel } from "./helpers.js";
import { isHttpEntryPoint, routeTerms } from "./terms.js";

export const messages = {
  routeWithoutTls: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} serves ${entryPoint} to the internet without TLS: no spec.tls entry covers this host.`,
  /** Route kinds other than Ingress: `why` says what is missing in the kind's own terms. */
  entryPointWithoutTls: ({ object, entryPoint, why }: { object: string; entryPoint: string; why: string }) =>
    `${object} serves ${entryPoint} to the internet without TLS: ${why}.`,
  plainHttpPort: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} serves plain HTTP on ${entryPoint} to the internet: no TLS certificate is configured for this port.`,
  routeHeadline: ({ entryPoint }: { entryPoint: string }) => `${entryPoint} public without TLS`,
  portHeadline: ({ entryPoint }: { entryPoint: string }) => `plain HTTP on ${entryPoint} public`,
};

const routeRecommendation =
  "Terminate TLS for every public host: list the host under a spec.tls entry with a certificate secret (cert-manager can issue it), and redirect plain HTTP to HTTPS.";
const loadBalancerRecommendation =
  "Serve HTTPS on 443 with your cloud's certificate annotation (e.g. aws-load-balancer-ssl-cert), or make this Service ClusterIP behind an Ingress that terminates TLS.";
const recommendation = `${routeRecommendation} For a LoadBalancer: ${loadBalancerRecommendation}`;

/** Plain-HTTP ports of a LoadBalancer, per CONTRACT.md: `port` 80 or 8080, or a port named `http`. */
function isPlainHttpPort(entryPoint: EntryPoint): boolean {
  const port = entryPoint.servicePort ?? entryPoint.port;
  return port === 80 || port === 8080 || entryPoint.portName?.toLowerCase() === "http";
}

interface TlsEntry {
  hosts?: unknown;
}

/**
 * Adds `host` to the first `spec.tls` entry that already lists hosts, after its last host. With no
 * such entry there is no one-line fix: a new entry needs a secret name only the author knows.
 */
function addHostToTls(object: ManifestObject, host: string): Fix | undefined {
  const tls = (object.body.spec as { tls?: unknown } | undefined)?.tls;
  if (!Array.isArray(tls)) return undefined;
  const index = tls.findIndex((entry: TlsEntry | null) => Array.isArray(entry?.hosts) && entry.hosts.length > 0);
  if (index < 0) return undefined;
  const hosts = (tls[index] as { hosts: unknown[] }).hosts;
  const last = hosts[hosts.length - 1];
  if (typeof last !== "string") return undefined;
  const line = object.rangeOf(["spec", "tls", index, "hosts", hosts.length - 1]).line;
  return appendSequenceItem(object, line, last, host);
}

export default defineRule({
  id: "public-without-tls",
  defaultSeverity: "failure",
  title: "Public entry point without TLS",
  recommendation,
  docsUrl: docsUrlFor("public-without-tls"),
  scope: "state",
  check({ head: { object, reach } }) {
    if (reach.level !== "public") return [];
    const label = objectLabel(object);
    const findings: RawFinding[] = [];
    if (object.kind === "Ingress") {
      const fixedHosts = new Set<string>();
      for (const entryPoint of reach.entryPoints) {
        if (entryPoint.kind !== "route" || entryPoint.tls) continue;
        const finding: RawFinding = {
          rule: "public-without-tls",
          line: entryPoint.line,
          message: messages.routeWithoutTls({ object: label, entryPoint: entryPointLabel(entryPoint) }),
          headline: messages.routeHeadline({ entryPoint: entryPointLabel(entryPoint) }),
          recommendation: routeRecommendation,
        };
        // The catch-all cannot be listed in spec.tls by name; and one suggestion per host is
        // enough (several paths of one host share the same fix).
        const host = entryPoint.host;
        if (host && host !== "*" && !fixedHosts.has(host)) {
          fixedHosts.add(host);
          const fix = addHostToTls(object, host);
          if (fix) finding.fix = fix;
        }
        findings.push(finding);
      }
    } else if (object.kind !== "Service") {
      // Gateways, routes and the other route kinds: HTTP entry points only (TCP, UDP and TLS
      // passthrough are not about HTTP), and never one whose serving Gateway is outside the tree.
      const terms = routeTerms(object);
      for (const entryPoint of reach.entryPoints) {
        if (entryPoint.tls || entryPoint.tlsUnknown || !isHttpEntryPoint(entryPoint)) continue;
        findings.push({
          rule: "public-without-tls",
          line: entryPoint.line,
          message: messages.entryPointWithoutTls({
            object: label,
            entryPoint: entryPointLabel(entryPoint),
            why: terms?.noTls ?? "no TLS is configured for it",
          }),
          recommendation: terms?.tlsFix ?? routeRecommendation,
        });
      }
    } else if (reach.serviceType === "LoadBalancer") {
      for (const entryPoint of reach.entryPoints) {
        if (entryPoint.kind !== "port" || entryPoint.tls || !isPlainHttpPort(entryPoint)) continue;
        findings.push({
          rule: "public-without-tls",
          line: entryPoint.line,
          message: messages.plainHttpPort({ object: label, entryPoint: entryPointLabel(entryPoint) }),
          headline: messages.portHeadline({ entryPoint: entryPointLabel(entryPoint) }),
          recommendation: loadBalancerRecommendation,
        });
      }
    }
    return findings;
  },
});
