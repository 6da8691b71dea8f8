/**
 * Properties of the parser and the review that hold for every input, checked with fast-check on
 * generated ones: text a pull request could hold (YAML-ish fragments, arbitrary strings) and sets of
 * Services and Ingresses written on both sides of a change.
 *
 * `npm test` runs a bounded number of inputs per property (PROPERTY_RUNS, 200 by default: a few seconds);
 * `npm run fuzz` runs many more (FUZZ_RUNS, 10,000 by default). A failure prints the seed and the shrunk
 * input; `FUZZ_SEED=<seed>` replays it.
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { parseManifestFile } from "../../src/core/manifest.js";
import { type Classification, levelRank, type ManifestFile, type ObjectReport, type Report, type ReviewError } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? process.env.PROPERTY_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? {} : { seed: Number(process.env.FUZZ_SEED) };
const PARAMETERS = { numRuns: RUNS, ...SEED };
/**
 * Generous: a review of two generated sides takes a few ms, tens on a loaded machine, and `npm run fuzz`
 * runs thousands of inputs per property (10,000 took 10 minutes for the swap property on a shared runner).
 */
const TIMEOUT_MS = 60_000 + RUNS * 200;
const CONFIG = configSchema.parse({});

/** Pieces manifests are made of, and pieces that break them: indentation, flow, anchors, merges, templates, conflicts. */
const FRAGMENTS = [
  "apiVersion: v1\n", "kind: Service\n", "kind: Ingress\n", "kind: List\n", "items:\n", "metadata:\n", "  name: web\n", "  namespace: shop\n",
  "spec:\n", "  type: LoadBalancer\n", "  type: NodePort\n", "  ports:\n", "    - port: 80\n", "  - port: 5432\n", "  rules:\n", "  - host: a.example.com\n",
  "---\n", "--- # c\n", "...\n", "- ", "  ", "\t", "\n", "\r\n", "{", "}", "[", "]", ": ", ":", ", ", "\"", "'", "#", "? ", "|\n", ">-\n", "!!str ", "!tag ",
  "&a ", "*a", "&b ", "*b", "<<: ", "{{ .Values.name }}", "${{ x }}", "%YAML 1.2\n", "<<<<<<< HEAD\n", "=======\n", ">>>>>>> main\n", "\ufeff", "\u00a0",
  "__proto__: ", "constructor: ", "x", "0", "-1", "1e9", "null", "~", "true", "é", "\u2028", "\0",
];

const yamlish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(""));
const anyText = fc.oneof(yamlish, fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }));

function lineCount(text: string): number {
  return text.split("\n").length;
}

/** Whole-file errors carry no line (nothing in the file was read); every other one is on a line of the file. */
function expectWithin(error: ReviewError, lines: number): void {
  if (error.line === undefined) {
    expect(WHOLE_FILE_REASONS).toContain(error.reason);
    return;
  }
  expect(error.line).toBeGreaterThanOrEqual(1);
  expect(error.line).toBeLessThanOrEqual(lines);
}
const WHOLE_FILE_REASONS: readonly ReviewError["reason"][] = ["binary", "too-large", "unavailable"];

describe("the parser, on any text", () => {
  it("never throws, and every object and error points at a line of the file", () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom("base", "head") as fc.Arbitrary<"base" | "head">, (text, side) => {
        const parsed = parseManifestFile({ path: "k8s/x.yaml", text }, side);
        const lines = lineCount(text);
        for (const error of parsed.errors) {
          expect(error.file).toBe("k8s/x.yaml");
          expect(error.side).toBe(side);
          expectWithin(error, lines);
        }
        for (const object of parsed.objects) {
          expect(object.line).toBeGreaterThanOrEqual(1);
          expect(object.line).toBeLessThanOrEqual(lines);
        }
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);

  it("leaves Object.prototype alone", () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        parseManifestFile({ path: "x.yaml", text }, "head");
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);
});

describe("the review, on any text", () => {
  it("never throws, and every error points at a line of its file on its side", () => {
    fc.assert(
      fc.property(anyText, anyText, (baseText, headText) => {
        const report = review({ base: [{ path: "a.yaml", text: baseText }], head: [{ path: "a.yaml", text: headText }], config: CONFIG });
        for (const error of report.errors) {
          const text = error.side === "base" ? baseText : headText;
          expect(error.file).toBe("a.yaml");
          expectWithin(error, lineCount(text));
        }
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------
// Generated exposure objects: small domains, so the two sides of a change often share identities.

const name = fc.constantFrom("web", "api", "db");
const namespace = fc.constantFrom("shop", "edge");

const service = fc
  .record({
    name,
    namespace,
    type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"),
    ports: fc.uniqueArray(fc.constantFrom(80, 443, 5432, 8080), { minLength: 1, maxLength: 3 }),
    internal: fc.boolean(),
    sourceRanges: fc.option(fc.subarray(["10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16"], { minLength: 1 }), { nil: undefined }),
    externalIPs: fc.boolean(),
  })
  .map((s) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: s.name,
      namespace: s.namespace,
      ...(s.internal ? { annotations: { "networking.gke.io/load-balancer-type": "Internal" } } : {}),
    },
    spec: {
      type: s.type,
      selector: { app: s.name },
      ports: s.ports.map((port) => ({ port, ...(port === 80 ? { name: "http" } : {}) })),
      ...(s.sourceRanges ? { loadBalancerSourceRanges: s.sourceRanges } : {}),
      ...(s.externalIPs ? { externalIPs: ["203.0.113.7"] } : {}),
    },
  }));

const ingress = fc
  .record({
    name,
    namespace,
    className: fc.option(fc.constantFrom("nginx", "internal"), { nil: undefined }),
    hosts: fc.uniqueArray(fc.constantFrom("a.example.com", "b.example.com", "*.example.com"), { minLength: 1, maxLength: 3 }),
    tls: fc.subarray(["a.example.com", "b.example.com", "*.example.com"]),
    port: fc.constantFrom(80, 5432),
  })
  .map((i) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: { name: i.name, namespace: i.namespace },
    spec: {
      ...(i.className ? { ingressClassName: i.className } : {}),
      ...(i.tls.length > 0 ? { tls: [{ hosts: i.tls, secretName: "cert" }] } : {}),
      rules: i.hosts.map((host) => ({
        host,
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: i.port } } } }] },
      })),
    },
  }));

