import { describe, expect, it } from "vitest";
import type { EntryPoint, ObjectReport, Report } from "../../src/core/model.js";
import { diffLines } from "../../src/github/patch.js";
import { planReview } from "../../src/report/comments.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { exposurePathLine, shownPathLine } from "../../src/report/path.js";
import { renderText } from "../../src/report/text.js";

/** A hand-built object: the renderers see only the Report, never review(). */
function object(overrides: Partial<ObjectReport>): ObjectReport {
  return {
    kind: "HTTPRoute",
    namespace: "shop",
    name: "store",
    id: "HTTPRoute/shop/store",
    file: "k8s/route.yaml",
    line: 1,
    change: "added",
    classification: "public",
    level: { base: "none", head: "public" },
    findings: [],
    suppressed: [],
    reach: {},
    changes: [],
    ...overrides,
  } as ObjectReport;
}

const port = (portNumber: number, tls: boolean): EntryPoint => ({ key: `h:${portNumber}`, kind: "port", port: portNumber, host: "h", tls, line: 1 });

describe("exposurePathLine", () => {
  it("a route reached through a Gateway: internet, the Gateway and its port, the route, the Service and port, the workload", () => {
    const line = exposurePathLine(
      object({
        exposes: [
          {
            service: "shop/store",
            port: 80,
            workloads: ["Deployment/shop/store"],
            via: [{ label: "Gateway infra/public", ports: [443] }],
            found: true,
          },
        ],
      }),
    );
    expect(line).toBe("internet → Gateway infra/public :443 → HTTPRoute shop/store → Service shop/store:80 → Deployment shop/store");
  });

  it("a Gateway: itself at the port clients use (TLS first), then the attached route", () => {
    const line = exposurePathLine(
      object({
        kind: "Gateway",
        namespace: "istio-system",
        name: "public",
        reach: { head: { level: "public", levelLine: 1, why: [], entryPoints: [port(80, false), port(443, true)] } },
        exposes: [{ service: "shop/store", port: 80, workloads: ["Deployment/shop/store"], route: "VirtualService/shop/store", found: true }],
      }),
    );
    expect(line).toBe("internet → Gateway istio-system/public :443 → VirtualService shop/store → Service shop/store:80 → Deployment shop/store");
  });

  it("a Service is its own way in; a private one starts in the private network", () => {
    const line = exposurePathLine(
      object({
        kind: "Service",
        name: "web",
        level: { base: "cluster", head: "private" },
        exposes: [{ service: "shop/web", port: 443, workloads: ["Deployment/shop/web", "StatefulSet/shop/web-cache"], found: true }],
      }),
    );
    expect(line).toBe("private network → Service shop/web:443 → Deployment shop/web, StatefulSet shop/web-cache");
  });

  it("says when the Service is not in the tree, or selects no workload, and counts the other paths", () => {
    expect(
      exposurePathLine(
        object({
          kind: "Ingress",
          exposes: [
            { service: "shop/gone", port: "http", workloads: [], found: false },
            { service: "shop/idle", port: 80, workloads: [], found: true },
          ],
        }),
      ),
    ).toBe("internet → Ingress shop/store → Service shop/idle:80 → no workload in the tree (+1 more)");
    expect(exposurePathLine(object({ kind: "Route", exposes: [{ service: "shop/gone", port: "http", workloads: [], found: false }] }))).toBe(
      "internet → Route shop/store → Service shop/gone:http (not in the tree)",
    );
  });

  it("prefers the path that reaches a workload", () => {
    const line = exposurePathLine(
      object({
        kind: "IngressRoute",
        exposes: [
          { service: "shop/a", workloads: [], found: true },
          { service: "shop/b", port: 8080, workloads: ["Pod/shop/b"], found: true },
        ],
      }),
    );
    expect(line).toBe("internet → IngressRoute shop/store → Service shop/b:8080 → Pod shop/b (+1 more)");
  });

  it("is undefined without exposes; shown only for public and widened objects", () => {
    expect(exposurePathLine(object({}))).toBeUndefined();
    expect(exposurePathLine(object({ exposes: [] }))).toBeUndefined();
    const exposes = [{ service: "shop/store", port: 80, workloads: [], found: true }];
    expect(shownPathLine(object({ exposes, classification: "widened" }))).toBe("internet → HTTPRoute shop/store → Service shop/store:80 → no workload in the tree");
    expect(shownPathLine(object({ exposes, classification: "narrowed" }))).toBeUndefined();
    expect(shownPathLine(object({ exposes, classification: "internal", level: { base: "public", head: "cluster" } }))).toBeUndefined();
  });
});

describe("the path line in each face", () => {
  const route = object({
    file: "k8s/route.yaml",
    findings: [
      { rule: "public-without-tls", severity: "failure", new: true, line: 9, message: "HTTPRoute shop/store serves store.example.com/ without TLS.", recommendation: "Attach it to an HTTPS listener." },
    ],
    exposes: [{ service: "shop/store", port: 80, workloads: ["Deployment/shop/store"], via: [{ label: "Gateway infra/public", ports: [443] }], found: true }],
  });
  const report: Report = { version: 1, conclusion: "failure", objects: [route], errors: [], stats: { baseFiles: 1, headFiles: 1, objectsCompared: 1 } };
  const line = "internet → Gateway infra/public :443 → HTTPRoute shop/store → Service shop/store:80 → Deployment shop/store";

  it("text: under the object's header", () => {
    expect(renderText(report).split("\n").slice(0, 2)).toEqual([
      "HTTPRoute shop/store  k8s/route.yaml:1  PUBLIC  none → public",
      `  path ${line}`,
    ]);
  });

  it("markdown (the check summary): in the object's details, escaped", () => {
    expect(renderMarkdown(report)).toContain(`\n\nPath: ${line}\n`);
  });

  it("the review comment of the object's finding", () => {
    const added = ["@@ -0,0 +1,10 @@", ...Array.from({ length: 10 }, (_, index) => `+line ${index + 1}`)].join("\n");
    const spanned: Report = { ...report, objects: [{ ...route, span: { head: { line: 1, endLine: 10 } } }] };
    const [comment] = planReview(spanned, [{ path: "k8s/route.yaml", diff: diffLines(added) }]).comments;
    expect(comment?.body).toContain(`\n\n**Path:** ${line}\n\n**Fix:**`);
  });
});
