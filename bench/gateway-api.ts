/**
 * Gateway API benchmark: trees of N HTTPRoutes attached to 10 Gateways (in their own file), 10% of the
 * routes changed, reviewed against the `yaml` parse floor of the same files. Two ways: whole trees
 * (the CLI), and the changed files with the rest as context (the App). Run by `npm run bench`, one
 * child process per N.
 */
import { parseAllDocuments } from "yaml";
import type { ManifestFile } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { timeIt } from "./core.js";

export interface GatewayApiRow {
  routes: number;
  files: number;
  listed: number;
  reviewMs: number;
  parseFloorMs: number;
  ratio: number;
  /** The App's way: changed files under review, every other file as context. */
  contextReviewMs: number;
  /** The parse floor of what that review reads: the changed files on both sides, the context once. */
  contextParseFloorMs: number;
  contextRatio: number;
  peakRssMb: number;
}

const GATEWAYS = 10;

function gateway(index: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw-${index}
  namespace: infra
spec:
  gatewayClassName: ${index === 0 ? "gke-l7-rilb" : "envoy"}
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: All
    - name: https
      protocol: HTTPS
      port: 443
      hostname: "*.example.com"
      tls:
        certificateRefs:
          - name: wildcard-tls
      allowedRoutes:
        namespaces:
          from: Selector
          selector:
            matchLabels:
              shared-gateway-access: "true"
`;
}

function route(index: number, changed: boolean): string {
  const name = `route-${index}`;
  // Changes that matter: a route moved to the plain-HTTP listener, a path added.
  const section = changed && index % 2 === 0 ? "http" : "https";
  const paths = changed && index % 2 === 1 ? ["/", "/api"] : ["/"];
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: team-${index % 17}
spec:
  parentRefs:
    - name: gw-${index % GATEWAYS}
      namespace: infra
      sectionName: ${section}
  hostnames:
    - ${name}.example.com
  rules:
${paths
  .map(
    (path) => `    - matches:
        - path:
            type: PathPrefix
            value: ${path}
      backendRefs:
        - name: ${name}
          port: 80
`,
  )
  .join("")}`;
}

export function generateGatewayTree(routeCount: number): { base: ManifestFile[]; head: ManifestFile[]; changed: Set<string> } {
  const shared: ManifestFile[] = [];
  for (let index = 0; index < GATEWAYS; index++) shared.push({ path: `infra/gateway-${index}.yaml`, text: gateway(index) });
  const namespaces = Array.from({ length: 17 }, (_, index) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-${index}\n  labels:\n    shared-gateway-access: "true"\n`);
  shared.push({ path: "infra/namespaces.yaml", text: namespaces.join("---\n") });
  const base = [...shared];
  const head = [...shared];
  const changed = new Set<string>();
  for (let index = 0; index < routeCount; index++) {
    const path = `routes/team-${index % 17}/route-${index}.yaml`;
    const isChanged = index % 10 === 9;
    if (isChanged) changed.add(path);
    base.push({ path, text: route(index, false) });
    head.push({ path, text: route(index, isChanged) });
  }
  return { base, head, changed };
}

export function benchGatewayApi(routeCount: number): GatewayApiRow {
  const { base, head, changed } = generateGatewayTree(routeCount);
  const runs = routeCount >= 10_000 ? 3 : 7;
  let listed = 0;
  const reviewMs = timeIt(() => {
    listed = review({ base, head }).objects.length;
  }, runs);
  const parseFloor = (files: ManifestFile[]) => () => {
    for (const file of files) for (const doc of parseAllDocuments(file.text!)) doc.toJS();
  };
  const parseFloorMs = timeIt(parseFloor([...base, ...head]), runs);
  const context = head.filter((file) => !changed.has(file.path));
  const contextInput = {
    base: base.filter((file) => changed.has(file.path)),
    head: head.filter((file) => changed.has(file.path)),
    context: { base: context, head: context },
  };
  const contextReviewMs = timeIt(() => review(contextInput), runs);
  const contextParseFloorMs = timeIt(parseFloor([...contextInput.base, ...contextInput.head, ...context]), runs);
  return {
    routes: routeCount,
    files: head.length,
    listed,
    reviewMs,
    parseFloorMs,
    ratio: reviewMs / parseFloorMs,
    contextReviewMs,
    contextParseFloorMs,
    contextRatio: contextReviewMs / contextParseFloorMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  process.stdout.write(`${JSON.stringify(benchGatewayApi(n))}\n`);
}
