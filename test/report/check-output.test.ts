import { describe, expect, it } from "vitest";
import { ruleById } from "../../src/core/rules/index.js";
import { MAX_CHECK_SUMMARY_LENGTH, renderMarkdown } from "../../src/report/markdown.js";
import {
  checkTitle,
  configFailureOutput,
  ERROR_TITLE,
  errorOutput,
  noManifestsOutput,
  reviewFooter,
  reviewOutput,
  supersededText,
} from "../../src/report/check-output.js";
import { conflictError, finding, objectReport, report } from "./github-report.js";

const CONFIG_PATH = ".github/exposure.yml";
const MERGE_BASE = "3ffd976a41e851fad4d2c20553652cebb4076330";
const HEAD = "29f8594343302354045f21ef2699fad877b93897";

describe("configFailureOutput", () => {
  it("fails with a table of the fields at fault, escaping pipes and newlines", () => {
    expect(
      configFailureOutput({
        configPath: CONFIG_PATH,
        issues: [
          { path: "rules.nodeprot", message: 'Unknown rule "nodeprot". Did you mean nodeport?' },
          { path: "conclusion.warnings", message: 'Expected "neutral" | "failure"\ngot "maybe"' },
          { path: "", message: "a | b" },
        ],
        message: "ignored when there are issues",
      }),
    ).toEqual({
      conclusion: "failure",
      title: "Invalid .github/exposure.yml: rules.nodeprot, conclusion.warnings",
      summary: [
        "`.github/exposure.yml` on the default branch is not valid, so this pull request was not reviewed.",
        "",
        "| field | problem |",
        "|---|---|",
        '| `rules.nodeprot` | Unknown rule "nodeprot". Did you mean nodeport? |',
        '| `conclusion.warnings` | Expected "neutral" \\| "failure" got "maybe" |',
        "| `(file)` | a \\| b |",
        "",
        "Fix the file on the default branch (the config is never read from the pull request), then use **Re-run**.",
      ].join("\n"),
    });
  });

  it("shows the error's message in a block when no field is at fault, and keeps the title one short line", () => {
    const output = configFailureOutput({ configPath: CONFIG_PATH, issues: [], message: "invalid YAML ```x```" });
    expect(output.title).toBe("Invalid .github/exposure.yml");
    expect(output.summary).toBe(
      [
        "`.github/exposure.yml` on the default branch is not valid, so this pull request was not reviewed.",
        "",
        "```",
        "invalid YAML '''x'''",
        "```",
        "",
        "Fix the file on the default branch (the config is never read from the pull request), then use **Re-run**.",
      ].join("\n"),
    );
    const many = configFailureOutput({ configPath: CONFIG_PATH, issues: Array.from({ length: 40 }, (_, i) => ({ path: `suppressions[${i}].object`, message: "x" })), message: "" });
    expect(many.title).toHaveLength(255);
  });
});

describe("noManifestsOutput", () => {
  it("passes, naming the globs looked for", () => {
    expect(noManifestsOutput({ configPath: CONFIG_PATH, changedFiles: 3, include: ["k8s/**", "deploy/*.yaml"] })).toEqual({
      conclusion: "success",
      title: "No Kubernetes manifests changed",
      summary: "None of the 3 changed files matches `paths` in `.github/exposure.yml` (`k8s/**`, `deploy/*.yaml`), so there is no exposure to review.",
    });
    expect(noManifestsOutput({ configPath: CONFIG_PATH, changedFiles: 1, include: ["**/*.yaml"] }).summary).toBe(
      "The one changed file does not match `paths` in `.github/exposure.yml` (`**/*.yaml`), so there is no exposure to review.",
    );
  });
});

