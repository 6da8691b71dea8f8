/**
 * Inputs written to hurt the reviewer, built the same way for the tests (behaviour) and the bench
 * (times): issue 9's list. Sizes are parameters so tests can use smaller copies of what the bench times.
 */

/** One public load balancer Service, block style, about 130 bytes. */
export function loadBalancer(name: string, namespace = "edge"): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 443\n`;
}

/**
 * A file of `count` load balancers (8,000 make about 1 MB) whose base side is broken in every
 * document (a tab in the indentation) and whose head side is valid: each broken piece could hide its
 * head counterpart, so the review must search every piece for every object, linearly.
 */
export function brokenBaseFile(count: number): { base: string; head: string } {
  const docs = Array.from({ length: count }, (_, index) => loadBalancer(`svc-${index}`));
  return { head: docs.join("---\n"), base: docs.map((doc) => doc.replace("  namespace: edge", "\tnamespace: edge")).join("---\n") };
}

/** `count` public load balancers in one flow-style file (6,780 make about 680 KB). */
export function manyLoadBalancers(count: number): string {
  return Array.from({ length: count }, (_, index) => `apiVersion: v1\nkind: Service\nmetadata: {name: lb-${index}, namespace: s}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n`).join(
    "---\n",
  );
}

/** The suppression glob that backtracks in a regular-expression matcher, and a long name it almost matches. */
export const BACKTRACKING_GLOB = "Service/*/*-*-*-*-x";
export function almostMatchingName(length: number): string {
  return "a-".repeat(Math.floor(length / 2));
}
