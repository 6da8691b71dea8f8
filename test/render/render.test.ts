/**
 * The render stage with the real engines (installed by npm ci) and a local Helm repository on
 * 127.0.0.1, on hand-written fixtures: which objects are reviewed, their targets, their findings, and
 * the exact file and line every finding points at.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import type { Report } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
import { createChartFetcher } from "../../src/render/charts.js";
import { createEngines } from "../../src/render/engines.js";
import { RenderCache, renderChanges } from "../../src/render/index.js";
import { type FixtureSides, memoryTree, RENDER_FIXTURES, renderFixture } from "./fixture-trees.js";
import { startEchoChartRepository, type HelmRepositoryServer } from "./servers/index.js";

let charts: HelmRepositoryServer;
beforeAll(async () => {
  charts = await startEchoChartRepository();
});
afterAll(() => charts.close());

const engines = createEngines();

function configWith(render: Partial<Config["render"]> = {}): Config {
  return { ...DEFAULT_CONFIG, render: { ...DEFAULT_CONFIG.render, repositories: [`${charts.url}/`], ...render } };
}

async function reviewFixture(fixture: FixtureSides, config = configWith()): Promise<Report> {
  const rendered = await renderChanges({
    base: memoryTree(fixture.base),
    head: memoryTree(fixture.head),
    changedPaths: fixture.changedPaths,
    config,
    engines,
    charts: createChartFetcher(),
  });
  return review({ base: fixture.baseFiles, head: fixture.headFiles, config, rendered });
}

/** Every finding as `rule file:line`, the shape a reviewer meets them in. */
const where = (report: Report) =>
  report.objects.flatMap((object) => object.findings.map((finding) => `${object.target} ${object.id.split(" ").at(-1)} ${finding.rule} ${finding.file ?? object.file}:${finding.line}`));

const CHARTS = () => ({ "${CHARTS_URL}": `${charts.url}/` });

describe("a chart of the repository whose values make its Service a load balancer", () => {
  it("reviews the rendered Service under its target, with findings on the values and template lines", async () => {
    const report = await reviewFixture(renderFixture("chart-values"));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, object.target, `${object.file}:${object.line}`, object.classification])).toEqual([
      ["helm:charts/web Service/default/web", "helm:charts/web", "charts/web/Chart.yaml:1", "public"],
    ]);
    expect(where(report)).toEqual([
      "helm:charts/web Service/default/web public-loadbalancer charts/web/values.yaml:2",
      // Port 8080 was already there: the template line that writes the port item.
      "helm:charts/web Service/default/web public-without-tls charts/web/templates/service.yaml:12",
    ]);
    expect(report.objects[0]!.findings[0]!.fix).toEqual({ startLine: 2, endLine: 2, replacement: "  type: ClusterIP" });
    expect(report.conclusion).toBe("failure");
  }, 60_000);
});

describe("a Flux HelmRelease from a Helm repository", () => {
  it("makes Service media/plex public on the type line of spec.values, with ClusterIP as the suggestion", async () => {
    const report = await reviewFixture(renderFixture("helmrelease", CHARTS()));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, object.change, object.classification, `${object.file}:${object.line}`])).toEqual([
      ["HelmRelease/media/plex Service/media/plex", "modified", "public", "kubernetes/apps/media/plex/helmrelease.yaml:1"],
      ["HelmRelease/media/plex Ingress/media/plex", "added", "public", "kubernetes/apps/media/plex/helmrelease.yaml:1"],
    ]);
    expect(where(report)).toEqual([
      "HelmRelease/media/plex Service/media/plex public-loadbalancer kubernetes/apps/media/plex/helmrelease.yaml:17",
      // Port 32400 is set on both sides and the chart is not in the repository: the HelmRelease itself.
      "HelmRelease/media/plex Service/media/plex public-without-tls kubernetes/apps/media/plex/helmrelease.yaml:1",
      // The host comes from `${SECRET_DOMAIN:=example.com}`, taken as its default.
      "HelmRelease/media/plex Ingress/media/plex public-without-tls kubernetes/apps/media/plex/helmrelease.yaml:21",
    ]);
    const loadBalancer = report.objects[0]!.findings[0]!;
    expect(loadBalancer.message).toContain("Service media/plex is a LoadBalancer reachable from the internet");
    expect(loadBalancer.fix).toEqual({ startLine: 17, endLine: 17, replacement: "      type: ClusterIP" });
    expect(charts.requests).toContain("GET /echo-1.2.0.tgz");
  }, 60_000);

  it("a long-lived process renders the same release of the same archive once: the next review reuses it", async () => {
    const fixture = renderFixture("helmrelease", CHARTS());
    const runs: string[] = [];
    const counting = { ...engines, helmTemplate: (request: Parameters<typeof engines.helmTemplate>[0], budget: Parameters<typeof engines.helmTemplate>[1]) => (runs.push(request.release), engines.helmTemplate(request, budget)) };
    const renders = new RenderCache();
    const fetcher = createChartFetcher();
    const once = () =>
      renderChanges({ base: memoryTree(fixture.base), head: memoryTree(fixture.head), changedPaths: fixture.changedPaths, config: configWith(), engines: counting, charts: fetcher, renders });
    const first = await once();
    expect(runs).toEqual(["plex", "plex"]);
    const second = await once();
    expect(runs).toHaveLength(2);
    expect(second.head.map((file) => file.text)).toEqual(first.head.map((file) => file.text));
    expect(renders.size).toBe(2);
  }, 60_000);

  it("reads and renders nothing when no changed path could be the input of a target", async () => {
    const fixture = renderFixture("helmrelease", CHARTS());
    const head = memoryTree(fixture.head);
    const rendered = await renderChanges({
      base: memoryTree(fixture.base),
      head,
      changedPaths: ["README.md", "docs/plex.md"],
      config: configWith(),
      engines,
      charts: createChartFetcher(),
    });
    expect(rendered).toEqual({ base: [], head: [], inputs: { base: new Set(), head: new Set() }, errors: [], failed: { base: [], head: [] } });
    // The listing said no changed path could feed a target: not one file was read.
    expect(head.reads).toEqual([]);
  }, 60_000);
});

