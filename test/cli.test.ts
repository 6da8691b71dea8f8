/**
 * The command as a user runs it: the installed bin over the built dist/, as a separate process,
 * asserting stdout, stderr and the exit code.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

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

describe("exposure-review on the sample pull request", { timeout: 180_000 }, () => {
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

describe("exit codes", { timeout: 180_000 }, () => {
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

  it("exits 2 on a usage error with the message and one line pointing at --help, not the whole help", () => {
    for (const [args, message] of [
      [["--base", join(sample, "base")], "--base and --head go together"],
      [["--base", join(sample, "base"), "--head", join(sample, "head"), "--format", "html"], '--format must be one of text, json, markdown, sarif; got "html"'],
      [["--frobnicate"], "unknown option --frobnicate"],
      [["--base", join(scratch, "does-not-exist"), "--head", join(sample, "head")], `no such directory: ${join(scratch, "does-not-exist")}`],
      [[], "give one of: --base DIR --head DIR, --git BASE..HEAD, --staged, --worktree"],
    ] as const) {
      const { code, stdout, stderr } = run([...args]);
      expect(code, args.join(" ")).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe(`exposure-review: ${message}\nRun 'exposure-review --help' for usage.\n`);
    }
  });

  it("suggests the nearest option, command or value for a typo", () => {
    expect(run(["--fromat", "json"]).stderr).toContain("unknown option --fromat (did you mean --format?)");
    expect(run(["--fail-no=warning"]).stderr).toContain("unknown option --fail-no (did you mean --fail-on?)");
    expect(run(["scna"]).stderr).toContain('unknown command "scna" (did you mean "scan"?)');
    expect(run(["scan", sample, "--level", "pubilc"]).stderr).toContain('got "pubilc" (did you mean public?)');
    const far = run(["--zzzzzzzz"]);
    expect(far.code).toBe(2);
    expect(far.stderr).not.toContain("did you mean");
  });

  it("names a --config file that does not exist as missing", () => {
    const missing = join(scratch, "no-such-config.yml");
    const { code, stderr } = run(["--base", join(sample, "base"), "--head", join(sample, "head"), "--config", missing]);
    expect(code).toBe(2);
    expect(stderr).toContain(`config file not found: ${missing}`);
  });

  it("--fail-on decides which conclusions exit 1; --quiet prints only when the command fails", () => {
    const base = tree("failon-base", { "svc.yaml": clusterIpService });
    const head = tree("failon-head", { "svc.yaml": clusterIpService.replace("spec:\n", "spec:\n  type: NodePort\n") });
    const neutral = ["--base", base, "--head", head];
    const failing = ["--base", join(sample, "base"), "--head", join(sample, "head")];
    expect(run([...neutral, "--fail-on", "failure"]).code).toBe(0);
    expect(run([...neutral, "--fail-on", "warning"]).code).toBe(1);
    expect(run([...failing, "--fail-on", "never"]).code).toBe(0);
    expect(run([...failing, "--fail-on", "warning"]).code).toBe(1);
    expect(run([...failing, "--fail-on", "sometimes"]).stderr).toContain("--fail-on must be one of failure, warning, never");

    const quietPass = run([...neutral, "--quiet"]);
    expect([quietPass.code, quietPass.stdout]).toEqual([0, ""]);
    const quietFail = run([...failing, "-q"]);
    expect(quietFail.code).toBe(1);
    expect(quietFail.stdout).toContain("public-without-tls");
  });

  it("colours text only when asked: FORCE_COLOR on, NO_COLOR off, a pipe by default", () => {
    const args = ["--base", join(sample, "base"), "--head", join(sample, "head")];
    const ansi = /\u001b\[\d+m/;
    expect(run(args).stdout).not.toMatch(ansi);
    expect(run(args, root, { FORCE_COLOR: "1" }).stdout).toMatch(ansi);
    expect(run(args, root, { FORCE_COLOR: "0" }).stdout).not.toMatch(ansi);
    expect(run(args, root, { NO_COLOR: "1" }).stdout).not.toMatch(ansi);
    // Colour is for the terminal report only: machine formats never carry escape codes.
    expect(run([...args, "--format", "json"], root, { FORCE_COLOR: "1" }).stdout).not.toMatch(ansi);
  });

  it("documents the exit codes, 3 included, in --help", () => {
    const { stdout } = run(["--help"]);
    expect(stdout).toMatch(/^ {2}3 {2}internal error/m);
    expect(stdout).toMatch(/^ {2}2 {2}usage or configuration error/m);
  });

  it("prints help and exits 0", () => {
    const { code, stdout } = run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--git BASE..HEAD");
  });
});

describe("--git", { timeout: 180_000 }, () => {
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

  it("accepts ranges as git does: an omitted side is HEAD", () => {
    const repo = join(scratch, "repo");
    git(repo, "checkout", "-q", "feature");
    const names = (args: string[]) => {
      const { code, stdout, stderr } = run([...args, "--format", "json"], repo);
      expect(stderr, args.join(" ")).toBe("");
      return [code, JSON.parse(stdout).objects.map((o: { name: string }) => o.name)];
    };
    expect(names(["--git", "main.."])).toEqual([0, ["api", "ledger"]]);
    expect(names(["--git", "main..."])).toEqual([0, ["api", "ledger"]]);
    expect(names(["--git", "..main"])).toEqual([0, ["api", "ledger"]]);
    expect(names(["--git", "feature..main"])).toEqual([0, ["api", "ledger"]]);
    expect(run(["--git", ".."], repo).stderr).toContain('--git takes a range');
  });

  it("exits 2 outside a repository (said as such) or on an unknown revision", () => {
    const notRepo = mkdtempSync(join(tmpdir(), "exposure-norepo-"));
    try {
      const outside = run(["--git", "main..feature"], notRepo);
      expect(outside.code).toBe(2);
      expect(outside.stderr).toContain(`not a git repository: ${notRepo}`);
      expect(run(["--staged"], notRepo).stderr).toContain("not a git repository");
      const { code, stderr } = run(["--git", "main..nope"], join(scratch, "repo"));
      expect(code).toBe(2);
      expect(stderr).toContain("nope");
    } finally {
      rmSync(notRepo, { recursive: true, force: true });
    }
  });
});

function gitIn(cwd: string, ...args: string[]) {
  const result = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const publicLbService = clusterIpService.replace("spec:\n", "spec:\n  type: LoadBalancer\n").replace("- port: 9000", "- port: 80\n      name: http");

describe("--staged and --worktree", { timeout: 180_000 }, () => {
  it("reviews the index against HEAD, and the files on disk (untracked too) against HEAD", () => {
    const repo = join(scratch, "uncommitted");
    mkdirSync(join(repo, "k8s"), { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "k8s/api.yaml"), clusterIpService);
    gitIn(repo, "add", ".");
    gitIn(repo, "commit", "-qm", "base");
    // Staged: the api Service becomes a public load balancer. Unstaged: it goes back to ClusterIP on
    // disk, and an untracked NodePort appears. Each mode must see its own side.
    writeFileSync(join(repo, "k8s/api.yaml"), publicLbService);
    gitIn(repo, "add", "k8s/api.yaml");
    writeFileSync(join(repo, "k8s/api.yaml"), clusterIpService);
    writeFileSync(join(repo, "k8s/debug.yaml"), clusterIpService.replace("name: api", "name: debug").replace("spec:\n", "spec:\n  type: NodePort\n"));

    const staged = run(["--staged", "--format", "json"], join(repo, "k8s"));
    expect(staged.stderr).toBe("");
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout).objects.map((o: { name: string; file: string; classification: string }) => [o.name, o.file, o.classification])).toEqual([
      ["api", "k8s/api.yaml", "public"],
    ]);

    const worktree = run(["--worktree", "--format", "json"], repo);
    expect(worktree.code).toBe(0);
    expect(JSON.parse(worktree.stdout).objects.map((o: { name: string; classification: string }) => [o.name, o.classification])).toEqual([
      ["debug", "widened"],
    ]);
  });

  it("works in a repository without commits (everything staged is added)", () => {
    const repo = join(scratch, "fresh");
    mkdirSync(repo, { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "lb.yaml"), publicLbService);
    gitIn(repo, "add", ".");
    const { code, stdout } = run(["--staged", "--format", "json"], repo);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).objects.map((o: { change: string }) => o.change)).toEqual(["added"]);
  });
});

describe("the pre-commit hook, run by git commit", { timeout: 180_000 }, () => {
  it("refuses a commit that adds a public plain-HTTP load balancer, and lets a safe change through", () => {
    // The hook's command exactly as .pre-commit-hooks.yaml declares it, found on PATH as pre-commit
    // (language: node) puts it there; installed as a plain git hook.
    const hooks = parse(readFileSync(join(root, ".pre-commit-hooks.yaml"), "utf8")) as { id: string; entry: string; pass_filenames: boolean }[];
    const hook = hooks.find((h) => h.id === "exposure-review")!;
    expect(hook.pass_filenames).toBe(false);
    const binDir = join(scratch, "path-bin");
    mkdirSync(binDir, { recursive: true });
    symlinkSync(bin, join(binDir, "exposure-review"));

    const repo = join(scratch, "hooked");
    mkdirSync(join(repo, "deploy"), { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "deploy/api.yaml"), clusterIpService);
    gitIn(repo, "add", ".");
    expect(gitIn(repo, "commit", "-qm", "base").code).toBe(0);
    writeFileSync(join(repo, ".git/hooks/pre-commit"), `#!/bin/sh\nexec ${hook.entry}\n`, { mode: 0o755 });
    const commit = (message: string) =>
      spawnSync("git", ["commit", "-qm", message], {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" },
      });

    writeFileSync(join(repo, "deploy/api.yaml"), publicLbService);
    gitIn(repo, "add", ".");
    const refused = commit("expose api");
    expect(refused.status).toBe(1);
    // git sends a hook's stdout to stderr, where the user sees why the commit was refused.
    expect(refused.stderr).toContain("public-without-tls");
    expect(gitIn(repo, "log", "--oneline").stdout.trim().split("\n")).toHaveLength(1);

    writeFileSync(join(repo, "deploy/api.yaml"), clusterIpService.replace("{ app: api }", "{ app: api, tier: backend }"));
    gitIn(repo, "add", ".");
    const passed = commit("relabel api");
    expect(passed.stderr).toBe("");
    expect(passed.stdout).toBe("");
    expect(passed.status).toBe(0);
    expect(gitIn(repo, "log", "--oneline").stdout.trim().split("\n")).toHaveLength(2);
  });
});

describe("scan", { timeout: 180_000 }, () => {
  const head = join(sample, "head");

  it("lists every object of a tree, public first, with entry points and findings; --level filters", () => {
    const text = run(["scan", head]);
    expect(text.code).toBe(1);
    const headers = text.stdout.split("\n").filter((line) => /^[A-Z]+ +(Service|Ingress) /.test(line));
    expect(headers.map((line) => line.split(/\s+/).slice(0, 3).join(" "))).toEqual([
      "PUBLIC Service shop/checkout",
      "PUBLIC Ingress shop/storefront",
      "NODE Service shop/orders-db",
    ]);
    expect(text.stdout).toContain("shop.example.com/ (TLS), api.shop.example.com/");

    const json = run(["scan", "--level", "public", "--format", "json"], head);
    expect(json.code).toBe(1);
    const inventory = JSON.parse(json.stdout);
    expect(inventory.counts).toMatchObject({ listed: 2, total: 3, public: 2, node: 0 });
    expect(inventory.objects.map((o: { name: string; level: string }) => [o.name, o.level])).toEqual([
      ["checkout", "public"],
      ["storefront", "public"],
    ]);
  });

  it("prints markdown and SARIF", () => {
    const markdown = run(["scan", head, "--format", "markdown"]);
    expect(markdown.stdout).toContain("| public | Service shop/checkout |");
    const sarif = JSON.parse(run(["scan", head, "--format", "sarif"]).stdout);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual([
      "nodeport",
      "public-loadbalancer",
      "public-without-tls",
      "public-without-tls",
      "sensitive-port-exposed",
    ]);
  });

  it("--ref lists the tree of one commit, reading that commit's config", () => {
    const repo = join(scratch, "scan-ref");
    mkdirSync(join(repo, "k8s"), { recursive: true });
    gitIn(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "k8s/lb.yaml"), publicLbService);
    mkdirSync(join(repo, ".github"));
    writeFileSync(join(repo, ".github/exposure.yml"), 'rules:\n  public-without-tls: "off"\n');
    gitIn(repo, "add", ".");
    gitIn(repo, "commit", "-qm", "one");
    writeFileSync(join(repo, "k8s/lb.yaml"), clusterIpService);
    gitIn(repo, "commit", "-qam", "two");

    const old = run(["scan", "--ref", "HEAD~1", "--format", "json"], repo);
    expect(old.stderr).toBe("");
    expect(JSON.parse(old.stdout).objects.map((o: { file: string; level: string; findings: { rule: string }[] }) => [o.file, o.level, o.findings.map((f) => f.rule)])).toEqual([
      ["k8s/lb.yaml", "public", ["public-loadbalancer"]],
    ]);
    const now = run(["scan", "k8s", "--ref", "HEAD", "--format", "json"], repo);
    expect(JSON.parse(now.stdout).objects.map((o: { file: string; level: string }) => [o.file, o.level])).toEqual([["lb.yaml", "cluster"]]);
    expect(run(["scan", "--ref", "nope"], repo).stderr).toContain("nope");
  });
});

describe("an internal error", () => {
  it("exits 3 with the error on stderr, distinct from usage (2) and failure (1)", async () => {
    const { main } = await import("../src/cli.js");
    let stderr = "";
    const code = await main(["--base", join(sample, "base"), "--head", join(sample, "head")], {
      // A closed pipe: writing the report throws.
      stdout: {
        write() {
          throw Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      cwd: root,
      env: {},
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^exposure-review: internal error \(exit 3\): Error: write EPIPE/);
  });
});
