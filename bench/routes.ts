/**
 * Routes benchmark: N Istio VirtualServices bound to 10 Istio Gateways, each in front of a Service and
 * a Deployment, against the floor of parsing the same files with `yaml` alone. 10% of the
 * VirtualServices change (a host added, a path added, a move to another gateway), so the review reads
 * each changed route's Gateway on both sides and resolves its exposure path (Service, workloads).
 * Run through `npm run bench`, one child process per N.
 */
import type { ManifestFile } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { pad, parseFloor, peakRssMb, runsFor, timeIt } from "./measure.js";

export interface RoutesRow {
  routes: number;
  files: number;
  listed: number;
  withPath: number;
  reviewMs: number;
  parseFloorMs: number;
  ratio: number;
  peakRssMb: number;
}

const GATEWAYS = 10;

function gateway(index: number): string {
  const internal = index % 5 === 4;
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw-${index}
  namespace: istio-system
spec:
  selector:
    istio: ${internal ? "ilbgateway" : "ingressgateway"}
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: ["*/*.team-${index}.example.com"]
      tls: { mode: SIMPLE, credentialName: team-${index}-wildcard }
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: ["*/*.team-${index}.example.com"]
      tls: { httpsRedirect: true }
`;
}

function app(name: string, ns: string, gatewayIndex: number, variant: number): string {
  const host = `${name}.team-${gatewayIndex}.example.com`;
  const hosts = variant === 1 ? `[${host}, beta-${host}]` : `[${host}]`;
  const extraPath = variant === 2 ? `        - uri: { prefix: /admin }\n` : "";
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts: ${hosts}
  gateways: [istio-system/gw-${gatewayIndex}]
  http:
    - match:
        - uri: { prefix: /api }
${extraPath}      route:
        - destination: { host: ${name}, port: { number: 80 } }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: { app: ${name} }
  ports:
    - { name: http, port: 80, targetPort: 8080 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0.0
          ports: [{ containerPort: 8080 }]
`;
}

export function generateRoutesTree(routeCount: number): { base: ManifestFile[]; head: ManifestFile[] } {
  const base: ManifestFile[] = [];
  const head: ManifestFile[] = [];
  for (let index = 0; index < GATEWAYS; index++) {
    const text = gateway(index);
    base.push({ path: `istio/gw-${index}.yaml`, text });
    head.push({ path: `istio/gw-${index}.yaml`, text });
  }
  for (let route = 0; route < routeCount; route++) {
    const name = `svc-${route}`;
    const gatewayIndex = route % GATEWAYS;
    const ns = `team-${gatewayIndex}`;
    const changed = route % 10 === 9;
    // A change: a host added, a path added, or a move from an internal gateway to a public one.
    const kind = Math.floor(route / 10) % 3;
    const headGateway = changed && kind === 0 ? (gatewayIndex + 1) % GATEWAYS : gatewayIndex;
    const path = `apps/${ns}/${name}.yaml`;
    base.push({ path, text: app(name, ns, gatewayIndex, 0) });
    head.push({ path, text: app(name, ns, headGateway, changed ? kind : 0) });
  }
  return { base, head };
}

export function benchRoutes(routeCount: number): RoutesRow {
  const { base, head } = generateRoutesTree(routeCount);
  const runs = runsFor(routeCount);
  let listed = 0;
  let withPath = 0;
  const reviewMs = timeIt(() => {
    const report = review({ base, head });
    listed = report.objects.length;
    withPath = report.objects.filter((object) => (object.exposes ?? []).some((exposure) => exposure.workloads.length > 0)).length;
  }, runs);
  const parseFloorMs = timeIt(parseFloor([...base, ...head]), runs);
  return {
    routes: routeCount,
    files: head.length,
    listed,
    withPath,
    reviewMs,
    parseFloorMs,
    ratio: reviewMs / parseFloorMs,
    peakRssMb: peakRssMb(),
  };
}

export function printRoutesRows(rows: readonly RoutesRow[]): void {
  console.log("Istio routes (VirtualServices on 10 Gateways, 10% changed; exposure paths resolved)\n");
  console.log(`${pad("routes", 7)} ${pad("files", 6)} ${pad("listed", 7)} ${pad("w/ path", 8)} ${pad("review ms", 10)} ${pad("yaml ms", 9)} ${pad("ratio", 6)} | ${pad("peak RSS MB", 12)}`);
  for (const row of rows) {
    console.log(
      `${pad(row.routes, 7)} ${pad(row.files, 6)} ${pad(row.listed, 7)} ${pad(row.withPath, 8)} ${pad(row.reviewMs.toFixed(1), 10)} ${pad(row.parseFloorMs.toFixed(1), 9)} ${pad(row.ratio.toFixed(2), 6)} | ${pad(row.peakRssMb.toFixed(0), 12)}`,
    );
  }
  console.log("\nTarget: review within 2x of the yaml floor at every N.");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(benchRoutes(Number(process.argv[2] ?? 1000))));
}