describe("Kustomize overlays of one base", () => {
  it("are two objects (prod and staging), the patch line pointed at for the load balancer", async () => {
    const report = await reviewFixture(renderFixture("kustomize-overlays"));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, `${object.file}:${object.line}`, object.classification])).toEqual([
      ["kustomize:deploy/overlays/prod Service/shop-prod/shop", "deploy/overlays/prod/kustomization.yaml:1", "public"],
      ["kustomize:deploy/overlays/staging Service/shop-staging/shop", "deploy/overlays/staging/kustomization.yaml:1", "unchanged"],
    ]);
    expect(where(report)).toEqual([
      "kustomize:deploy/overlays/prod Service/shop-prod/shop public-without-tls deploy/base/service.yaml:11",
      "kustomize:deploy/overlays/prod Service/shop-prod/shop public-loadbalancer deploy/overlays/prod/public.yaml:6",
    ]);
    expect(report.objects[0]!.findings[1]!.fix).toEqual({ startLine: 6, endLine: 6, replacement: "  type: ClusterIP" });
  }, 60_000);
});

describe("targets that cannot be rendered", () => {
  it("are error entries; what they rendered on the other side is unknown, not removed; the review is neutral", async () => {
    const report = await reviewFixture(renderFixture("errors"));
    expect(report.objects).toEqual([]);
    expect(report.errors.map((error) => [error.side, error.reason, `${error.file}:${error.line}`, error.message])).toEqual([
      ["head", "chart-unavailable", "apps/hr/helmrelease.yaml:1", "HelmRelease/data/cache: HelmRepository bitnami is not in the tree; chart redis cannot be fetched"],
      [
        "head",
        "render",
        "apps/remote/kustomization.yaml:1",
        "kustomize:apps/remote could not be rendered: remote base https://github.com/acme/platform//deploy/base?ref=v1.2.0 is not fetched (render.remoteBases is false)",
      ],
      ["head", "render", "charts/api/Chart.yaml:1", "helm:charts/api could not be rendered: execution error at (api/templates/service.yaml:9:3): the api chart needs .Values.tls"],
      ["base", "chart-unavailable", "apps/hr/helmrelease.yaml:1", "HelmRelease/data/cache: HelmRepository bitnami is not in the tree; chart redis cannot be fetched"],
    ]);
    expect(report.conclusion).toBe("neutral");
  }, 60_000);

  it("a chart that cannot be fetched names the chart", async () => {
    const report = await reviewFixture(renderFixture("helmrelease", { "${CHARTS_URL}": "https://169.254.169.254/charts/" }), configWith({ repositories: [] }));
    expect(report.objects).toEqual([]);
    expect(report.errors.map((error) => [error.side, error.reason, error.file])).toEqual([
      ["head", "chart-unavailable", "kubernetes/apps/media/plex/helmrelease.yaml"],
      ["base", "chart-unavailable", "kubernetes/apps/media/plex/helmrelease.yaml"],
    ]);
    expect(report.errors[0]!.message).toMatch(/^HelmRelease\/media\/plex: .*echo/);
    expect(report.conclusion).toBe("neutral");
  }, 60_000);
});