describe("reviewOutput", () => {
  const compared = { configPath: CONFIG_PATH, baseFiles: 4, headFiles: 5, mergeBaseSha: MERGE_BASE, headSha: HEAD };

  it("ends the summary with what was compared, at short SHAs", () => {
    expect(reviewFooter(compared)).toBe(
      "\n\n---\nCompared 4 base and 5 head manifest files: merge base `3ffd976` → head `29f8594`. Config: `.github/exposure.yml` on the default branch.",
    );
  });

  it("is the report's conclusion, its title, and the markdown summary followed by the footer", () => {
    const reviewed = report([objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "nodeport", line: 7 })])]);
    expect(reviewOutput(reviewed, compared)).toEqual({
      conclusion: "failure",
      title: "❌ shop/web: Service is type NodePort",
      summary: renderMarkdown(reviewed) + reviewFooter(compared),
    });
  });

  it("cuts the markdown, never the footer, to GitHub's 65,535 characters", () => {
    const objects = Array.from({ length: 400 }, (_, i) =>
      objectReport(`Service/shop/svc-${i}`, `k8s/svc-${i}.yaml`, [finding({ rule: "nodeport", line: 7, message: "m".repeat(300) })]),
    );
    const { summary } = reviewOutput(report(objects), compared);
    expect(summary.length).toBeLessThanOrEqual(MAX_CHECK_SUMMARY_LENGTH);
    expect(summary.endsWith(reviewFooter(compared))).toBe(true);
  });
});

describe("checkTitle", () => {
  it("names the object and its most important new finding, then counts the rest", () => {
    const objects = [
      objectReport("Service/shop/web", "k8s/web.yaml", [
        finding({ rule: "nodeport", line: 7 }),
        finding({ rule: "sensitive-port-exposed", line: 9, severity: "failure", headline: "Redis 6379 open on every node via a new NodePort" }),
      ]),
      objectReport("Service/shop/api", "k8s/api.yaml", [finding({ rule: "public-loadbalancer", line: 4 })]),
      objectReport("Ingress/shop/shop", "k8s/ingress.yaml", [finding({ rule: "public-without-tls", line: 3, severity: "failure", new: false })]),
    ];
    expect(checkTitle(report(objects))).toBe("❌ shop/web: Redis 6379 open on every node via a new NodePort (+2 warnings)");
    // Without a headline, the rule's title names the risk.
    expect(checkTitle(report([objects[1]!]))).toBe(`❌ shop/api: ${ruleById("public-loadbalancer").title}`);
  });

  it("says why a green run is fine when an object widened, and counts a file not reviewed once", () => {
    const old = objectReport("Ingress/shop/shop", "k8s/ingress.yaml", [finding({ rule: "wildcard-host", line: 3, new: false })]);
    const quiet = { ...objectReport("Service/shop/web", "k8s/web.yaml", []), classification: "unchanged" as const };
    const green = (objects: Parameters<typeof report>[0], errors: Parameters<typeof report>[1] = []) => ({ ...report(objects, errors), conclusion: "success" as const });
    expect(checkTitle(green([old]))).toBe("✅ No new findings: shop/shop widened (already present)");
    expect(checkTitle(green([objectReport("Service/shop/web", "k8s/web.yaml", [])]))).toBe("✅ No new findings: shop/web widened (within policy)");
    expect(checkTitle(green([quiet]))).toBe("✅ No new findings: 1 object changed, none more exposed");
    expect(checkTitle(green([]))).toBe("✅ No exposure changes");
    const broken = (side: "base" | "head") => ({ file: "k8s/x.yaml", line: 3, reason: "syntax" as const, message: "bad", side });
    expect(checkTitle({ ...report([], [broken("head"), broken("base")]), conclusion: "neutral" })).toBe("⚠️ No exposure change found; 1 file not reviewed");
  });

  it("names an object that a file the change broke hides, instead of \"no exposure change\"", () => {
    const neutral = (errors: Parameters<typeof report>[1]) => ({ ...report([], errors), conclusion: "neutral" as const });
    expect(checkTitle(neutral([conflictError({ hides: ["Service/edge/edge-proxy"] })]))).toBe(
      "⚠️ Service edge/edge-proxy not reviewed: head unreadable, conflict markers at line 6; 1 file not reviewed",
    );
    expect(checkTitle(neutral([conflictError({ hides: ["Service/edge/a", "Ingress/edge/b"] })]))).toBe(
      "⚠️ Service edge/a not reviewed: head unreadable, conflict markers at line 6 (+1 more); 1 file not reviewed",
    );
    // Breakage already on the base side hides nothing this change did.
    expect(checkTitle(neutral([conflictError({ hides: ["Service/edge/edge-proxy"], new: false })]))).toBe("⚠️ No exposure change found; 1 file not reviewed");
  });

  it("shows a suppression the change adds itself", () => {
    const frontend = {
      ...objectReport("Service/web/frontend", "k8s/frontend.yaml", []),
      suppressed: [{ ...finding({ rule: "public-loadbalancer" as const, line: 9, headline: "public via a new LoadBalancer" }), reason: "demo", by: "annotation" as const, addedByChange: true }],
    };
    expect(checkTitle({ ...report([frontend]), conclusion: "success" })).toBe("🔕 web/frontend: public via a new LoadBalancer, silenced by an annotation this change adds");
    const counted = { ...frontend, suppressed: frontend.suppressed.map((entry) => ({ ...entry, counted: true })) };
    expect(checkTitle({ ...report([counted]), conclusion: "neutral" })).toBe("⚠️ web/frontend: public via a new LoadBalancer; 1 finding silenced by this change");
  });
});

