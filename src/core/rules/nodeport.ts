import type { RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { coveredEntryPoints, objectLabel, replaceWordOnLine } from "./helpers.js";

export const messages = {
  // The message names the Service, not its ports: the finding covers every node port (`covers`), and a
  // port added to a Service that was already NodePort makes it new about that port (review.ts).
  nodePort: ({ object }: { object: string }) =>
    `${object} is type NodePort: each of its ports is open on every node's IP, outside any Ingress or load balancer.`,
  headline: ({ ports }: { ports: readonly string[] }) => `${ports.length > 0 ? ports.join(", ") : "its ports"} open on every node via NodePort`,
};

const recommendation =
  "Use type ClusterIP and route traffic through an Ingress (or one shared load balancer). NodePort is for testing and debugging: it opens the port on every node, bypassing TLS, allow-lists and the ingress controller's logging.";

export default defineRule({
  id: "nodeport",
  defaultSeverity: "warning",
  title: "Service is type NodePort",
  recommendation,
  docsUrl: docsUrlFor("nodeport"),
  scope: "state",
  check({ head: { object, reach } }) {
    if (object.kind !== "Service" || reach.serviceType !== "NodePort") return [];
    const line = object.rangeOf(["spec", "type"]).line;
    const finding: RawFinding = {
      rule: "nodeport",
      line,
      message: messages.nodePort({ object: objectLabel(object) }),
      headline: messages.headline({ ports: reach.entryPoints.filter((entryPoint) => entryPoint.kind === "port").map((entryPoint) => entryPoint.key) }),
      recommendation,
      covers: coveredEntryPoints(reach.entryPoints),
    };
    // A ClusterIP Service may not keep `nodePort` values (the API server rejects them), so the
    // one-line fix is only offered when no port pins one.
    const ports = (object.body.spec as { ports?: unknown } | undefined)?.ports;
    const pinsNodePort = Array.isArray(ports) && ports.some((port) => (port as { nodePort?: unknown } | null)?.nodePort != null);
    const fix = pinsNodePort ? undefined : replaceWordOnLine(object, line, "NodePort", "ClusterIP");
    if (fix) finding.fix = fix;
    return [finding];
  },
});