describe("Kustomize helmCharts inside a target", () => {
  it("render through Helm: a chart from an allowed repository and one kept under helmGlobals.chartHome", async () => {
    const report = await reviewFixture(renderFixture("kustomize-helm-charts", CHARTS()));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, `${object.file}:${object.line}`, object.classification])).toEqual([
      // helmCharts' `namespace` is Helm's --namespace: the chart's templates set none, so the root's.
      ["kustomize:deploy/echo Service/default/shop", "deploy/echo/kustomization.yaml:1", "public"],
      ["kustomize:deploy/vendored Service/default/web", "deploy/vendored/kustomization.yaml:1", "public"],
    ]);
    // The valuesInline line of the kustomization; the vendored chart's values file and template line.
    expect(where(report)).toEqual([
      "kustomize:deploy/echo Service/default/shop public-without-tls deploy/echo/kustomization.yaml:1",
      "kustomize:deploy/echo Service/default/shop public-loadbalancer deploy/echo/kustomization.yaml:11",
      "kustomize:deploy/vendored Service/default/web public-without-tls deploy/vendored/vendor/web/templates/service.yaml:12",
      "kustomize:deploy/vendored Service/default/web public-loadbalancer deploy/vendored/values.yaml:2",
    ]);
    // Fetched by the render stage (Kustomize never pulls); the vendored chart is no target of its own.
    expect(charts.requests).toContain("GET /echo-1.2.0.tgz");
  }, 60_000);

  it("a helmCharts repository outside render.repositories is chart-unavailable; a name that climbs out of chartHome is refused", async () => {
    const fixture = renderFixture("kustomize-helm-charts", CHARTS());
    fixture.head.set("deploy/vendored/kustomization.yaml", fixture.head.get("deploy/vendored/kustomization.yaml")!.replace("name: web", "name: ../../../etc"));
    const report = await reviewFixture(fixture, configWith({ repositories: [] }));
    expect(report.objects).toEqual([]);
    expect(report.errors.map((error) => [error.side, error.reason, `${error.file}:${error.line}`])).toEqual([
      ["head", "chart-unavailable", "deploy/echo/kustomization.yaml:1"],
      ["head", "render", "deploy/vendored/kustomization.yaml:1"],
      ["base", "chart-unavailable", "deploy/echo/kustomization.yaml:1"],
    ]);
    expect(report.errors[0]!.message).toContain(charts.url);
    expect(report.errors[1]!.message).toBe("kustomize:deploy/vendored could not be rendered: helmCharts entry ../../../etc is not a plain chart name and version");
  }, 60_000);
});

describe("a Flux Kustomization path without kustomization.yaml", () => {
  it("is built as kustomize-controller builds it: every manifest below, sub-folders with a kustomization as resources, targetNamespace applied", async () => {
    const fixture = renderFixture("flux-plain-path");
    const rendered = await renderChanges({ base: memoryTree(fixture.base), head: memoryTree(fixture.head), changedPaths: fixture.changedPaths, config: configWith(), engines, charts: createChartFetcher(), readWhole: true });
    const report = review({ base: fixture.baseFiles, head: fixture.headFiles, config: configWith(), rendered });
    expect(report.errors).toEqual([]);
    // The written Service (namespace: default) is an input now, not an object of its own.
    expect(report.objects.map((object) => [object.id, `${object.file}:${object.line}`, object.classification])).toEqual([
      ["kustomize:apps/web Service/web-prod/web", "clusters/home/web.yaml:1", "public"],
    ]);
    expect(where(report)).toEqual([
      "kustomize:apps/web Service/web-prod/web public-without-tls apps/web/service.yaml:11",
      "kustomize:apps/web Service/web-prod/web public-loadbalancer apps/web/service.yaml:7",
    ]);
  }, 60_000);

  it("is not seen by the cheap check of the changed paths (the App's way): a plain manifest there is reviewed as written", async () => {
    const fixture = renderFixture("flux-plain-path");
    const cheap = await renderChanges({ base: memoryTree(fixture.base), head: memoryTree(fixture.head), changedPaths: fixture.changedPaths, config: configWith(), engines, charts: createChartFetcher() });
    expect(cheap.head).toEqual([]);
  }, 60_000);
});