type Body = { kind: string; metadata: { name: string; namespace: string } };

/** At most one object per identity: the review pairs by `kind/namespace/name`. */
const objects = fc.uniqueArray(fc.oneof(service, ingress), { maxLength: 6, selector: (o: Body) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` });

function file(bodies: readonly object[], style: "block" | "flow" = "block", path = "k8s/all.yaml"): ManifestFile[] {
  if (bodies.length === 0) return [];
  const text = bodies.map((body) => (style === "block" ? stringify(body) : `${JSON.stringify(body)}\n`)).join("---\n");
  return [{ path, text }];
}

function reviewSides(base: readonly object[], head: readonly object[]): Report {
  return review({ base: file(base), head: file(head), config: CONFIG });
}

function byId(report: Report): Map<string, ObjectReport> {
  return new Map(report.objects.map((object) => [object.id, object]));
}

const GROWTH: readonly Classification[] = ["public", "widened"];
const SHRINKAGE: readonly Classification[] = ["internal", "narrowed"];

describe("the review of generated Services and Ingresses", () => {
  it("finds nothing between the same objects written in another style and order", () => {
    fc.assert(
      fc.property(objects, (bodies) => {
        const report = review({ base: file(bodies, "block"), head: file([...bodies].reverse(), "flow"), config: CONFIG });
        expect(report.errors).toEqual([]);
        expect(report.objects.flatMap((object) => object.findings)).toEqual([]);
        expect(report.objects.map((object) => object.classification).filter((c) => c !== "unchanged")).toEqual([]);
        expect(report.conclusion).toBe("success");
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);

  it("swapping base and head keeps the identities, swaps added and removed and the levels, and turns the classification around where the contract makes it symmetric", () => {
    fc.assert(
      fc.property(objects, objects, (base, head) => {
        const forward = byId(reviewSides(base, head));
        const backward = byId(reviewSides(head, base));
        expect([...backward.keys()].sort()).toEqual([...forward.keys()].sort());
        const swapped = { added: "removed", removed: "added", modified: "modified" } as const;
        for (const [id, there] of forward) {
          const back = backward.get(id)!;
          expect(back.change).toBe(swapped[there.change]);
          expect(back.level).toEqual({ base: there.level.head, head: there.level.base });
          if (there.change !== "modified") continue;
          const rise = levelRank(there.level.head) - levelRank(there.level.base);
          if (rise > 0) {
            // The level rose one way, so it fell the other.
            expect(GROWTH).toContain(there.classification);
            expect(SHRINKAGE).toContain(back.classification);
          } else if (rise === 0) {
            // Same level: nothing changed either way, or it only shrank one way and so only grew the
            // other. (Growth both ways, a port swapped, is `widened` both ways: growth wins.)
            expect(there.classification === "unchanged").toBe(back.classification === "unchanged");
            if (there.classification === "narrowed") expect(back.classification).toBe("widened");
          }
        }
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);

  it("an object on one side only is removed one way and added the other, and a removed object has no findings", () => {
    fc.assert(
      fc.property(objects, (bodies) => {
        const added = reviewSides([], bodies);
        const removed = reviewSides(bodies, []);
        expect(added.objects.map((object) => object.change).filter((change) => change !== "added")).toEqual([]);
        expect(removed.objects.map((object) => [object.change, object.classification, object.findings.length])).toEqual(
          removed.objects.map(() => ["removed", "removed", 0]),
        );
        expect(removed.objects.map((object) => object.id).sort()).toEqual(added.objects.map((object) => object.id).sort());
      }),
      PARAMETERS,
    );
  }, TIMEOUT_MS);
});
