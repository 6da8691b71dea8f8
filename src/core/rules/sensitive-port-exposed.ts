import type { EntryPoint, ObjectSide, RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { entryPointLabel, objectLabel, reachPhrase } from "./helpers.js";
import { sensitiveService } from "./ports.js";

export const messages = {
  servicePort: ({ object, product, port, where }: { object: string; product: string; port: number; where: string }) =>
    `${object} exposes ${product} (port ${port}) ${where}.`,
  ingressBackend: ({
    object,
    entryPoint,
    product,
    port,
    backend,
    where,
  }: {
    object: string;
    entryPoint: string;
    product: string;
    port: number;
    backend: string;
    where: string;
  }) => `${object} routes ${entryPoint} ${where} to ${product} (port ${port} of Service ${backend}).`,
  headline: ({ product, port, level, via }: { product: string; port: number; level: "node" | "public"; via: string }) =>
    `${product} ${port} ${level === "public" ? "public" : "open on every node"} via ${via}`,
};

/** How the port is reached, in the object's own terms: "a new LoadBalancer", "NodePort", "Ingress host shop.example.com/". */
function viaPhrase(head: ObjectSide, base: ObjectSide | undefined, entryPoint: EntryPoint): string {
  if (entryPoint.kind === "route") return `Ingress ${entryPointLabel(entryPoint)}`;
  const type = head.reach.serviceType ?? "its Service type";
  const isNew = base === undefined || base.reach.serviceType !== head.reach.serviceType || base.reach.level !== head.reach.level;
  if (type === "LoadBalancer") return isNew ? "a new LoadBalancer" : "its LoadBalancer";
  return isNew ? `a new ${type}` : type;
}

const recommendation =
  "Keep databases, caches, queues and admin APIs inside the cluster: use type ClusterIP and reach them from workloads, or through a VPN, bastion or `kubectl port-forward` for administration. Never route an Ingress to them.";

export default defineRule({
  id: "sensitive-port-exposed",
  defaultSeverity: "failure",
  title: "Database, cache, queue or admin port exposed",
  recommendation,
  docsUrl: docsUrlFor("sensitive-port-exposed"),
  scope: "state",
  check({ head, base }) {
    const { object, reach } = head;
    const level = reach.level;
    if (level !== "node" && level !== "public") return [];
    const label = objectLabel(object);
    const findings: RawFinding[] = [];
    for (const entryPoint of reach.entryPoints) {
      if (entryPoint.kind === "port") {
        const port = entryPoint.servicePort ?? entryPoint.port;
        const product = sensitiveService(port);
        if (!product || port === undefined) continue;
        findings.push({
          rule: "sensitive-port-exposed",
          line: entryPoint.line,
          message: messages.servicePort({ object: label, product, port, where: reachPhrase(reach.level) }),
          headline: messages.headline({ product, port, level, via: viaPhrase(head, base, entryPoint) }),
          recommendation,
        });
      } else {
        const port = entryPoint.backend?.port;
        const product = sensitiveService(port);
        if (!product || typeof port !== "number") continue;
        findings.push({
          rule: "sensitive-port-exposed",
          line: entryPoint.line,
          message: messages.ingressBackend({
            object: label,
            entryPoint: entryPointLabel(entryPoint),
            product,
            port,
            backend: entryPoint.backend?.service ?? "(unnamed)",
            where: reachPhrase(reach.level),
          }),
          headline: messages.headline({ product, port, level, via: viaPhrase(head, base, entryPoint) }),
          recommendation,
        });
      }
    }
    return findings;
  },
});