describe("HelmReleases read as their Kustomize root renders them", () => {
  it("take an overlay's patched values and a generated valuesFrom ConfigMap, pointed at the patch and generator lines", async () => {
    const report = await reviewFixture(renderFixture("helmrelease-overlay", CHARTS()));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, object.change, object.classification, `${object.file}:${object.line}`])).toEqual([
      ["HelmRelease/media-staging/plex Service/media-staging/plex", "modified", "widened", "apps/plex/base/helmrelease.yaml:1"],
      ["HelmRelease/media/plex Service/media/plex", "modified", "public", "apps/plex/base/helmrelease.yaml:1"],
      ["HelmRelease/media/plex Ingress/media/plex", "added", "public", "apps/plex/base/helmrelease.yaml:1"],
    ]);
    // The inline patch's line in the staging kustomization, the prod patch file, the generated ConfigMap's file.
    expect(where(report)).toEqual([
      "HelmRelease/media-staging/plex Service/media-staging/plex nodeport apps/plex/staging/kustomization.yaml:24",
      "HelmRelease/media/plex Service/media/plex public-loadbalancer apps/plex/prod/public.yaml:8",
      "HelmRelease/media/plex Service/media/plex public-without-tls apps/plex/base/helmrelease.yaml:1",
      "HelmRelease/media/plex Ingress/media/plex public-without-tls apps/plex/prod/values.yaml:3",
    ]);
    const loadBalancer = report.objects[1]!.findings.find((finding) => finding.rule === "public-loadbalancer");
    expect(loadBalancer?.fix).toEqual({ startLine: 8, endLine: 8, replacement: "      type: ClusterIP" });
    // The patch file is an input, not a HelmRelease of its own.
    expect(report.objects.some((object) => object.file === "apps/plex/prod/public.yaml")).toBe(false);
  }, 60_000);

  it("a JSON 6902 patch of the values points at its value line", async () => {
    const fixture = renderFixture("helmrelease-overlay", CHARTS());
    const json = (type: string) =>
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: media-staging\nresources:\n  - ../base\nconfigMapGenerator:\n  - name: plex-values\n" +
      '    literals:\n      - "values.yaml=ingress: {enabled: false}"\ngeneratorOptions:\n  disableNameSuffixHash: true\npatches:\n  - target:\n      kind: HelmRelease\n' +
      `      name: plex\n    patch: |-\n      - op: replace\n        path: /spec/values/service/type\n        value: ${type}\n`;
    fixture.base.set("apps/plex/staging/kustomization.yaml", json("ClusterIP"));
    fixture.head.set("apps/plex/staging/kustomization.yaml", json("NodePort"));
    expect(json("NodePort").split("\n")[18]).toBe("        value: NodePort");
    const report = await reviewFixture(fixture);
    expect(where(report).filter((line) => line.includes("media-staging"))).toEqual([
      "HelmRelease/media-staging/plex Service/media-staging/plex nodeport apps/plex/staging/kustomization.yaml:19",
    ]);
  }, 60_000);

  it("an Argo CD Application patched by an overlay: the patch's values line", async () => {
    const report = await reviewFixture(renderFixture("application-overlay", CHARTS()));
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, object.change, object.classification, `${object.file}:${object.line}`])).toEqual([
      ["Application/argocd/shop Service/shop/shop", "modified", "public", "argocd/base/shop.yaml:1"],
    ]);
    expect(where(report)).toEqual([
      "Application/argocd/shop Service/shop/shop public-loadbalancer argocd/prod/prod.yaml:11",
      // Port 8080 is the same on both sides: the Application's own document.
      "Application/argocd/shop Service/shop/shop public-without-tls argocd/base/shop.yaml:1",
    ]);
  }, 60_000);

  it("are unknown, not removed, on a side where their root cannot be built", async () => {
    const fixture = renderFixture("helmrelease-overlay", CHARTS());
    fixture.head.set("apps/plex/prod/kustomization.yaml", fixture.head.get("apps/plex/prod/kustomization.yaml")!.replace("  - ../base", "  - ../base\n  - missing.yaml"));
    const report = await reviewFixture(fixture);
    expect(report.errors.map((error) => [error.side, error.reason, `${error.file}:${error.line}`, error.message.split(" could")[0]])).toEqual([
      ["head", "render", "apps/plex/base/helmrelease.yaml:1", "HelmRelease/media/plex"],
      ["head", "render", "apps/plex/prod/kustomization.yaml:1", "kustomize:apps/plex/prod"],
    ]);
    expect(report.errors[0]!.message).toBe("HelmRelease/media/plex could not be rendered: its Kustomize root kustomize:apps/plex/prod could not be built");
    // Staging still renders; prod's Service is neither removed nor listed.
    expect(report.objects.map((object) => `${object.id} ${object.change}`)).toEqual(["HelmRelease/media-staging/plex Service/media-staging/plex modified"]);
    expect(report.conclusion).not.toBe("success");
  }, 60_000);
});

describe("RenderCache", () => {
  it("drops the least recently used outputs past its size", () => {
    const cache = new RenderCache(30);
    cache.set("a", "x".repeat(10));
    cache.set("b", "y".repeat(10));
    expect(cache.get("a")).toBe("x".repeat(10));
    cache.set("c", "z".repeat(10));
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual(["x".repeat(10), undefined, "z".repeat(10)]);
    cache.set("huge", "h".repeat(100));
    expect(cache.get("huge")).toBeUndefined();
  });
});
