/**
 * The App on Gateway API pull requests, end to end over the fake GitHub: a route's Gateway lives in a
 * file the pull request does not touch, so the App reads the unchanged manifests of the head commit
 * as context (one tree listing, batched blob reads), whatever the number of changed files.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FakeRepository, Tree } from "./fake-github.js";
import { calls, examplePayload, type Harness, startHarness } from "./harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: infra
spec:
  gatewayClassName: envoy
  listeners:
    - name: http
      protocol: HTTP
      port: 80
      allowedRoutes:
        namespaces:
          from: Selector
          selector:
            matchLabels:
              shared-gateway-access: "true"
    - name: https
      protocol: HTTPS
      port: 443
      tls:
        certificateRefs:
          - name: public-tls
      allowedRoutes:
        namespaces:
          from: Selector
          selector:
            matchLabels:
              shared-gateway-access: "true"
`;

const NAMESPACE = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    shared-gateway-access: "true"\n`;

const INGRESS = (name: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: shop
spec:
  ingressClassName: nginx
  tls:
    - hosts: [${name}.example.com]
      secretName: ${name}-tls
  rules:
    - host: ${name}.example.com
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

/** The migrated route; without `sectionName` it attaches to the HTTP listener too (line 11: the host). */
const ROUTE = (name: string, sectionName?: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
  namespace: shop
spec:
  parentRefs:
    - name: public
      namespace: infra${sectionName ? `\n      sectionName: ${sectionName}` : ""}
  hostnames:
    - ${name}.example.com
  rules:
    - backendRefs:
        - name: ${name}
          port: 80
`;

/** The Service and the Deployment behind a migrated route, in a file the pull request does not touch. */
const APP = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
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
          image: shop/${name}:1.0
`;

/**
 * A repository whose pull request migrates `count` Ingresses to HTTPRoutes; the Gateway, the Namespace,
 * the Services and Deployments behind the routes and `unrelated` other manifests are not touched.
 */
function migrationRepository(count: number, { sectionName, unrelated = 20 }: { sectionName?: string; unrelated?: number } = {}): FakeRepository {
  const mergeBase: Tree = new Map([
    ["infra/gateway.yaml", GATEWAY],
    ["infra/namespaces.yaml", NAMESPACE("shop")],
  ]);
  for (let index = 0; index < count; index++) mergeBase.set(`apps/store${index}.yaml`, APP(`store${index}`));
  for (let index = 0; index < unrelated; index++) {
    mergeBase.set(`apps/svc-${index}.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${index}\nspec:\n  ports:\n    - port: 80\n`);
  }
  const head: Tree = new Map(mergeBase);
  for (let index = 0; index < count; index++) {
    const name = `store${index}`;
    mergeBase.set(`shop/${name}.yaml`, INGRESS(name));
    head.set(`shop/${name}.yaml`, ROUTE(name, sectionName));
  }
  return { owner: "acme", name: "gateways", mergeBase, head, pullNumber: 12 };
}

async function open(repository: FakeRepository) {
  harness = await startHarness(repository);
  const response = await harness.deliver("pull_request", examplePayload(harness.fake, repository, "pull_request", "opened"));
  return { ...harness, response };
}

describe("an Ingress migrated to an HTTPRoute on a Gateway in another file", () => {
  it("fails when the route also attaches to the plain-HTTP listener, with the comment on the route's host line", async () => {
    const h = await open(migrationRepository(1));
    expect(h.response.status).toBe(200);
    expect(h.fake.invalidBodies).toEqual([]);
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    // The finding is an inline comment on the route's host line (so not an annotation as well).
    expect(h.fake.reviewComments.map((comment) => `${comment.path}:${comment.line}`)).toEqual(["shop/store0.yaml:11"]);
    expect(h.fake.reviewComments[0]?.body).toContain("public-without-tls");
    expect(h.fake.reviewComments[0]?.body).toContain("store0.example.com/ (Gateway infra/public, listener http)");
    expect(h.fake.reviewComments[0]?.body).toContain("sectionName: https");
    expect(run.annotations).toEqual([]);
    // The unchanged Gateway was read from the head commit's tree, once.
    expect(calls(h.fake).filter((call) => call.includes("/git/trees/"))).toHaveLength(1);
  });

  it("fails on the route line when it attaches only to the plain-HTTP listener, with the path to the workload through port 80", async () => {
    const h = await open(migrationRepository(1, { sectionName: "http" }));
    expect(h.fake.invalidBodies).toEqual([]);
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    expect(h.fake.reviewComments.map((comment) => `${comment.path}:${comment.line}`)).toEqual(["shop/store0.yaml:12"]);
    // The route is on the `http` listener only: the path names port 80, never the Gateway's 443.
    const path = "internet → Gateway infra/public :80 → HTTPRoute shop/store0 → Service shop/store0:80 → Deployment shop/store0";
    expect(h.fake.reviewComments[0]?.body).toContain("store0.example.com/ (Gateway infra/public, listener http)");
    expect(h.fake.reviewComments[0]?.body).toContain(`**Path:** ${path}`);
    expect(run.output.summary).toContain(`Path: ${path}`);
  });

  it("shows both listener ports on the path of a route without sectionName, the TLS one first", async () => {
    const h = await open(migrationRepository(1));
    const path = "internet → Gateway infra/public :443, :80 → HTTPRoute shop/store0 → Service shop/store0:80 → Deployment shop/store0";
    expect(h.fake.reviewComments[0]?.body).toContain(`**Path:** ${path}`);
    expect(h.fake.checkRuns[0]!.output.summary).toContain(`Path: ${path}`);
  });

  it("passes when the route names the HTTPS listener", async () => {
    const h = await open(migrationRepository(1, { sectionName: "https" }));
    expect(h.fake.checkRuns[0]!.conclusion).toBe("success");
    expect(h.fake.checkRuns[0]!.annotations).toEqual([]);
    expect(h.fake.reviewComments).toEqual([]);
  });

  it("costs the same requests for 1 and 40 migrated routes", async () => {
    const counts: number[] = [];
    for (const count of [1, 40]) {
      const h = await open(migrationRepository(count, { sectionName: "https" }));
      expect(h.fake.checkRuns[0]!.conclusion).toBe("success");
      counts.push(h.fake.requests.length);
      await h.close();
      harness = undefined;
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("without the Gateway in the tree, assumes it public and says so, judging no TLS", async () => {
    const repository = migrationRepository(1);
    repository.mergeBase.delete("infra/gateway.yaml");
    repository.head.delete("infra/gateway.yaml");
    const h = await open(repository);
    const run = h.fake.checkRuns[0]!;
    expect(run.conclusion).toBe("success");
    expect(run.annotations).toEqual([]);
  });
});
