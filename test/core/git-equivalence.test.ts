/**
 * `--git BASE..HEAD` reads only the files a range changed; `--base DIR --head DIR` reads whole trees.
 * For the same trees both must give the same report: every fixture is committed as two commits of a
 * temporary repository and reviewed both ways. Also the per-provider duplicate case that once paired a
 * new copy with an unrelated one under --git (a false tls-removed on ingress-nginx's Oracle manifest).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import type { Report } from "../../src/core/model.js";
import { manifestPathFilter } from "../../src/core/paths.js";
import { review } from "../../src/core/review.js";
import { readGitTrees } from "../../src/node/git-tree.js";
import { readTree } from "../../src/node/read-tree.js";
import { renderJson } from "../../src/report/json.js";
import { FIXTURES_DIR, manifestFixtureNames } from "../helpers/fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "exposure-git-equivalence-"));
// Dozens of small repositories: generous limits, since a shared runner can be slow to create and delete them.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 120_000);

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
  }).trim();
}

/** A repository whose first commit holds `baseDir` and second holds `headDir` (a missing dir is empty). */
function commitTrees(name: string, baseDir: string | undefined, headDir: string | undefined): { repo: string; baseRev: string; headRev: string } {
  const repo = join(scratch, name);
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  const commitTree = (dir: string | undefined, message: string) => {
    for (const entry of git(repo, "ls-files").split("\n").filter(Boolean)) rmSync(join(repo, entry));
    if (dir) cpSync(dir, repo, { recursive: true });
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "--allow-empty", "-m", message);
    return git(repo, "rev-parse", "HEAD");
  };
  return { repo, baseRev: commitTree(baseDir, "base"), headRev: commitTree(headDir, "head") };
}

/** The report without `stats`: those count the files each reader read, which differ by design. */
function comparable(report: Report) {
  const { stats: _stats, ...rest } = report;
  return { json: renderJson(report), report: rest };
}

async function bothWays(name: string, baseDir: string | undefined, headDir: string | undefined) {
  const keep = manifestPathFilter(DEFAULT_CONFIG.paths);
  const { repo, baseRev, headRev } = commitTrees(name, baseDir, headDir);
  const fromGit = await readGitTrees(repo, { baseRev, headRev }, keep);
  const viaGit = review({ base: fromGit.base, head: fromGit.head, context: { base: fromGit.unchanged, head: fromGit.unchanged }, config: DEFAULT_CONFIG });
  const viaDirs = review({
    base: baseDir ? await readTree(baseDir, keep) : [],
    head: headDir ? await readTree(headDir, keep) : [],
    config: DEFAULT_CONFIG,
  });
  return { viaGit, viaDirs };
}

const existing = (dir: string) => (existsSync(dir) ? dir : undefined);

describe("--git and --base/--head give the same report", () => {
  const cases = manifestFixtureNames();

  it("has fixtures to compare", () => {
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases)("%s", async (caseName) => {
    const dir = join(FIXTURES_DIR, caseName);
    const { viaGit, viaDirs } = await bothWays(caseName, existing(join(dir, "base")), existing(join(dir, "head")));
    expect(comparable(viaGit)).toEqual(comparable(viaDirs));
  }, 60_000);
});

describe("copies of one identity across files (per-provider manifests)", () => {
  const controller = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
${annotations}spec:
  type: LoadBalancer
  ports:
    - name: https
      port: 443
`;
  const tlsAnnotations = `  annotations:
    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:us-west-2:123:certificate/abc
    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: https
`;

  /** base: aws (TLS) and cloud copies; head: the aws copy changes an image-unrelated field, oracle is new. */
  function writeProviders(root: string, withOracle: boolean, awsPort: number) {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write("deploy/aws/deploy.yaml", controller(tlsAnnotations).replace("port: 443", `port: ${awsPort}`));
    write("deploy/cloud/deploy.yaml", controller(""));
    if (withOracle) write("deploy/oracle/deploy.yaml", controller("  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-shape: flexible\n"));
  }

  it("reviews a new provider's copy as added, never against another provider's copy", async () => {
    const baseDir = join(scratch, "providers-base");
    const headDir = join(scratch, "providers-head");
    writeProviders(baseDir, false, 443);
    writeProviders(headDir, true, 8443);
    const { viaGit, viaDirs } = await bothWays("providers", baseDir, headDir);
    expect(comparable(viaGit)).toEqual(comparable(viaDirs));
    const summary = viaDirs.objects.map((object) => [object.file, object.change, object.findings.map((finding) => finding.rule)]);
    expect(summary).toEqual([
      ["deploy/aws/deploy.yaml", "modified", ["public-loadbalancer"]],
      ["deploy/oracle/deploy.yaml", "added", ["public-loadbalancer"]],
    ]);
    expect(viaDirs.objects.flatMap((object) => object.findings).some((finding) => finding.rule === "tls-removed")).toBe(false);
  });

  it("gives one duplicate entry per identity and side, and none where the copies are equal", async () => {
    const text = controller("");
    const files = (extra: string) => [
      { path: "a/deploy.yaml", text },
      { path: "b/deploy.yaml", text },
      { path: "c/deploy.yaml", text: text.replace("port: 443", extra) },
    ];
    const equalCopies = review({ base: [], head: files("port: 443") });
    expect(equalCopies.errors).toEqual([]);
    const differing = review({ base: [], head: files("port: 80") });
    expect(differing.errors.map((error) => [error.side, error.file, error.reason])).toEqual([["head", "a/deploy.yaml", "duplicate"]]);
    expect(differing.errors[0]?.message).toContain("a/deploy.yaml:1, b/deploy.yaml:1, c/deploy.yaml:1");
  });
});
