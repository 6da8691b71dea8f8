/**
 * Unreadable files say what they hide: the error entry of a broken piece lists the objects of the
 * other side that it spells out, merge conflicts are named, and only breakage the change introduced
 * lowers the conclusion. The search for hidden objects is linear in the file.
 */
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { parseMessages } from "../../src/core/manifest.js";
import type { Report } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
import { brokenBaseFile } from "../helpers/hostile.js";

type Tree = Record<string, string>;

function reviewTrees(base: Tree, head: Tree, config = {}): Report {
  const files = (tree: Tree) => Object.entries(tree).map(([path, text]) => ({ path, text }));
  return review({ base: files(base), head: files(head), config: configSchema.parse(config) });
}

const edgeProxy = `apiVersion: v1
kind: Service
metadata:
  name: edge-proxy
  namespace: edge
spec:
  type: LoadBalancer
  ports:
    - port: 443
`;
const settings = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: edge
data:
  mode: "strict"
`;

/** The Service with a merge conflict in its spec: markers at lines 6, 8 and 10. */
const conflicted = `apiVersion: v1
kind: Service
metadata:
  name: edge-proxy
  namespace: edge
<<<<<<< HEAD
spec: {type: LoadBalancer, ports: [{port: 443}]}
=======
spec: {type: ClusterIP, ports: [{port: 443}]}
>>>>>>> internal-only
`;

describe("an unreadable document names the objects it hides", () => {
  it("a merge conflict on the head side: named as such, hiding the Service, lowering the conclusion", () => {
    const report = reviewTrees({ "edge.yaml": edgeProxy }, { "edge.yaml": conflicted });
    expect(report.objects).toEqual([]);
    expect(report.errors).toEqual([
      {
        file: "edge.yaml",
        line: 6,
        reason: "syntax",
        side: "head",
        message: parseMessages.conflict(6, "<<<<<<<"),
        conflictMarkers: true,
        new: true,
        hides: ["Service/edge/edge-proxy"],
      },
    ]);
    expect(report.conclusion).toBe("neutral");
  });

  it("lists only what the broken piece spells out, not its neighbours", () => {
    const gateway = edgeProxy.replace("edge-proxy", "gateway");
    const head = `${settings}---\n${gateway}---\n${conflicted}`;
    const base = `${settings}---\n${gateway}---\n${edgeProxy}`;
    const report = reviewTrees({ "edge.yaml": base }, { "edge.yaml": head });
    expect(report.errors.map((error) => [error.line, error.hides])).toEqual([[24, ["Service/edge/edge-proxy"]]]);
  });

  it("a broken base document hides the head's object there, which is reviewed as new (fail closed)", () => {
    const report = reviewTrees({ "edge.yaml": conflicted }, { "edge.yaml": edgeProxy });
    expect(report.errors.map((error) => [error.side, error.hides])).toEqual([["base", ["Service/edge/edge-proxy"]]]);
    expect(report.objects.map((object) => [object.id, object.change, object.classification])).toEqual([["Service/edge/edge-proxy", "added", "public"]]);
    const findings = report.objects[0]!.findings;
    expect(findings.map((finding) => [finding.rule, finding.new])).toEqual([["public-loadbalancer", true]]);
    expect(findings[0]!.message).toContain("Its base side could not be read (edge.yaml line 6)");
    // The merge deploys a public load balancer that nothing shows was there before: the check says so.
    expect(report.conclusion).toBe("neutral");
  });

  it("a head object that a broken base piece does not spell out is plainly added", () => {
    const report = reviewTrees({ "edge.yaml": `${conflicted}---
${settings}` }, { "edge.yaml": `${settings}---
${edgeProxy.replaceAll("edge-proxy", "other")}` });
    expect(report.errors.map((error) => error.hides ?? [])).toEqual([[]]);
    expect(report.objects[0]!.findings[0]!.message).not.toContain("could not be read");
  });

  it("a whole file that cannot be read hides every object of its other side", () => {
    const report = review({
      base: [{ path: "edge.yaml", text: `${settings}---\n${edgeProxy}` }],
      head: [{ path: "edge.yaml", unreadable: "binary", size: 10 }],
    });
    expect(report.objects).toEqual([]);
    expect(report.errors.map((error) => [error.reason, error.hides])).toEqual([["binary", ["Service/edge/edge-proxy"]]]);
  });

  it("a templated document hides any object of a kind it spells out", () => {
    const templated = edgeProxy.replace("name: edge-proxy", "name: {{ .Values.name }}");
    const report = reviewTrees({ "edge.yaml": edgeProxy }, { "edge.yaml": templated });
    expect(report.objects).toEqual([]);
    expect(report.errors.map((error) => [error.reason, error.hides])).toEqual([["template", ["Service/edge/edge-proxy"]]]);
  });
});

describe("only breakage the change introduced lowers the conclusion", () => {
  const broken = `${settings}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\n spec: {}\n`;

  it("a document broken the same way on both sides is not new and leaves the conclusion alone", () => {
    const report = reviewTrees({ "edge.yaml": broken }, { "edge.yaml": `${broken}---\n${edgeProxy.replace("LoadBalancer", "ClusterIP")}` });
    const head = report.errors.filter((error) => error.side === "head");
    expect(head.map((error) => [error.reason, error.new])).toEqual([["syntax", false]]);
    expect(report.conclusion).toBe("success");
  });

  it("counts it when the config counts pre-existing findings", () => {
    const report = reviewTrees({ "edge.yaml": broken }, { "edge.yaml": `${broken}---\n${settings.replace("settings", "more")}` }, { conclusion: { preexisting: "count" } });
    expect(report.conclusion).toBe("neutral");
  });

  it("a piece that broke differently is new", () => {
    const worse = broken.replace(" spec: {}", " spec: {}\n  oops");
    const report = reviewTrees({ "edge.yaml": broken }, { "edge.yaml": worse });
    expect(report.errors.filter((error) => error.side === "head").map((error) => error.new)).toEqual([true]);
    expect(report.conclusion).toBe("neutral");
  });

  it("a file with the same text on both sides is not under review: no entry on either side", () => {
    const report = reviewTrees({ "old.yaml": broken, "edge.yaml": settings }, { "old.yaml": broken, "edge.yaml": edgeProxy });
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => object.id)).toEqual(["Service/edge/edge-proxy"]);
  });
});

describe("the hidden-object search is linear", () => {
  // 2,000 objects (250 kB) here; `npm run bench` times the 1 MB file (8,000 objects), which the old
  // quadratic search took over a minute for.
  it("a file broken on the base side in every document and valid on the head side hides each object, once", () => {
    const { base, head } = brokenBaseFile(2_000);
    const report = reviewTrees({ "big.yaml": base }, { "big.yaml": head });
    expect(report.objects).toHaveLength(2_000);
    expect(report.errors).toHaveLength(2_000);
    expect(report.errors.every((error) => error.hides?.length === 1)).toBe(true);
    expect(new Set(report.errors.flatMap((error) => error.hides ?? [])).size).toBe(2_000);
  }, 120_000);

  it("one broken base piece and many head objects", () => {
    const { head } = brokenBaseFile(2_000);
    const report = reviewTrees({ "big.yaml": `\t${head.replaceAll("---\n", "")}` }, { "big.yaml": head });
    expect(report.objects).toHaveLength(2_000);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.hides).toHaveLength(2_000);
  }, 120_000);
});
