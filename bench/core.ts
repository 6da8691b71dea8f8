/**
 * Core benchmark: a full review of a generated tree of N objects against the floor of parsing the
 * same files with `yaml` alone. Run through `npm run bench` (bench/run.ts), one child process per N
 * so each peak-memory figure belongs to one N.
 */
import type { ManifestFile } from "../src/core/model.js";
import { review } from "../src/core/review.js";
import { parseFloor, peakRssMb, runsFor, timeIt } from "./measure.js";

export interface CoreRow {
  objects: number;
  files: number;
  reviewMs: number;
  parseFloorMs: number;
  ratio: number;
  /** The same on the changed files only (what the GitHub App hands the core): no file is shared. */
  changedFiles: number;
  changedReviewMs: number;
  changedParseFloorMs: number;
  changedRatio: number;
  peakRssMb: number;
  listed: number;
}

/**
 * A realistic tree: one file per app holding a Deployment, a Service, often a ConfigMap and sometimes
 * an Ingress, as multi-document YAML. The head changes 10% of the objects in ways that matter
 * (a Service made LoadBalancer, a host added, TLS dropped) and ways that do not (an image bump).
 */
export function generateTree(objectCount: number): { base: ManifestFile[]; head: ManifestFile[] } {
  const base: ManifestFile[] = [];
  const head: ManifestFile[] = [];
  let made = 0;
  let changed = 0;
  for (let app = 0; made < objectCount; app++) {
    const name = `app-${app}`;
    const ns = `team-${app % 17}`;
    const docs: { base: string; head: string }[] = [];
    // Every tenth object changes, spread over the kinds.
    const change = () => made++ % 10 === 9 && ++changed > 0;
    const deploymentChange = change();
    docs.push({ base: deployment(name, ns, "1.0.0"), head: deployment(name, ns, deploymentChange ? "1.1.0" : "1.0.0") });
    if (made < objectCount) {
      const serviceChange = change();
      docs.push({ base: service(name, ns, "ClusterIP"), head: service(name, ns, serviceChange ? (app % 2 ? "LoadBalancer" : "NodePort") : "ClusterIP") });
    }
    if (made < objectCount && app % 3 !== 0) {
      const configChange = change();
      docs.push({ base: configMap(name, ns, "info"), head: configMap(name, ns, configChange ? "debug" : "info") });
    }
    if (made < objectCount && app % 4 === 0) {
      const ingressChange = change();
      docs.push({ base: ingress(name, ns, true, false), head: ingress(name, ns, !(ingressChange && app % 8 === 0), ingressChange) });
    }
    const path = `apps/${ns}/${name}.yaml`;
    base.push({ path, text: docs.map((d) => d.base).join("---\n") });
    head.push({ path, text: docs.map((d) => d.head).join("---\n") });
  }
  return { base, head };
}

function deployment(name: string, ns: string, version: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: { app: ${name}, tier: backend }
spec:
  replicas: 3
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: registry.example.com/${name}:${version}
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: 256Mi }
          readinessProbe:
            httpGet: { path: /healthz, port: 8080 }
`;
}

function service(name: string, ns: string, type: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  type: ${type}
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
    - name: metrics
      port: 9090
      targetPort: 9090
`;
}

function configMap(name: string, ns: string, level: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  LOG_LEVEL: ${level}
  FEATURE_FLAGS: "checkout,search,recommendations"
`;
}

function ingress(name: string, ns: string, tls: boolean, extraHost: boolean): string {
  const host = `${name}.example.com`;
  const rule = (h: string) => `    - host: ${h}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port:
                  number: 80
`;
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
${tls ? `  tls:\n    - hosts: [${host}]\n      secretName: ${name}-tls\n` : ""}  rules:
${rule(host)}${extraHost ? rule(`beta.${host}`) : ""}`;
}

export function benchCore(objectCount: number): CoreRow {
  const { base, head } = generateTree(objectCount);
  const runs = runsFor(objectCount);
  let listed = 0;
  const reviewMs = timeIt(() => {
    listed = review({ base, head }).objects.length;
  }, runs);
  const parseFloorMs = timeIt(parseFloor([...base, ...head]), runs);
  const changedPaths = new Set(head.filter((file, i) => file.text !== base[i]!.text).map((file) => file.path));
  const changedBase = base.filter((file) => changedPaths.has(file.path));
  const changedHead = head.filter((file) => changedPaths.has(file.path));
  const changedReviewMs = timeIt(() => review({ base: changedBase, head: changedHead }), runs);
  const changedParseFloorMs = timeIt(parseFloor([...changedBase, ...changedHead]), runs);
  return {
    objects: objectCount,
    files: head.length,
    reviewMs,
    parseFloorMs,
    ratio: reviewMs / parseFloorMs,
    changedFiles: changedPaths.size,
    changedReviewMs,
    changedParseFloorMs,
    changedRatio: changedReviewMs / changedParseFloorMs,
    peakRssMb: peakRssMb(),
    listed,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  process.stdout.write(`${JSON.stringify(benchCore(n))}\n`);
}
