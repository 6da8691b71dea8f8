/**
 * Gateway API benchmark: trees of N HTTPRoutes attached to 10 Gateways (in their own file), reviewed
 * against the `yaml` parse floor of the same files. Three ways: whole trees with 10% of the routes
 * changed (the CLI); the same change as the App reads it, changed files under review and the rest as
 * context; and a pull request that edits one Gateway, every route in context (its entry lists the
 * routes attached to it). Run by `npm run bench`, one child process per N.
 */
import type { ManifestFile } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { measureIt, pad, parseFloor, peakRssMb, runsFor } from "./measure.js";

/** Review and floor of one way of reading the change: wall times (median) and their ratio, and the ratio of CPU times. */
export interface GatewayApiMeasure {
  reviewMs: number;
  parseFloorMs: number;
  ratio: number;
  cpuRatio: number;
}

export interface GatewayApiRow {
  routes: number;
  files: number;
  listed: number;
  /** Whole trees (the command line). */
  tree: GatewayApiMeasure;
  /** The App's way: changed files under review, every other file as context. */
  context: GatewayApiMeasure;
  /** A pull request that edits one Gateway (HTTPS listener turned plain HTTP), every route as context. */
  gatewayEdit: GatewayApiMeasure;
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

/** The head of a pull request that edits Gateway gw-1 only: its HTTPS listener becomes plain HTTP on 8080. */
function editedGateway(base: ManifestFile[]): { base: ManifestFile[]; head: ManifestFile[]; context: ManifestFile[] } {
  const path = "infra/gateway-1.yaml";
  const before = base.find((file) => file.path === path)!;
  const after = { path, text: before.text!.replace("protocol: HTTPS\n      port: 443", "protocol: HTTP\n      port: 8080") };
  return { base: [before], head: [after], context: base.filter((file) => file.path !== path) };
}

/** Review and floor of `files` read once each (a file shared by both sides is parsed once by both). */
function measure(run: () => unknown, files: ManifestFile[], runs: number): GatewayApiMeasure {
  const reviewed = measureIt(run, runs);
  const floor = measureIt(parseFloor(files), runs);
  return { reviewMs: reviewed.wallMs, parseFloorMs: floor.wallMs, ratio: reviewed.wallMs / floor.wallMs, cpuRatio: reviewed.cpuMs / floor.cpuMs };
}

export function benchGatewayApi(routeCount: number): GatewayApiRow {
  const { base, head, changed } = generateGatewayTree(routeCount);
  const runs = runsFor(routeCount);
  let listed = 0;
  const tree = measure(() => (listed = review({ base, head }).objects.length), [...base, ...head], runs);
  const unchanged = head.filter((file) => !changed.has(file.path));
  const changedBase = base.filter((file) => changed.has(file.path));
  const changedHead = head.filter((file) => changed.has(file.path));
  const context = measure(
    () => review({ base: changedBase, head: changedHead, context: { base: unchanged, head: unchanged } }),
    [...changedBase, ...changedHead, ...unchanged],
    runs,
  );
  const edit = editedGateway(base);
  const gatewayEdit = measure(
    () => review({ base: edit.base, head: edit.head, context: { base: edit.context, head: edit.context } }),
    [...edit.base, ...edit.head, ...edit.context],
    runs,
  );
  return { routes: routeCount, files: head.length, listed, tree, context, gatewayEdit, peakRssMb: peakRssMb() };
}

export function printGatewayApiRows(rows: readonly GatewayApiRow[]): void {
  console.log("Gateway API: N HTTPRoutes on 10 Gateways (their own files)\n");
  const cells = (m: GatewayApiMeasure) => `${pad(m.reviewMs.toFixed(1), 10)} ${pad(m.parseFloorMs.toFixed(1), 9)} ${pad(m.ratio.toFixed(2), 6)} ${pad(m.cpuRatio.toFixed(2), 4)}`;
  const heading = `${pad("review ms", 10)} ${pad("yaml ms", 9)} ${pad("ratio", 6)} ${pad("cpu", 4)}`;
  console.log(`${pad("", 22)}   ${"10% of routes changed".padEnd(34)} | ${"same, as the App reads it".padEnd(34)} | ${"one Gateway edited (App)".padEnd(34)} |`);
  console.log(`${pad("routes", 7)} ${pad("files", 6)} ${pad("listed", 7)} | ${heading} | ${heading} | ${heading} | ${pad("peak RSS MB", 12)}`);
  for (const row of rows) {
    console.log(
      `${pad(row.routes, 7)} ${pad(row.files, 6)} ${pad(row.listed, 7)} | ${cells(row.tree)} | ${cells(row.context)} | ${cells(row.gatewayEdit)} | ${pad(row.peakRssMb.toFixed(0), 12)}`,
    );
  }
  console.log(
    "\nWhole trees: the command line. As the App reads it: the changed files under review, the rest as context." +
      "\nratio: wall times (median); cpu: the same runs in CPU time, steadier on a loaded machine. Target: within 2x.",
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  process.stdout.write(`${JSON.stringify(benchGatewayApi(n))}\n`);
}
