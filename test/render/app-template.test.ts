/**
 * The most common exposure change of GitOps repositories, with the real chart: a Flux HelmRelease of
 * bjw-s app-template 3.5.1 (../shared/charts, served by a Helm repository on 127.0.0.1) whose values
 * make its Service a LoadBalancer and add an ingress host without TLS. Through the whole stage: the
 * command line in --base/--head mode, and the App over the fake GitHub (check run and inline comments
 * on the values lines).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import type { JsonReport } from "../../src/report/json.js";
import type { Tree } from "../github/fake-github.js";
import { examplePayload, startHarness } from "../github/harness.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { review } from "../../src/core/review.js";
import { createChartFetcher } from "../../src/render/charts.js";
import { createEngines } from "../../src/render/engines.js";
import { renderChanges } from "../../src/render/index.js";
import { memoryTree } from "./fixture-trees.js";
import { appTemplateRelease, homeOpsRepository, type GeneratedRepository } from "./home-ops.js";
import { startHelmRepository, type HelmRepositoryServer } from "./servers/index.js";

const SHARED_CHARTS = fileURLToPath(new URL("../../../shared/charts/", import.meta.url));
const RELEASE = "kubernetes/apps/media/app-00/app/helmrelease.yaml";

describe.runIf(existsSync(join(SHARED_CHARTS, "index.yaml")))("a HelmRelease of bjw-s app-template made public", () => {
  let charts: HelmRepositoryServer;
  let repo: GeneratedRepository;
  let config: string;
  const scratch = mkdtempSync(join(tmpdir(), "exposure-app-template-"));
  beforeAll(async () => {
    charts = await startHelmRepository({ dirs: [SHARED_CHARTS] });
    // Three releases; the first becomes a LoadBalancer with a plain-HTTP ingress host, the second
    // bumps its image tag (a touched target whose Service does not change).
    repo = homeOpsRepository({ apps: 3, changedApps: 2, chartsUrl: `${charts.url}/`, firstChange: { serviceType: "LoadBalancer", ingressHost: "app-00.example.com" } });
    config = `render:\n  repositories: ["${charts.url}/"]\n`;
  });
  afterAll(async () => {
    await charts.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const writeTree = (dir: string, files: ReadonlyMap<string, string>) => {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };

  it("the command line (--base/--head) reviews the rendered Service and Ingress, findings on the values lines", async () => {
    const [base, head] = [join(scratch, "base"), join(scratch, "head")];
    writeTree(base, new Map([...repo.base, [".github/exposure.yml", config]]));
    writeTree(head, new Map([...repo.head, [".github/exposure.yml", config]]));
    let stdout = "";
    const code = await main(["--base", base, "--head", head, "--format", "json"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => undefined },
      cwd: scratch,
      env: {},
    });
    const report = JSON.parse(stdout) as JsonReport;
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.target, `${object.kind}/${object.namespace}/${object.name}`, object.change, object.classification, `${object.file}:${object.line}`])).toEqual([
      ["HelmRelease/media/app-00", "Service/media/app-00", "modified", "public", `${RELEASE}:3`],
      ["HelmRelease/media/app-00", "Ingress/media/app-00", "added", "public", `${RELEASE}:3`],
    ]);
    const findings = report.objects.flatMap((object) => object.findings.map((finding) => `${object.kind} ${finding.rule} ${finding.file ?? object.file}:${finding.line}`));
    expect(findings).toEqual([
      // `type: LoadBalancer` of spec.values.service.app.
      `Service public-loadbalancer ${RELEASE}:28`,
      // Port 8080 is the same on both sides: the HelmRelease itself, as the chart is not in the repository.
      `Service public-without-tls ${RELEASE}:3`,
      // `- host: app-00.example.com` of spec.values.ingress.app.hosts.
      `Ingress public-without-tls ${RELEASE}:36`,
    ]);
    expect(repo.head.get(RELEASE)!.split("\n")[27]).toBe("        type: LoadBalancer");
    expect(repo.head.get(RELEASE)!.split("\n")[35]).toBe("          - host: app-00.example.com");
  }, 120_000);

  it("a pull request that adds an app renders the new release only, though the namespace's kustomization changed for all", async () => {
    const before = homeOpsRepository({ apps: 3, changedApps: 0, chartsUrl: `${charts.url}/` }).base;
    const after = homeOpsRepository({ apps: 4, changedApps: 0, chartsUrl: `${charts.url}/` }).base;
    after.set("kubernetes/apps/media/app-03/app/helmrelease.yaml", appTemplateRelease("app-03", { serviceType: "LoadBalancer" }));
    const changedPaths = [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path));
    expect(changedPaths).toContain("kubernetes/apps/media/kustomization.yaml");
    const renderConfig = { ...DEFAULT_CONFIG, render: { ...DEFAULT_CONFIG.render, repositories: [`${charts.url}/`] } };
    const rendered = await renderChanges({ base: memoryTree(before), head: memoryTree(after), changedPaths, config: renderConfig, engines: createEngines(), charts: createChartFetcher() });
    expect(rendered.errors).toEqual([]);
    expect(rendered.base.map((file) => file.path)).toEqual([]);
    expect(rendered.head.map((file) => file.path)).toEqual(["HelmRelease/media/app-03"]);
    const asFiles = (files: Map<string, string>) => [...files].map(([path, text]) => ({ path, text }));
    const report = review({ base: asFiles(before), head: asFiles(after), config: renderConfig, rendered });
    expect(report.objects.map((object) => `${object.id} ${object.change} ${object.classification}`)).toEqual(["HelmRelease/media/app-03 Service/media/app-03 added public"]);
  }, 120_000);

  it("the App fails the check with inline comments on the HelmRelease's values lines", async () => {
    const repository = { owner: "home", name: "home-ops", config, mergeBase: repo.base as Tree, head: repo.head as Tree, pullNumber: 3 };
    const h = await startHarness(repository);
    try {
      await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
      expect(h.fake.invalidBodies).toEqual([]);
      expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "failure" });
      const comments = h.fake.reviewComments.map((comment) => `${comment.path}:${comment.line} ${comment.side}`);
      expect(comments).toEqual(expect.arrayContaining([`${RELEASE}:28 RIGHT`, `${RELEASE}:36 RIGHT`]));
      const onType = h.fake.reviewComments.find((comment) => comment.path === RELEASE && comment.line === 28);
      expect(onType?.body).toContain("Service media/app-00 is a LoadBalancer reachable from the internet");
      // The comment leads with the Service's failure (plain HTTP, which has no one-line fix) and lists the
      // load balancer warning on the same line.
      expect(onType?.body).toContain("plain HTTP on TCP/8080 public");
      const onHost = h.fake.reviewComments.find((comment) => comment.path === RELEASE && comment.line === 36);
      expect(onHost?.body).toContain("app-00.example.com");
      // The rendered objects name their target in the run's text.
      expect(h.fake.checkRuns[0]!.output.text ?? h.fake.checkRuns[0]!.output.summary).toContain("HelmRelease/media/app-00");
    } finally {
      await h.close();
    }
  }, 120_000);
});
