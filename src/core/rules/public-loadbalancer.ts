import { defineRule, docsUrlFor } from "./rule.js";
import type { RawFinding } from "../model.js";
import { objectLabel, replaceWordOnLine } from "./helpers.js";

export const messages = {
  // About the Service, not its ports: a port added to an already public load balancer is reported
  // by the classification (widened), not as a new load balancer.
  // `why` comes from the reach reader: usually "type: LoadBalancer without an internal-LB annotation",
  // but an internal load balancer can also be public through a public external IP.
  publicLoadBalancer: ({ object, why }: { object: string; why: readonly string[] }) =>
    `${object} is a LoadBalancer reachable from the internet (${why.join("; ")}).`,
  headline: ({ before }: { before: "none" | "private" | "public" }) =>
    before === "none" ? "public via a new LoadBalancer" : before === "private" ? "LoadBalancer made public" : "public LoadBalancer",
};

const recommendation =
  "Prefer one shared Ingress over a load balancer per Service. If this Service must have its own load balancer, make it internal with your cloud's internal-LB annotation, or restrict it with spec.loadBalancerSourceRanges.";

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
      recommendation,
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
