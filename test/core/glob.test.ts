import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { expandBraces, globMatcher, wildcardMatch } from "../../src/core/glob.js";
import { parseManifestFile, parseMessages } from "../../src/core/manifest.js";
import { objectMatches } from "../../src/core/policy.js";

describe("globMatcher: the paths globs", () => {
  const paths = [
    "web.yaml",
    "k8s/web.yaml",
    "k8s/prod/web.yml",
    ".k8s/web.yaml",
    "k8s/.hidden/web.json",
    "charts/web/templates/service.yaml",
    "charts/web/values.yaml",
    "charts/templates/x.yaml",
    "deploy/overlays/prod/kustomization.yaml",
    "docs/readme.md",
    "a-b-c-d-x",
    "dir/a-b-c-d-x",
    "img[1].yaml",
    "v1.2/svc.yaml",
  ];
  const patterns = [
    "**/*.yaml",
    "**/*.{yaml,yml}",
    "*.yaml",
    "k8s/**",
    "charts/**/templates/**",
    "**/templates/*.yaml",
    "**/*-*-*-*-x",
    "k8s/*/web.y?ml",
    "**/[a-d]*.yaml",
    "**/[^w]*.yaml",
    "deploy/{overlays,base}/**/kustomization.yaml",
    "**/img\\[1\\].yaml",
    "v1.2/*",
  ];

  it.each(patterns)("agrees with picomatch (dot: true) on %s", (pattern) => {
    const reference = picomatch(pattern, { dot: true });
    const ours = globMatcher([pattern]);
    expect(paths.filter(ours)).toEqual(paths.filter((path) => reference(path)));
  });

  it("negates a class with ! as the shell does (picomatch reads [!w] as the characters ! and w)", () => {
    const matcher = globMatcher(["**/[!w]*.yaml"]);
    expect(["k8s/web.yaml", "k8s/api.yaml", "x/!w.yaml"].map(matcher)).toEqual([false, true, true]);
  });

  it("matches when any pattern does", () => {
    const matcher = globMatcher(["**/*.json", "k8s/*.yaml"]);
    expect(["k8s/web.yaml", "a/b.json", "a/b.yaml"].map(matcher)).toEqual([true, true, false]);
  });

  it("takes a long hostile segment in one pass instead of backtracking", () => {
    // A backtracking regular expression for this pattern is O(n^4) on a run of dashes.
    const matcher = globMatcher(["**/*-*-*-*-x"]);
    expect(matcher(`deploy/${"-".repeat(200_000)}`)).toBe(false);
    expect(matcher(`deploy/${"-".repeat(200_000)}x`)).toBe(true);
    expect(globMatcher(["**/**/**/**/**/*.yaml"])(`${"a/".repeat(20_000)}b.yml`)).toBe(false);
  });

  it("caps brace expansion instead of multiplying it", () => {
    expect(expandBraces("{a,b}/{c,d}.yaml")).toEqual(["a/c.yaml", "a/d.yaml", "b/c.yaml", "b/d.yaml"]);
    expect(expandBraces("x{a,b{c,d}}")).toEqual(["xa", "xbc", "xbd"]);
    expect(expandBraces("{a,b}".repeat(40)).length).toBe(256);
    expect(expandBraces("{literal}.yaml")).toEqual(["\\{literal}.yaml"]);
  });
});

describe("wildcardMatch and objectMatches: suppression patterns", () => {
  it.each([
    ["*", "anything", true],
    ["web", "web", true],
    ["web", "web-2", false],
    ["web-*", "web-2", true],
    ["*-canary", "shop-canary", true],
    ["*-canary", "canary", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["*.*", "x.y", true],
    ["edge-?", "edge-?", true],
    ["edge-?", "edge-1", false],
  ])("%s against %s is %s", (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it("matches Kind/namespace/name part by part", () => {
    const object = { kind: "Service", namespace: "edge", name: "gateway-blue" };
    expect(objectMatches("Service/edge/gateway-*", object)).toBe(true);
    expect(objectMatches("Service/*/gateway-blue", object)).toBe(true);
    expect(objectMatches("Service/edge*gateway-blue", object)).toBe(false);
    expect(objectMatches("Ingress/edge/*", object)).toBe(false);
  });

  it("takes the pattern that backtracked for minutes against a long name in one pass", () => {
    const name = "a-".repeat(500_000);
    expect(objectMatches("Service/*/*-*-*-*-x", { kind: "Service", namespace: "ns", name })).toBe(false);
    expect(objectMatches("Service/*/*-*-*-*-x", { kind: "Service", namespace: "ns", name: `${name}x` })).toBe(true);
    expect(wildcardMatch(`${"*a".repeat(2_000)}*b`, "a".repeat(1_000_000))).toBe(false);
  });
});

describe("names longer than Kubernetes allows", () => {
  it("are refused by the parser, so no pattern ever meets them", () => {
    const service = (name: string, namespace = "shop") => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${namespace}}\n`;
    const parse = (text: string) => parseManifestFile({ path: "k8s/long.yaml", text }, "head");
    expect(parse(service("a".repeat(253))).objects.map((object) => object.name.length)).toEqual([253]);
    const long = parse(service("a".repeat(254)));
    expect(long.objects).toEqual([]);
    expect(long.errors.map((error) => [error.reason, error.line, error.message])).toEqual([["syntax", 1, parseMessages.nameTooLong("Service", "name", 254, 253)]]);
    expect(parse(service("web", "n".repeat(64))).errors.map((error) => error.message)).toEqual([parseMessages.nameTooLong("Service", "namespace", 64, 63)]);
  });
});
