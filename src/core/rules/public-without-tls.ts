import type { EntryPoint, Fix, ManifestObject, RawFinding, Reach } from "../model.js";
import { annotationsOf } from "../fields.js";
import { AWS_SSL_CERT_ANNOTATION, AWS_SSL_PORTS_ANNOTATION, DO_CERTIFICATE_ANNOTATION, DO_TLS_PORTS_ANNOTATION } from "../reach/service.js";
import { internalAnnotationFor } from "./public-loadbalancer.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { appendSequenceItem, entryLevel, entryPointLabel, objectLabel } from "./helpers.js";
import { isHttpEntryPoint, routeTerms } from "./terms.js";

export const messages = {
  routeWithoutTls: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} serves ${entryPoint} to the internet without TLS: no spec.tls entry covers this host.`,
  /** Route kinds other than Ingress: `why` says what is missing in the kind's own terms. */
  entryPointWithoutTls: ({ object, entryPoint, why }: { object: string; entryPoint: string; why: string }) =>
    `${object} serves ${entryPoint} to the internet without TLS: ${why}.`,
  plainHttpPort: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} serves plain HTTP on ${entryPoint} to the internet: no TLS certificate is configured for this port.`,
  gatewayRouteWithoutTls: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} serves ${entryPoint} to the internet without TLS: that listener speaks plain HTTP.`,
  plainHttpListener: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} has ${entryPoint} open to the internet in plain HTTP: every route attached to it serves content without TLS.`,
  routeHeadline: ({ entryPoint }: { entryPoint: string }) => `${entryPoint} public without TLS`,
  portHeadline: ({ entryPoint }: { entryPoint: string }) => `plain HTTP on ${entryPoint} public`,
};

const routeRecommendation =
  "Terminate TLS for every public host: list the host under a spec.tls entry with a certificate secret (cert-manager can issue it), and redirect plain HTTP to HTTPS.";
/** A rule without host (or the default backend) has no name to list under spec.tls. */
const catchAllRecommendation =
  "Terminate TLS on the catch-all too: add a spec.tls entry without hosts and with a certificate secret (it serves every name the rules do not list), or give this rule a host and list that host under spec.tls. Redirect plain HTTP to HTTPS.";
const loadBalancerRecommendation =
  "Serve HTTPS on 443 with your cloud's certificate annotation (e.g. aws-load-balancer-ssl-cert), or make this Service ClusterIP behind an Ingress that terminates TLS.";
/**
 * The plain-HTTP port fix in the terms of the load balancer's own cloud, when its annotations name one that
 * terminates TLS by annotation (AWS, DigitalOcean): set the certificate, or, when it has one, list this port
 * among its TLS ports. Other clouds (GKE, Azure) terminate no TLS on a Service: the generic advice stands.
 */
function loadBalancerRecommendationFor(object: ManifestObject): string {
  const annotations = annotationsOf(object);
  const ingress = "or make this Service ClusterIP behind an Ingress that terminates TLS.";
  const clouds = [
    {
      isIt: internalAnnotationFor(object)?.cloud.startsWith("AWS") ?? false,
      certificate: AWS_SSL_CERT_ANNOTATION,
      ports: AWS_SSL_PORTS_ANNOTATION,
      value: "an ACM certificate ARN",
    },
    {
      isIt: [...annotations.keys()].some((key) => key.startsWith("service.beta.kubernetes.io/do-loadbalancer-")),
      certificate: DO_CERTIFICATE_ANNOTATION,
      ports: DO_TLS_PORTS_ANNOTATION,
      value: "a DigitalOcean certificate ID",
    },
  ];
  const cloud = clouds.find((candidate) => candidate.isIt);
  if (!cloud) return loadBalancerRecommendation;
  if ((annotations.get(cloud.certificate) ?? "") !== "") {
    return `The load balancer has a certificate (\`${cloud.certificate}\`), but \`${cloud.ports}\` leaves this port out: serve only HTTPS ports, or list this port there; ${ingress}`;
  }
  return `Terminate TLS on the load balancer: set \`${cloud.certificate}\` to ${cloud.value} and list the HTTPS port in \`${cloud.ports}\`; ${ingress}`;
}

