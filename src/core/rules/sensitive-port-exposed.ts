import type { RawFinding } from "../model.js";
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
};

const recommendation =
  "Keep databases, caches, queues and admin APIs inside the cluster: use type ClusterIP and reach them from workloads, or through a VPN, bastion or `kubectl port-forward` for administration. Never route an Ingress to them.";

export default defineRule({
  id: "sensitive-port-exposed",
  defaultSeverity: "failure",
  title: "Database, cache, queue or admin port exposed",
  recommendation,
  docsUrl: docsUrlFor("sensitive-port-exposed"),
  scope: "state",
  check({ head: { object, reach } }) {
    if (reach.level !== "node" && reach.level !== "public") return [];
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
          recommendation,
        });
      }
    }
    return findings;
  },
});
