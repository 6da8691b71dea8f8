import { annotationsOf, asRecord } from "../fields.js";
import type { ManifestObject, RawFinding } from "../model.js";
import { AWS_INTERNAL_ANNOTATION, AWS_LB_TYPE_ANNOTATION, AWS_LBC_CLASS, AWS_LBC_TYPES, AWS_SCHEME_ANNOTATION } from "../reach/service.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { coveredEntryPoints, objectLabel, replaceWordOnLine } from "./helpers.js";

export const messages = {
  // About the Service, not its ports: the finding covers every port (`covers`), and review.ts says which
  // ports are new when the load balancer was public before.
  // `why` comes from the reach reader: usually "type: LoadBalancer without an internal-LB annotation",
  // but an internal load balancer can also be public through a public external IP.
  publicLoadBalancer: ({ object, why }: { object: string; why: readonly string[] }) =>
    `${object} is a LoadBalancer reachable from the internet (${why.join("; ")}).`,
  headline: ({ before }: { before: "none" | "private" | "public" }) =>
    before === "none" ? "public via a new LoadBalancer" : before === "private" ? "LoadBalancer made public" : "public LoadBalancer",
};

const recommendation =
  "Prefer one shared Ingress over a load balancer per Service. If this Service must have its own load balancer, make it internal with your cloud's internal-LB annotation, or restrict it with spec.loadBalancerSourceRanges.";

/**
 * The clouds whose annotations a Service may already carry, each with the annotation that makes its load
 * balancer internal (CONTRACT.md's list). A Service that names one cloud gets that cloud's annotation, not a
 * generic "your cloud's", so the fix is one line to copy.
 */
const CLOUDS: readonly { name: string; prefixes: readonly string[]; internal: string }[] = [
  { name: "GKE", prefixes: ["networking.gke.io/", "cloud.google.com/"], internal: 'networking.gke.io/load-balancer-type: "Internal"' },
  { name: "Azure", prefixes: ["service.beta.kubernetes.io/azure-"], internal: 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"' },
  { name: "OCI", prefixes: ["service.beta.kubernetes.io/oci-", "oci.oraclecloud.com/"], internal: 'service.beta.kubernetes.io/oci-load-balancer-internal: "true"' },
  {
    name: "OpenStack",
    prefixes: ["service.beta.kubernetes.io/openstack-", "loadbalancer.openstack.org/"],
    internal: 'service.beta.kubernetes.io/openstack-internal-load-balancer: "true"',
  },
  { name: "IBM Cloud", prefixes: ["service.kubernetes.io/ibm-"], internal: "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private" },
  {
    name: "Alibaba Cloud",
    prefixes: ["service.beta.kubernetes.io/alibaba-cloud-"],
    internal: "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet",
  },
];

/** The internal-LB annotation of the cloud the Service's own annotations (or load-balancer class) name. */
export function internalAnnotationFor(object: ManifestObject): { cloud: string; annotation: string } | undefined {
  const annotations = annotationsOf(object);
  const keys = [...annotations.keys()];
  const lbClass = asRecord(object.body["spec"])["loadBalancerClass"];
  const awsController =
    lbClass === AWS_LBC_CLASS || AWS_LBC_TYPES.includes(annotations.get(AWS_LB_TYPE_ANNOTATION)?.toLowerCase() ?? "") || annotations.has(AWS_SCHEME_ANNOTATION);
  // The AWS Load Balancer Controller reads the scheme; the in-tree provider reads aws-load-balancer-internal.
  if (awsController) return { cloud: "AWS Load Balancer Controller", annotation: `${AWS_SCHEME_ANNOTATION}: internal` };
  if (keys.some((key) => key.startsWith("service.beta.kubernetes.io/aws-load-balancer-"))) {
    return { cloud: "AWS", annotation: `${AWS_INTERNAL_ANNOTATION}: "true"` };
  }
  const cloud = CLOUDS.find((candidate) => keys.some((key) => candidate.prefixes.some((prefix) => key.startsWith(prefix))));
  return cloud ? { cloud: cloud.name, annotation: cloud.internal } : undefined;
}

function recommendationFor(object: ManifestObject): string {
  const internal = internalAnnotationFor(object);
  if (!internal) return recommendation;
  return `Prefer one shared Ingress over a load balancer per Service. If this Service must have its own load balancer, make it internal with the ${internal.cloud} annotation \`${internal.annotation}\` (its other annotations are ${internal.cloud}'s), or restrict it with spec.loadBalancerSourceRanges.`;
}

export default defineRule({
  id: "public-loadbalancer",
  defaultSeverity: "warning",
  title: "LoadBalancer Service is public",
  recommendation,
  docsUrl: docsUrlFor("public-loadbalancer"),
  scope: "state",
  check({ head: { object, reach }, base }) {
    if (object.kind !== "Service" || reach.serviceType !== "LoadBalancer" || reach.level !== "public") return [];
    const before = base?.reach.serviceType !== "LoadBalancer" ? "none" : base.reach.level === "public" ? "public" : "private";
    const finding: RawFinding = {
      rule: "public-loadbalancer",
      line: reach.levelLine,
      message: messages.publicLoadBalancer({ object: objectLabel(object), why: reach.why }),
      headline: messages.headline({ before }),
      recommendation: recommendationFor(object),
      covers: coveredEntryPoints(reach.entryPoints),
    };
    // `type: ClusterIP` on that line is the whole fix only when nothing else is tied to a load
    // balancer: the API server rejects these fields on a ClusterIP Service.
    const spec = (object.body.spec ?? {}) as Record<string, unknown>;
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    const tied =
      LOAD_BALANCER_FIELDS.some((field) => spec[field] != null && !(field === "externalTrafficPolicy" && spec[field] === "Cluster")) ||
      ports.some((port) => (port as { nodePort?: unknown } | null)?.nodePort != null);
    const fix = tied || object.rangeOf(["spec", "type"]).line !== reach.levelLine ? undefined : replaceWordOnLine(object, reach.levelLine, "LoadBalancer", "ClusterIP");
    if (fix) finding.fix = fix;
    return [finding];
  },
});

/** Fields a Service may only carry as a LoadBalancer (or NodePort). */
const LOAD_BALANCER_FIELDS = [
  "loadBalancerSourceRanges",
  "loadBalancerIP",
  "loadBalancerClass",
  "externalTrafficPolicy",
  "healthCheckNodePort",
  "allocateLoadBalancerNodePorts",
] as const;
