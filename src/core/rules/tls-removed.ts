import { compareSurface } from "../classify.js";
import { asList, asRecord } from "../fields.js";
import type { EntryPoint, ObjectSide, RawFinding } from "../model.js";
import {
  AWS_SSL_CERT_ANNOTATION,
  AWS_SSL_PORTS_ANNOTATION,
  DO_CERTIFICATE_ANNOTATION,
  DO_TLS_PASSTHROUGH_ANNOTATION,
  DO_TLS_PORTS_ANNOTATION,
  OCI_SSL_PORTS_ANNOTATION,
} from "../reach/service.js";
import { hostMatches, normalizeHost } from "../reach/tls.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { type DeletedField, deletedField, entryPointLabel, objectLabel } from "./helpers.js";
import { routeTerms } from "./terms.js";

export const messages = {
  tlsRemoved: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} no longer has TLS on ${entryPoint}: it had TLS before this change, so clients now connect in plain text.`,
  headline: ({ entryPoint }: { entryPoint: string }) => `TLS removed from ${entryPoint}`,
  /** Where the TLS came from, when the change deleted it: said after the message. */
  deleted: ({ what }: { what: string }) => `This change deletes ${what}.`,
};

const ingressRecommendation =
  "Keep TLS on every entry point that had it: restore the host in spec.tls as it was. If plain HTTP is intended, say why in the pull request and suppress this finding with a reason.";
const serviceRecommendation =
  "Keep TLS on every port that had it: restore the load balancer's certificate annotation as it was, or list the port in its TLS ports again. If plain text is intended, say why in the pull request and suppress this finding with a reason.";
const listenerRecommendation =
  "Keep the listener `protocol: HTTPS` with its `tls.certificateRefs` (or `TLS` for passthrough). If plain HTTP is intended, say why in the pull request and suppress this finding with a reason.";
const gatewayRouteRecommendation =
  "Keep the route on the Gateway's HTTPS listener (`sectionName: https` in its parentRefs), and answer plain HTTP only with a route that redirects (`RequestRedirect` with `scheme: https`).";
const recommendation = `${ingressRecommendation} For a LoadBalancer Service: ${serviceRecommendation}`;

/** The Service annotations that give a load-balancer port its TLS, in the order a reviewer would restore them. */
const SERVICE_TLS_ANNOTATIONS = [
  AWS_SSL_CERT_ANNOTATION,
  DO_CERTIFICATE_ANNOTATION,
  DO_TLS_PASSTHROUGH_ANNOTATION,
  AWS_SSL_PORTS_ANNOTATION,
  DO_TLS_PORTS_ANNOTATION,
  OCI_SSL_PORTS_ANNOTATION,
];

/** The deleted annotation that gave the Service its TLS, if the change deleted one. */
function deletedServiceTls(head: ObjectSide, base: ObjectSide): { field: DeletedField; what: string } | undefined {
  for (const name of SERVICE_TLS_ANNOTATIONS) {
    const field = deletedField(base.object, head.object, ["metadata", "annotations", name]);
    if (field) return { field, what: `the annotation ${name}` };
  }
  return undefined;
}

/**
 * The deleted `spec.tls` text that covered `host`: the whole `spec.tls`, the entry (matched by its
 * secretName), or the host inside an entry that is still there.
 */
function deletedIngressTls(head: ObjectSide, base: ObjectSide, host: string): { field: DeletedField; what: string } | undefined {
  const baseTls = asList(asRecord(base.object.body["spec"])["tls"]);
  const headTls = asList(asRecord(head.object.body["spec"])["tls"]);
  const all = deletedField(base.object, head.object, ["spec", "tls"]);
  if (all) return { field: all, what: "spec.tls" };
  for (const [index, entry] of baseTls.entries()) {
    const hosts = asList(asRecord(entry)["hosts"]);
    const at = hosts.findIndex((name) => typeof name === "string" && hostMatches(name, host));
    if (at < 0) continue;
    const secret = asRecord(entry)["secretName"];
    const kept = headTls.findIndex((other) => secret !== undefined && asRecord(other)["secretName"] === secret);
    if (kept < 0) {
      const field = deletedField(base.object, head.object, ["spec", "tls", index]);
      if (field) return { field, what: `the spec.tls entry for ${normalizeHost(host)}` };
      continue;
    }
    // The entry is still there without the host. Only where it kept its place can the host be restored
    // by path; an entry that moved still gets the finding on its head line.
    if (kept !== index) continue;
    const field = deletedField(base.object, head.object, ["spec", "tls", index, "hosts", at]);
    if (field) return { field, what: `${String(hosts[at])} from spec.tls` };
  }
  return undefined;
}

function finding(head: ObjectSide, base: ObjectSide, entryPoint: EntryPoint): RawFinding {
  const label = objectLabel(head.object);
  const isService = head.object.kind === "Service";
  const deleted = isService
    ? deletedServiceTls(head, base)
    : head.object.kind === "Ingress" && entryPoint.host !== undefined
      ? deletedIngressTls(head, base, entryPoint.host)
      : undefined;
  const message = messages.tlsRemoved({ object: label, entryPoint: entryPointLabel(entryPoint) });
  const result: RawFinding = {
    rule: "tls-removed",
    line: entryPoint.line,
    message: deleted ? `${message} ${messages.deleted({ what: deleted.what })}` : message,
    headline: messages.headline({ entryPoint: entryPointLabel(entryPoint) }),
    recommendation:
      routeTerms(head.object) !== undefined
        ? `Keep TLS on every entry point that had it. ${routeTerms(head.object)!.tlsFix}`
        : entryPoint.gateway !== undefined
        ? gatewayRouteRecommendation
        : entryPoint.listener !== undefined
          ? listenerRecommendation
          : isService
            ? serviceRecommendation
            : ingressRecommendation,
  };
  if (deleted) {
    // The cause is a line the change deleted: the finding points at it, on the base side.
    result.line = deleted.field.baseLine;
    result.side = "base";
    if (deleted.field.fix) result.fix = deleted.field.fix;
  }
  return result;
}

export default defineRule({
  id: "tls-removed",
  defaultSeverity: "failure",
  title: "TLS removed from an entry point",
  recommendation,
  docsUrl: docsUrlFor("tls-removed"),
  scope: "change",
  check({ head, base }) {
    if (!base) return [];
    // By entry-point key: an entry point that disappeared is a narrowing, not a TLS loss.
    return compareSurface(base.reach, head.reach).tlsRemoved.map((entryPoint) => finding(head, base, entryPoint));
  },
});