describe("errorOutput", () => {
  it("fails with the status and the message, which cannot close the code block", () => {
    expect(errorOutput({ status: 502, message: "Bad Gateway ```" })).toEqual({
      conclusion: "failure",
      title: ERROR_TITLE,
      summary: [
        "The review stopped with an error (HTTP 502), so this commit was not reviewed:",
        "",
        "```",
        "Bad Gateway '''",
        "```",
        "",
        "Use **Re-run** to try again. If it keeps failing, the app's logs have the details.",
      ].join("\n"),
    });
    expect(errorOutput({ message: "boom" }).summary.split("\n")[0]).toBe("The review stopped with an error, so this commit was not reviewed:");
  });
});

describe("supersededText", () => {
  it("points at the new run and says why the old one was not updated", () => {
    expect(supersededText({ reason: "stale-annotations", runUrl: "https://github.com/acme/shop/runs/2" })).toEqual({
      title: "Superseded by a re-run",
      summary:
        "This commit was reviewed again and the result is in [a new check run](https://github.com/acme/shop/runs/2). The findings changed since this run (for example, the config on the default branch turned a rule off), and GitHub cannot remove an annotation from a run, so updating this one would have left wrong annotations behind. The annotations below are from the earlier review.",
    });
    expect(supersededText({ reason: "final" }).summary).toBe(
      "This commit was reviewed again and the result is in a new check run. GitHub did not reopen this completed run for the re-run. The annotations below are from the earlier review.",
    );
  });

  it("says a redone run was reviewed again in a new run, with the same title the run of an errored round gets", () => {
    const redone = supersededText({ reason: "redone", runUrl: "https://github.com/acme/shop/runs/3" });
    expect(redone).toEqual({
      title: "Superseded by a re-run",
      summary:
        "This commit was reviewed again (a re-run, a review that was missing, or a review that stopped before it finished); the result is in [a new check run](https://github.com/acme/shop/runs/3), and this run carries its conclusion.",
    });
    // One title for both: a run already pointed at the result is not updated again when its reason reads differently.
    expect(supersededText({ reason: "after-error" }).title).toBe(redone.title);
  });

  it("a run that lost a concurrent race repeats the result's title and summary under a pointer, within GitHub's limit", () => {
    const repeat = supersededText({ reason: "concurrent", runUrl: "https://github.com/acme/shop/runs/4", result: { title: "❌ cache/redis: Redis 6379 public", summary: "## Result\n" } });
    expect(repeat).toEqual({
      title: "❌ cache/redis: Redis 6379 public",
      summary:
        "> GitHub delivered this commit's event more than once at the same time; [another check run](https://github.com/acme/shop/runs/4) reviewed it and holds its annotations. This run repeats its result and posted nothing.\n\n## Result\n",
    });
    const long = supersededText({ reason: "concurrent", result: { title: "t", summary: "x".repeat(MAX_CHECK_SUMMARY_LENGTH) } });
    expect(long.summary).toHaveLength(MAX_CHECK_SUMMARY_LENGTH);
    // Without the leader's result (none yet), the plain pointer.
    expect(supersededText({ reason: "concurrent" }).title).toBe("Superseded by a concurrent review");
  });
});
