import { backendsOf, type EntryPoint, type ObjectSide, type RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { entryLevel, entryPointLabel, objectLabel, reachPhrase } from "./helpers.js";
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

/**
 * How the port is reached, in the object's own terms: "a new LoadBalancer", "NodePort", "Ingress
 * shop.example.com/", "Gateway listener postgres", "TCPRoute TCP/5432 (Gateway infra/edge, ...)".
 */
function viaPhrase(head: ObjectSide, base: ObjectSide | undefined, entryPoint: EntryPoint): string {
  if (entryPoint.kind === "route" || entryPoint.gateway !== undefined) return `${head.object.kind} ${entryPointLabel(entryPoint)}`;
  if (entryPoint.listener !== undefined) return `Gateway listener ${entryPoint.listener}`;
  const type = head.reach.serviceType ?? "its Service type";
  const isNew = base === undefined || base.reach.serviceType !== head.reach.serviceType || base.reach.level !== head.reach.level;
  if (type === "LoadBalancer") return isNew ? "a new LoadBalancer" : "its LoadBalancer";
  return isNew ? `a new ${type}` : type;
}

/**
 * The entry point, the level it is reached at and the sensitive port behind it: a database that was on
 * every node's IP and is now on the internet is a new finding (its message says something else), as is
 * an old path whose backend now is a database.
 */
function keyOf(entryPoint: EntryPoint, level: "node" | "public", port: number): string {
  return `${level} ${entryPoint.key} ${port}`;
}

const recommendation =
  "Keep databases, caches, queues and admin APIs inside the cluster: use type ClusterIP and reach them from workloads, or through a VPN, bastion or `kubectl port-forward` for administration. Never route an Ingress, a Gateway listener or a route to them.";

/** Protocols whose port is the service itself (a Service port, a Gateway TCP or UDP listener). */
const TRANSPORT_PROTOCOLS: ReadonlySet<string> = new Set(["TCP", "UDP", "SCTP"]);

export default defineRule({
  id: "sensitive-port-exposed",
  defaultSeverity: "failure",
  title: "Database, cache, queue or admin port exposed",
  recommendation,
  docsUrl: docsUrlFor("sensitive-port-exposed"),
  scope: "state",
  check({ head, base }) {
    const { object, reach } = head;
    const label = objectLabel(object);
    const findings: RawFinding[] = [];
    for (const entryPoint of reach.entryPoints) {
      const level = entryLevel(entryPoint, reach.level);
      if (level !== "node" && level !== "public") continue;
      const where = reachPhrase(level);
      // The port itself names the product only where the entry point is that port (a Service port, a
      // TCP or UDP listener); an HTTP listener or route says it through its backend.
      const port = entryPoint.kind === "port" && TRANSPORT_PROTOCOLS.has(entryPoint.protocol ?? "TCP") ? (entryPoint.servicePort ?? entryPoint.port) : undefined;
      const product = sensitiveService(port);
      if (product && port !== undefined) {
        findings.push({
          rule: "sensitive-port-exposed",
          line: entryPoint.line,
          entryPoint: keyOf(entryPoint, level, port),
          message: messages.servicePort({ object: label, product, port, where }),
          headline: messages.headline({ product, port, level, via: viaPhrase(head, base, entryPoint) }),
          recommendation,
        });
        continue;
      }
      // Every backend: a weighted split, a services list or an alternate backend reaches each one.
      for (const backend of backendsOf(entryPoint)) {
        const backendPort = backend.port;
        const backendProduct = sensitiveService(backendPort);
        if (!backendProduct || typeof backendPort !== "number") continue;
        findings.push({
          rule: "sensitive-port-exposed",
          line: entryPoint.line,
          // The Service too: each backend of a split is its own finding, new when that backend is.
          entryPoint: `${keyOf(entryPoint, level, backendPort)} ${backend.service ?? ""}`,
          message: messages.ingressBackend({
            object: label,
            entryPoint: entryPointLabel(entryPoint),
            product: backendProduct,
            port: backendPort,
            backend: backend.service ?? "(unnamed)",
            where,
          }),
          headline: messages.headline({ product: backendProduct, port: backendPort, level, via: viaPhrase(head, base, entryPoint) }),
          recommendation,
        });
      }
    }
    return findings;
  },
});
