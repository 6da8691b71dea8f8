/**
 * The command renders what the change touches, in both modes that read whole trees (--base/--head and
 * --git), with the engines npm ci installed; --no-render reads written manifests only.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import type { JsonReport } from "../../src/report/json.js";
import { RENDER_FIXTURES } from "./fixture-trees.js";

const scratch = mkdtempSync(join(tmpdir(), "exposure-cli-render-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[], cwd = scratch): Promise<{ code: number; report: JsonReport; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main([...args, "--format", "json"], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
  });
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

describe("--base DIR --head DIR", () => {
  const args = ["--base", join(RENDER_FIXTURES, "chart-values/base"), "--head", join(RENDER_FIXTURES, "chart-values/head")];

  it("reviews what the chart renders, with its target and the values line", async () => {
    const { code, report } = await run(args);
    expect(code).toBe(1);
    expect(report.errors).toEqual([]);
    expect(report.objects).toHaveLength(1);
    const [object] = report.objects;
    expect(object).toMatchObject({ kind: "Service", namespace: "default", name: "web", target: "helm:charts/web", file: "charts/web/Chart.yaml", line: 1, classification: "public" });
    expect(object!.findings.map((finding) => `${finding.rule} ${finding.file}:${finding.line}`)).toEqual([
      "public-loadbalancer charts/web/values.yaml:2",
      "public-without-tls charts/web/templates/service.yaml:12",
    ]);
  }, 60_000);

  it("with --no-render reads written manifests only: the chart's templates are templates again", async () => {
    const { code, report } = await run([...args, "--no-render"]);
    expect(code).toBe(0);
    expect(report.objects).toEqual([]);
    expect(new Set(report.errors.map((error) => `${error.reason} ${error.file}`))).toEqual(
      new Set(["template charts/web/templates/ingress.yaml", "template charts/web/templates/service.yaml"]),
    );
  }, 60_000);
});

describe("--git BASE..HEAD", () => {
  it("renders both commits of the repository", async () => {
    const repo = join(scratch, "repo");
    const git = (...gitArgs: string[]) => execFileSync("git", gitArgs, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });
    cpSync(join(RENDER_FIXTURES, "kustomize-overlays/base"), repo, { recursive: true });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "base");
    git("checkout", "-qb", "feature");
    cpSync(join(RENDER_FIXTURES, "kustomize-overlays/head"), repo, { recursive: true });
    git("add", ".");
    git("commit", "-qm", "prod gets a load balancer");

    const { code, report } = await run(["--git", "main...feature"], repo);
    expect(code).toBe(1);
    expect(report.objects.map((object) => `${object.target} ${object.kind}/${object.namespace}/${object.name} ${object.classification}`)).toEqual([
      "kustomize:deploy/overlays/prod Service/shop-prod/shop public",
      "kustomize:deploy/overlays/staging Service/shop-staging/shop unchanged",
    ]);
    expect(report.objects[0]!.findings.map((finding) => `${finding.rule} ${finding.file}:${finding.line}`)).toEqual([
      "public-without-tls deploy/base/service.yaml:11",
      "public-loadbalancer deploy/overlays/prod/public.yaml:6",
    ]);
  }, 60_000);
});
