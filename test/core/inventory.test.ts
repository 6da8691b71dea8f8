/**
 * The inventory of one tree: every exposure object with its level and surface, most exposed first,
 * with the findings that hold now, and the conclusion of what it lists.
 */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { inventory } from "../../src/core/inventory.js";
import { review } from "../../src/core/review.js";
import { toInventoryJson } from "../../src/report/inventory.js";
import { readFixture } from "../helpers/fixtures.js";

const file = (path: string, text: string) => ({ path, text });

const clusterIp = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec:
  ports: [{ port: 8080 }]
`;
const nodePortDb = `apiVersion: v1
kind: Service
metadata: { name: db, namespace: shop }
spec:
  type: NodePort
  ports: [{ port: 5432, nodePort: 30432 }]
`;
const restrictedLb = `apiVersion: v1
kind: Service
metadata: { name: edge, namespace: shop }
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8]
  ports: [{ port: 443, name: https }]
`;
const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  ingressClassName: nginx
  tls: [{ hosts: [shop.example.com], secretName: web-tls }]
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 8080 } } } }] }
    - host: admin.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: api, port: { number: 8080 } } } }] }
`;
const tree = [file("a/api.yaml", clusterIp), file("b/db.yaml", nodePortDb), file("c/edge.yaml", restrictedLb), file("d/web.yaml", ingress)];

describe("inventory", () => {
  it("lists every exposure object, public first, then by file, with entry points, TLS and allow-list", () => {
    const json = toInventoryJson(inventory({ files: tree }));
    expect(json.objects.map((o) => [`${o.kind}/${o.namespace}/${o.name}`, o.level])).toEqual([
      ["Ingress/shop/web", "public"],
      ["Service/shop/edge", "private"],
      ["Service/shop/db", "node"],
      ["Service/shop/api", "cluster"],
    ]);
    const [web, edge, db, api] = json.objects;
    expect(web!.entryPoints.map((e) => [e.key, e.tls])).toEqual([
      ["shop.example.com/", true],
      ["admin.example.com/", false],
    ]);
    expect(web!.ingressClass).toBe("nginx");
    expect(edge!.allowList).toEqual({ cidrs: ["10.0.0.0/8"], source: "spec.loadBalancerSourceRanges", line: 6 });
    expect(db!.entryPoints.map((e) => e.key)).toEqual(["TCP/30432"]);
    expect(db!.type).toBe("NodePort");
    expect(api!.entryPoints).toEqual([]);
    expect(json.counts).toEqual({ listed: 4, total: 4, public: 1, private: 1, node: 1, cluster: 1 });
  });

  it("carries the findings that hold now, decided as a review adding the tree would decide them", () => {
    const listed = inventory({ files: tree });
    const rules = Object.fromEntries(listed.report.objects.map((o) => [o.name, o.findings.map((f) => f.rule)]));
    expect(rules).toEqual({
      web: ["public-without-tls"],
      edge: [],
      db: ["nodeport", "sensitive-port-exposed"],
      api: [],
    });
    expect(listed.report.conclusion).toBe("failure");
    // One code path: the same objects and findings as the review of the tree against an empty base.
    const reviewed = review({ base: [], head: tree });
    expect(listed.report.objects.map((o) => o.id).sort()).toEqual(reviewed.objects.map((o) => o.id).sort());
    expect(listed.report.objects.flatMap((o) => o.findings)).toHaveLength(reviewed.objects.flatMap((o) => o.findings).length);
  });

  it("--level filters to that level and above, and the conclusion follows what is listed", () => {
    const publicOnly = inventory({ files: tree.filter((f) => f.path !== "d/web.yaml"), minLevel: "public" });
    expect(publicOnly.report.objects).toEqual([]);
    expect(publicOnly.total).toBe(3);
    // The NodePort database fails a full scan, but is not listed at --level public.
    expect(publicOnly.report.conclusion).toBe("success");
    expect(inventory({ files: tree, minLevel: "private" }).report.objects.map((o) => o.name)).toEqual(["web", "edge"]);
  });

  it("applies the config: internal classes, rules off, suppressions", () => {
    const config = configSchema.parse({
      ingress: { internalClasses: ["nginx"] },
      rules: { nodeport: "off" },
      suppressions: [{ rule: "sensitive-port-exposed", object: "Service/shop/db", reason: "lab cluster" }],
    });
    const listed = inventory({ files: tree, config });
    const web = listed.report.objects.find((o) => o.name === "web")!;
    expect(web.level.head).toBe("private");
    const db = listed.report.objects.find((o) => o.name === "db")!;
    expect(db.findings).toEqual([]);
    expect(db.suppressed.map((s) => [s.rule, s.reason])).toEqual([["sensitive-port-exposed", "lab cluster"]]);
    expect(listed.report.conclusion).toBe("success");
  });

  it("reports unreadable files and still lists the rest", async () => {
    const listed = inventory({ files: [...tree, file("e/broken.yaml", "kind: Service\n  bad: [\n")] });
    expect(listed.report.errors.map((e) => [e.file, e.reason])).toEqual([["e/broken.yaml", "syntax"]]);
    expect(listed.report.objects).toHaveLength(4);
    const fixture = await readFixture("clusterip-to-nodeport-pinned-fires");
    expect(inventory({ files: fixture.head }).report.objects.map((o) => o.level.head)).toEqual(["node"]);
  });
});