const gatewayRouteRecommendation =
  "Attach the route to the Gateway's HTTPS listener only: name it in parentRefs (`sectionName: https`), where the listener has `protocol: HTTPS` and `tls.certificateRefs` naming a certificate Secret. Answer plain HTTP with a separate route whose only rule is a `RequestRedirect` filter with `scheme: https`.";
const listenerRecommendation =
  "Serve content on an `HTTPS` listener (port 443) with `tls.certificateRefs` naming a certificate Secret, and attach to the HTTP listener only routes that redirect (`RequestRedirect` filter with `scheme: https`), or remove the HTTP listener.";
const recommendation = `${routeRecommendation} For a LoadBalancer: ${loadBalancerRecommendation} For a Gateway API route: ${gatewayRouteRecommendation}`;

/** Plain-HTTP ports of a LoadBalancer, per CONTRACT.md: `port` 80 or 8080, or a port named `http`. */
function isPlainHttpPort(entryPoint: EntryPoint): boolean {
  const port = entryPoint.servicePort ?? entryPoint.port;
  return port === 80 || port === 8080 || entryPoint.portName?.toLowerCase() === "http";
}

/**
 * Whether an entry point serves content over plain HTTP: a host/path of an Ingress or of a route on an
 * HTTP listener, an HTTP listener itself, or a plain-HTTP port of a load balancer. TLS, TCP and UDP are
 * not HTTP; a redirect to https serves no content; unknown TLS (a Gateway outside the tree) is not judged.
 */
function servesPlainHttp(entryPoint: EntryPoint, reach: Reach): boolean {
  if (entryPoint.tls || entryPoint.tlsUnknown || entryPoint.redirectOnly) return false;
  if (entryPoint.kind === "route") return entryPoint.protocol === undefined || entryPoint.protocol === "HTTP";
  if (entryPoint.protocol === "HTTP") return true;
  return reach.serviceType === "LoadBalancer" && isPlainHttpPort(entryPoint);
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
    const label = objectLabel(object);
    const findings: RawFinding[] = [];
    const fixedHosts = new Set<string>();
    for (const entryPoint of reach.entryPoints) {
      if (entryLevel(entryPoint, reach.level) !== "public" || !servesPlainHttp(entryPoint, reach)) continue;
      const where = { object: label, entryPoint: entryPointLabel(entryPoint) };
      const headline = entryPoint.kind === "route" ? messages.routeHeadline(where) : messages.portHeadline(where);
      const at = { rule: "public-without-tls" as const, line: entryPoint.line, headline, entryPoint: entryPoint.key };
      // Istio, Traefik and OpenShift kinds: the fix in the kind's own terms (terms.ts), HTTP only.
      const terms = routeTerms(object);
      if (terms !== undefined) {
        if (!isHttpEntryPoint(entryPoint)) continue;
        findings.push({ ...at, message: messages.entryPointWithoutTls({ ...where, why: terms.noTls }), recommendation: terms.tlsFix });
      } else if (entryPoint.gateway !== undefined) {
        findings.push({ ...at, message: messages.gatewayRouteWithoutTls(where), recommendation: gatewayRouteRecommendation });
      } else if (entryPoint.listener !== undefined) {
        findings.push({ ...at, message: messages.plainHttpListener(where), recommendation: listenerRecommendation });
      } else if (entryPoint.kind === "port") {
        findings.push({ ...at, message: messages.plainHttpPort(where), recommendation: loadBalancerRecommendationFor(object) });
      } else {
        const catchAll = entryPoint.host === undefined || entryPoint.host === "*";
        const finding: RawFinding = { ...at, message: messages.routeWithoutTls(where), recommendation: catchAll ? catchAllRecommendation : routeRecommendation };
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
    }
    return findings;
  },
});
