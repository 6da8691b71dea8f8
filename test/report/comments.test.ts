import { describe, expect, it } from "vitest";
import type { ObjectReport } from "../../src/core/model.js";
import { ruleById } from "../../src/core/rules/index.js";
import { diffLines } from "../../src/github/patch.js";
import { toAnnotations } from "../../src/report/annotations.js";
import { findingMarker, headCommitMarker, markersIn, MAX_COMMENT_BODY, planReview, renderReviewBody } from "../../src/report/comments.js";
import { conflictError, finding, objectReport, report } from "./github-report.js";

// Head lines 8-9 are added, base line 8 is deleted; head 5-7 and 10-11 are context.
const patch = ["@@ -5,6 +5,7 @@", " metadata:", "   name: web", " spec:", "-  type: ClusterIP", "+  type: NodePort", "+  externalTrafficPolicy: Local", "   ports:", "     - port: 80"].join("\n");
const files = [{ path: "k8s/web.yaml", diff: diffLines(patch) }];
const spanned = (object: ObjectReport, head: [number, number], base: [number, number] = head): ObjectReport => ({
  ...object,
  span: { head: { line: head[0], endLine: head[1] }, base: { line: base[0], endLine: base[1] } },
});

describe("planReview: one comment per object, on its cause", () => {
  it("comments on the changed line with a suggestion when the lead finding's fix is that line", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, headline: "TCP/80 open on every node via NodePort", fix: { startLine: 8, endLine: 8, replacement: "  type: ClusterIP" } }),
    ]);
    const plan = planReview(report([web]), files);
    expect(plan.outsideDiff).toEqual([]);
    expect(plan.comments).toHaveLength(1);
    const [comment] = plan.comments;
    expect(comment).toMatchObject({ path: "k8s/web.yaml", line: 8, side: "RIGHT", marker: "<!-- exposure-review:Service/shop/web:nodeport@8 -->" });
    expect(comment).not.toHaveProperty("start_line");
    expect(comment!.body).toBe(
      [
        `⚠️ **TCP/80 open on every node via NodePort** on \`Service shop/web\` ([\`nodeport\`](${ruleById("nodeport").docsUrl}), warning)`,
        "nodeport message",
        "**Fix:** nodeport recommendation",
        "```suggestion\n  type: ClusterIP\n```",
        "<!-- exposure-review:Service/shop/web:nodeport@8 -->",
      ].join("\n\n"),
    );
  });

  it("puts the comment on the changed line, leads with the worst finding even when its own line is unchanged, and lists the others", () => {
    const redis = objectReport("Service/cache/redis", "k8s/web.yaml", [
      finding({ rule: "public-loadbalancer", line: 8 }),
      finding({ rule: "sensitive-port-exposed", line: 11, severity: "failure", headline: "Redis 6379 public via a new LoadBalancer" }),
      finding({ rule: "external-ips", line: 10, new: false }),
    ]);
    const plan = planReview(report([redis]), files);
    expect(plan.comments.map((c) => `${c.path}:${c.line}:${c.side}`)).toEqual(["k8s/web.yaml:8:RIGHT"]);
    const body = plan.comments[0]!.body;
    expect(body).toMatch(/^❌ \*\*Redis 6379 public via a new LoadBalancer\*\* on `Service cache\/redis`/);
    expect(body).toContain("Also new on this Service:\n- ⚠️ **warning** [`public-loadbalancer`]");
    // The old finding is the base branch's: not in the comment; it stays an annotation.
    expect(body).not.toContain("external-ips");
    expect(plan.outsideDiff).toEqual([]);
    const annotations = toAnnotations(report([redis]), { covered: plan.covered });
    expect(annotations.map((a) => `${a.start_line} ${a.title}`)).toEqual([`10 ${ruleById("external-ips").title} (external-ips) — already present`]);
  });

  it("offers another finding's one-line fix when the lead has none on the commented line, and says whose it is", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "public-without-tls", line: 8, severity: "failure" }),
      finding({ rule: "public-loadbalancer", line: 8, fix: { startLine: 8, endLine: 8, replacement: "  type: ClusterIP" } }),
    ]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment).toMatchObject({ line: 8, side: "RIGHT" });
    expect(comment!.body).toMatch(/^❌ .*\[`public-without-tls`\]/);
    expect(comment!.body).toContain(`One edit ends this exposure (the fix of [\`public-loadbalancer\`](${ruleById("public-loadbalancer").docsUrl})):\n\n\`\`\`suggestion\n  type: ClusterIP\n\`\`\``);
  });

  it("offers no other finding's fix that lies outside the commented line", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "public-without-tls", line: 8, severity: "failure" }),
      finding({ rule: "public-loadbalancer", line: 8, fix: { startLine: 10, endLine: 10, replacement: "  ports: []" } }),
    ]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment!.body).not.toContain("suggestion");
    expect(comment!.body).not.toContain("One edit");
  });

  it("marks a comment with the entry points a whole-object finding newly covers, so a later port is a new comment", () => {
    const marker = (newlyCovered: string[]) =>
      planReview(report([objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "nodeport", line: 8, newlyCovered })])]), files).comments[0]!.marker;
    expect(marker(["TCP/30443"])).toBe("<!-- exposure-review:Service/shop/web:nodeport@8+TCP%2F30443 -->");
    expect(marker(["TCP/30443", "TCP/30444"])).not.toBe(marker(["TCP/30443"]));
  });

  it("comments on the LEFT side for a finding about a deleted line, and shows the restoring fix as text there", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "tls-removed", line: 8, side: "base", severity: "failure", fix: { startLine: 7, endLine: 7, replacement: "spec:\n  type: ClusterIP" } }),
    ]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment).toMatchObject({ path: "k8s/web.yaml", line: 8, side: "LEFT" });
    expect(comment!.body).not.toContain("```suggestion");
    expect(comment!.body).toContain("put back after line 7 of the head file");
    expect(comment!.body).toContain("```yaml\n  type: ClusterIP\n```");
  });

  it("comments on a changed line of the object when no finding's own line changed", () => {
    const web = spanned(objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "public-loadbalancer", line: 11 })]), [5, 11]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment).toMatchObject({ line: 8, side: "RIGHT" });
  });

  it("sends to the body only the findings of objects the change touched on no line, failing first", () => {
    const untouched = spanned(
      objectReport("Service/shop/api", "k8s/api.yaml", [
        finding({ rule: "public-loadbalancer", line: 3 }),
        finding({ rule: "public-without-tls", line: 9, severity: "failure" }),
      ]),
      [1, 12],
    );
    const plan = planReview(report([untouched]), files);
    expect(plan.comments).toEqual([]);
    expect(plan.outsideDiff.map((item) => [item.path, item.line, item.finding.rule, item.marker])).toEqual([
      ["k8s/api.yaml", 9, "public-without-tls", findingMarker("public-without-tls", "Service/shop/api", 9)],
      ["k8s/api.yaml", 3, "public-loadbalancer", findingMarker("public-loadbalancer", "Service/shop/api", 3)],
    ]);
    // Not commented: both stay annotations.
    expect(toAnnotations(report([untouched]), { covered: plan.covered })).toHaveLength(2);
  });

  it("comments on the annotation line of a suppression the change adds itself", () => {
    const frontend: ObjectReport = {
      ...objectReport("Service/web/frontend", "k8s/web.yaml", []),
      suppressed: [
        { ...finding({ rule: "public-loadbalancer", line: 12, headline: "public via a new LoadBalancer" }), reason: "launch demo", by: "annotation", addedByChange: true, suppressedAt: 9 },
      ],
    };
    const plan = planReview(report([frontend]), files);
    expect(plan.comments.map((c) => `${c.line}:${c.side}`)).toEqual(["9:RIGHT"]);
    expect(plan.comments[0]!.body).toMatch(/^🔕 \*\*This change silences its own finding\*\* on `Service web\/frontend`/);
    expect(plan.comments[0]!.body).toContain("Reason given: “launch demo”");
    expect(plan.comments[0]!.body).toContain("`conclusion.addedSuppressions` is `allow`");
  });

  it("comments on the broken line of a file the change broke, and not on one that was broken before", () => {
    const broken = { file: "k8s/web.yaml", line: 9, reason: "syntax" as const, message: "merge-conflict marker at line 9", side: "head" as const };
    const old = { file: "k8s/web.yaml", line: 11, reason: "syntax" as const, message: "bad", side: "head" as const, new: false };
    const plan = planReview(report([], [broken, old]), files);
    expect(plan.comments.map((c) => `${c.line}:${c.side}`)).toEqual(["9:RIGHT"]);
    expect(plan.comments[0]!.body).toContain("merge-conflict marker at line 9");
    expect(toAnnotations(report([], [broken, old]), { covered: plan.covered }).map((a) => a.start_line)).toEqual([11]);
  });

  it("names what a broken piece hides, and does not comment on breakage the base side already had", () => {
    const broken = conflictError({ file: "k8s/web.yaml", line: 9, hides: ["Service/edge/edge-proxy"] });
    const plan = planReview(report([], [broken]), files);
    expect(plan.comments.map((c) => `${c.line}:${c.side}`)).toEqual(["9:RIGHT"]);
    expect(plan.comments[0]!.body).toContain("It hides `Service edge/edge-proxy` (head unreadable, conflict markers at line 9)");
    // The same line, broken the same way before the change: old news, an annotation shows it.
    const old = { ...broken, new: false };
    const oldPlan = planReview(report([], [old]), files);
    expect(oldPlan.comments).toEqual([]);
    expect(toAnnotations(report([], [old]), { covered: oldPlan.covered }).map((a) => a.start_line)).toEqual([9]);
  });

  it("spans start_line..line for a multi-line fix inside one hunk", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 8, endLine: 9, replacement: "  type: ClusterIP" } }),
    ]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment).toMatchObject({ start_line: 8, start_side: "RIGHT", line: 9, side: "RIGHT" });
  });

  it("comments without a suggestion when the fix leaves the diff", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "nodeport", line: 8, fix: { startLine: 2, endLine: 2, replacement: "x" } })]);
    const plan = planReview(report([web]), files);
    expect(plan.comments.map((c) => [c.path, c.line, c.body.includes("```suggestion")])).toEqual([["k8s/web.yaml", 8, false]]);
  });

  it("fences a suggestion longer than any backtick run in it", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 8, endLine: 8, replacement: "  note: ```x```" } }),
    ]);
    const [comment] = planReview(report([web]), files).comments;
    expect(comment!.body).toContain("````suggestion\n  note: ```x```\n````");
  });
});

