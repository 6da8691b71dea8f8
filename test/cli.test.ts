/**
 * The command as a user runs it: the installed bin over the built dist/, as a separate process,
 * asserting stdout, stderr and the exit code.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin/exposure-review.js");
const sample = join(root, "examples/pr-exposes-shop");
const scratch = mkdtempSync(join(tmpdir(), "exposure-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The bin runs dist/, so dist/ must be the code under test, not whatever an earlier build left.
beforeAll(() => {
  spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
}, 60_000);

function run(args: string[], cwd = root, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tree(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const clusterIpService = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: payments
spec:
  selector: { app: api }
  ports:
    - port: 9000
`;
const internalLbService = clusterIpService.replace(
  "  namespace: payments\n",
  "  namespace: payments\n  annotations:\n    networking.gke.io/load-balancer-type: Internal\n",
).replace("spec:\n", "spec:\n  type: LoadBalancer\n");

describe("exposure-review on the sample pull request", () => {
  const args = ["--base", join(sample, "base"), "--head", join(sample, "head")];

  it("prints the contract's JSON report and exits 1 on a failure conclusion", () => {
    const { code, stdout, stderr } = run([...args, "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.conclusion).toBe("failure");
    expect(
      report.objects.map((o: { kind: string; namespace: string; name: string; classification: string; level: object }) => [
        `${o.kind}/${o.namespace}/${o.name}`,
        o.classification,
        o.level,
      ]),
    ).toEqual([
      ["Service/shop/checkout", "public", { base: "cluster", head: "public" }],
      ["Ingress/shop/storefront", "widened", { base: "public", head: "public" }],
      ["Service/shop/orders-db", "widened", { base: "none", head: "node" }],
    ]);
    const rules = report.objects.map((o: { findings: { rule: string }[] }) => o.findings.map((f) => f.rule).sort());
    expect(rules).toEqual([
      ["public-loadbalancer", "public-without-tls"],
      ["public-without-tls", "tls-removed"],
      ["nodeport", "sensitive-port-exposed"],
    ]);
    expect(report.errors).toEqual([]);
  });

  it("prints a plain-text report without colour codes when stdout is not a terminal", () => {
    const { code, stdout } = run(args);
    expect(code).toBe(1);
    expect(stdout).toContain("Service shop/checkout");
    expect(stdout).toContain("tls-removed");
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it("prints the pull-request summary as markdown", () => {
    const { code, stdout } = run([...args, "--format", "markdown"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\|\s*Object\s*\|/);
    expect(stdout).toContain("orders-db");
  });

  it("prints SARIF 2.1.0 with a result per finding", () => {
    const { code, stdout } = run([...args, "--format", "sarif"]);
    expect(code).toBe(1);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe("2.1.0");
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results).toHaveLength(6);
    expect(new Set(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(
      new Set(["k8s/checkout.yaml", "k8s/ingress.yaml", "k8s/orders-db.yaml"]),
    );
  });
});

describe("exit codes", () => {
  it("exits 0 when nothing exposure-related changed", () => {
    const base = tree("same-base", { "svc.yaml": clusterIpService });
    const head = tree("same-head", { "svc.yaml": `# reformatted\n${clusterIpService.replace("{ app: api }", "\n    app: api")}` });
    const { code, stdout } = run(["--base", base, "--head", head, "--format", "json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ conclusion: "success", objects: [], errors: [] });
  });

  it("exits 0 on a neutral conclusion (warnings only)", () => {
    const base = tree("neutral-base", { "svc.yaml": clusterIpService });
    const head = tree("neutral-head", { "svc.yaml": clusterIpService.replace("spec:\n", "spec:\n  type: NodePort\n") });
    const { code, stdout } = run(["--base", base, "--head", head, "--format", "json"]);
    expect(JSON.parse(stdout).conclusion).toBe("neutral");
    expect(code).toBe(0);
  });

  it("exits 1 when a config turns warnings into failures", () => {
    const base = tree("strict-base", { "svc.yaml": clusterIpService });
    const head = tree("strict-head", { "svc.yaml": clusterIpService.replace("spec:\n", "spec:\n  type: NodePort\n") });
    const config = join(scratch, "strict.yml");
    writeFileSync(config, "conclusion:\n  warnings: failure\n");
    const { code, stdout } = run(["--base", base, "--head", head, "--config", config, "--format", "json"]);
    expect(JSON.parse(stdout).conclusion).toBe("failure");
    expect(code).toBe(1);
  });

  it("reads .github/exposure.yml from the base tree, never the head, when no --config is given", () => {
    const nodePortService = clusterIpService.replace("spec:\n", "spec:\n  type: NodePort\n");
    const strict = "conclusion:\n  warnings: failure\n";
    const lax = "rules:\n  nodeport: \"off\"\n";
    // The change itself tries to switch the rule off: ignored.
    const base = tree("config-base", { "svc.yaml": clusterIpService, ".github/exposure.yml": strict });
    const head = tree("config-head", { "svc.yaml": nodePortService, ".github/exposure.yml": lax });
    const { code, stdout } = run(["--base", base, "--head", head, "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).objects[0].findings.map((f: { rule: string }) => f.rule)).toEqual(["nodeport"]);
  });

  it("exits 2 with the file, the field and a suggestion on a bad config", () => {
    const config = join(scratch, "typo.yml");
    writeFileSync(config, "rules:\n  nodeprot: failure\n");
    const { code, stdout, stderr } = run(["--base", join(sample, "base"), "--head", join(sample, "head"), "--config", config]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(config);
    expect(stderr).toContain("rules.nodeprot");
    expect(stderr).toContain("nodeport");
  });

  it("exits 2 with usage on a missing side, an unknown format or an unknown flag", () => {
    for (const args of [
      ["--base", join(sample, "base")],
      ["--base", join(sample, "base"), "--head", join(sample, "head"), "--format", "html"],
      ["--frobnicate"],
      ["--base", join(scratch, "does-not-exist"), "--head", join(sample, "head")],
    ]) {
      const { code, stderr } = run(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toContain("Usage: exposure-review");
    }
  });

  it("prints help and exits 0", () => {
    const { code, stdout } = run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--git BASE..HEAD");
  });
});

describe("--git", () => {
  function git(cwd: string, ...args: string[]) {
    const result = spawnSync("git", args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
    });
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  }

  it("compares two commits of a repository, including a merge-base range", () => {
    const repo = join(scratch, "repo");
    mkdirSync(join(repo, "deploy"), { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "deploy/api.yaml"), clusterIpService);
    writeFileSync(join(repo, "README.md"), "not a manifest\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "base");
    git(repo, "checkout", "-qb", "feature");
    writeFileSync(join(repo, "deploy/api.yaml"), clusterIpService.replace("spec:\n", "spec:\n  type: LoadBalancer\n"));
    writeFileSync(join(repo, "deploy/internal.yaml"), internalLbService.replace("name: api", "name: ledger"));
    mkdirSync(join(repo, ".github"));
    writeFileSync(join(repo, ".github/exposure.yml"), 'rules:\n  public-loadbalancer: "off"\n');
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "expose");

    for (const range of ["main..feature", "main...feature", "HEAD~1..HEAD"]) {
      const { code, stdout, stderr } = run(["--git", range, "--format", "json"], repo);
      // The feature branch's own exposure.yml (which would silence everything) is not read.
      expect(stderr, range).toBe("");
      expect(code, range).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.objects.map((o: { name: string; file: string; line: number; classification: string }) => [o.name, o.file, o.line, o.classification])).toEqual([
        ["api", "deploy/api.yaml", 1, "public"],
        ["ledger", "deploy/internal.yaml", 1, "widened"],
      ]);
      expect(report.objects[0].findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([["public-loadbalancer", 7]]);
    }
  });

  it("exits 2 outside a repository or on an unknown revision", () => {
    const notRepo = mkdtempSync(join(tmpdir(), "exposure-norepo-"));
    try {
      expect(run(["--git", "main..feature"], notRepo).code).toBe(2);
      const { code, stderr } = run(["--git", "main..nope"], join(scratch, "repo"));
      expect(code).toBe(2);
      expect(stderr).toContain("nope");
    } finally {
      rmSync(notRepo, { recursive: true, force: true });
    }
  });
});
