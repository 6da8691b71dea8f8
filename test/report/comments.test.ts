import { describe, expect, it } from "vitest";
import { ruleById } from "../../src/core/rules/index.js";
import { commentableLines } from "../../src/github/patch.js";
import { findingMarker, headCommitMarker, markersIn, MAX_COMMENT_BODY, planReview, renderReviewBody } from "../../src/report/comments.js";
import { finding, objectReport, report } from "./github-report.js";

const patch = ["@@ -5,6 +5,7 @@", " metadata:", "   name: web", " spec:", "-  type: ClusterIP", "+  type: NodePort", "+  externalTrafficPolicy: Local", "   ports:", "     - port: 80"].join("\n");
const commentable = new Map([["k8s/web.yaml", commentableLines(patch)]]);

describe("planReview", () => {
  it("comments on diff lines with a suggestion when the whole fix is on the diff", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 8, endLine: 8, replacement: "  type: ClusterIP" } }),
    ]);
    const plan = planReview(report([web]), commentable);
    expect(plan.outsideDiff).toEqual([]);
    expect(plan.comments).toHaveLength(1);
    const [comment] = plan.comments;
    expect(comment).toMatchObject({ path: "k8s/web.yaml", line: 8, side: "RIGHT", marker: "<!-- exposure-review:nodeport:Service/shop/web:8 -->" });
    expect(comment).not.toHaveProperty("start_line");
    expect(comment!.body).toBe(
      [
        `**${ruleById("nodeport").title}** (\`nodeport\`, warning) on \`Service/shop/web\``,
        "nodeport message",
        "**Recommendation:** nodeport recommendation",
        "```suggestion\n  type: ClusterIP\n```",
        `[About this rule](${ruleById("nodeport").docsUrl})`,
        "<!-- exposure-review:nodeport:Service/shop/web:8 -->",
      ].join("\n\n"),
    );
  });

  it("spans start_line..line for a multi-line fix inside one hunk", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 8, endLine: 9, replacement: "  type: ClusterIP" } }),
    ]);
    const [comment] = planReview(report([web]), commentable).comments;
    expect(comment).toMatchObject({ start_line: 8, start_side: "RIGHT", line: 9, side: "RIGHT" });
  });

  it("comments without a suggestion when the fix leaves the diff, and lists off-diff findings for the body", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 2, endLine: 2, replacement: "x" } }),
      finding({ rule: "public-loadbalancer", line: 30 }),
      finding({ rule: "external-ips", line: 9, new: false }),
    ]);
    const other = objectReport("Service/shop/api", "k8s/api.yaml", [finding({ rule: "nodeport", line: 3 })]);
    const plan = planReview(report([web, other]), commentable);
    expect(plan.comments.map((c) => [c.path, c.line, c.body.includes("```suggestion")])).toEqual([["k8s/web.yaml", 8, false]]);
    expect(plan.outsideDiff.map((item) => [item.path, item.line, item.marker])).toEqual([
      ["k8s/web.yaml", 30, findingMarker("public-loadbalancer", "Service/shop/web", 30)],
      ["k8s/api.yaml", 3, findingMarker("nodeport", "Service/shop/api", 3)],
    ]);
  });

  it("fences a suggestion longer than any backtick run in it", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [
      finding({ rule: "nodeport", line: 8, fix: { startLine: 8, endLine: 8, replacement: "  note: ```x```" } }),
    ]);
    const [comment] = planReview(report([web]), commentable).comments;
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

  it("renders the head marker, the counts and each finding outside the diff with its marker", () => {
    const web = objectReport("Service/shop/web", "k8s/web.yaml", [finding({ rule: "public-loadbalancer", line: 30 })]);
    const { outsideDiff } = planReview(report([web]), commentable);
    const body = renderReviewBody({ headSha: "0123456789abcdef", commentCount: 2, outsideDiff, checkRunUrl: "https://github.example/run/1" });
    expect(body).toBe(
      [
        "<!-- exposure-review:head:0123456789abcdef -->",
        "**Exposure review** of 0123456: 2 comments on the changed lines and 1 finding elsewhere. See the [check run](https://github.example/run/1) for every object.",
        "",
        "Findings on lines this pull request does not change:",
        "",
        `- \`k8s/web.yaml:30\` **${ruleById("public-loadbalancer").title}** (\`public-loadbalancer\`, warning) on \`Service/shop/web\`: public-loadbalancer message public-loadbalancer recommendation <!-- exposure-review:public-loadbalancer:Service/shop/web:30 -->`,
      ].join("\n"),
    );
  });

  it("stays under GitHub's body limit however many findings there are", () => {
    const findings = Array.from({ length: 2000 }, (_, i) => finding({ rule: "public-loadbalancer", line: 100 + i, message: "m".repeat(200) }));
    const { outsideDiff } = planReview(report([objectReport("Service/shop/web", "k8s/web.yaml", findings)]), commentable);
    const body = renderReviewBody({ headSha: "abc", commentCount: 0, outsideDiff });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_BODY);
    expect(body).toMatch(/- …and \d+ more, listed in the check run\.$/);
  });
});