describe("markers and the review body", () => {
  it("finds every marker in a posted body", () => {
    const body = `text ${findingMarker("nodeport", "Service/a/b", 3)}\n- item ${findingMarker("tls-removed", "Ingress/a/c", 9)}\n${headCommitMarker("abc")}`;
    expect(markersIn(body)).toEqual([
      "<!-- exposure-review:nodeport:Service/a/b:3 -->",
      "<!-- exposure-review:tls-removed:Ingress/a/c:9 -->",
      "<!-- exposure-review:head:abc -->",
    ]);
    expect(markersIn(null)).toEqual([]);
  });

  it("renders the head marker, the verdict, the counts and each finding outside the diff with its marker", () => {
    const api = objectReport("Service/shop/api", "k8s/api.yaml", [finding({ rule: "public-loadbalancer", line: 30 })]);
    const { outsideDiff } = planReview(report([api]), files);
    const body = renderReviewBody({ headSha: "0123456789abcdef", commentCount: 2, outsideDiff, checkRunUrl: "https://github.example/run/1", title: "⚠️ shop/api: public LoadBalancer" });
    expect(body).toBe(
      [
        "<!-- exposure-review:head:0123456789abcdef -->",
        "**Exposure review** of 0123456: ⚠️ shop/api: public LoadBalancer. 2 comments on the changed lines and 1 finding below. See the [check run](https://github.example/run/1) for every object.",
        "",
        "Findings on objects whose lines this pull request does not change (they count all the same):",
        "",
        `- ⚠️ **warning** [\`public-loadbalancer\`](${ruleById("public-loadbalancer").docsUrl}) (line 30): public-loadbalancer message public-loadbalancer recommendation On \`Service/shop/api\`, \`k8s/api.yaml:30\`. <!-- exposure-review:public-loadbalancer:Service/shop/api:30 -->`,
      ].join("\n"),
    );
  });

  it("stays under GitHub's body limit however many findings there are", () => {
    const findings = Array.from({ length: 2000 }, (_, i) => finding({ rule: "public-loadbalancer", line: 100 + i, message: "m".repeat(200) }));
    const { outsideDiff } = planReview(report([objectReport("Service/shop/api", "k8s/api.yaml", findings)]), files);
    const body = renderReviewBody({ headSha: "abc", commentCount: 0, outsideDiff });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_BODY);
    expect(body).toMatch(/- …and \d+ more, listed in the check run\.$/);
  });
});
