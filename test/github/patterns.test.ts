/**
 * Issue 8's patterns, each as a pull request over the fake GitHub (the real handler, Probot and Octokit):
 * where every finding lands (inline comment: file, line, side; annotation; review body), the check run's
 * title and conclusion, and that no line carries a comment and an annotation for the same finding.
 */
import { describe, expect, it } from "vitest";
import type { FakeRepository } from "./fake-github.js";
import { examplePayload, harnessPerTest } from "./harness.js";
import { landed, pullRequestOf, samplePullRequest, serviceYaml, shownTwice, type Landed } from "../helpers/pull-requests.js";

const start = harnessPerTest();

/** Opens the pull request and returns what the app posted: the run, the review, and where findings landed. */
async function open(repository: FakeRepository) {
  const h = await start(repository);
  const response = await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
  expect(response.status).toBe(200);
  expect(h.fake.invalidBodies).toEqual([]);
  expect(h.fake.checkRuns).toHaveLength(1);
  const run = h.fake.checkRuns[0]!;
  const where: Landed = landed(h.fake);
  // Never two boxes for one finding on one line.
  expect(shownTwice(where)).toEqual([]);
  return { run, review: h.fake.reviews[0], comments: h.fake.reviewComments, where };
}

/** Findings on lines the change did not touch go to the body under this heading. */
const OFF_DIFF = "Findings on lines this pull request does not change";

describe("a public Redis load balancer whose sensitive port is untouched (pr-redis-lb)", () => {
  it("puts the failure inline on the changed type: line, leading, with the warning inside it; nothing in the body or annotations", async () => {
    const { run, review, comments, where } = await open(samplePullRequest("pr-redis-lb"));
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("❌ cache/redis: Redis 6379 public via a new LoadBalancer (+1 warning)");
    expect(where).toEqual({
      comments: [{ at: "k8s/redis.yaml:9:RIGHT", findings: ["sensitive-port-exposed@13", "public-loadbalancer@9"] }],
      annotations: [],
    });
    expect(comments[0]!.body).toMatch(/^❌ \*\*Redis 6379 public via a new LoadBalancer\*\* on `Service cache\/redis`/);
    expect(review!.body).not.toContain(OFF_DIFF);
  });
});

describe("a deleted certificate annotation (pr-ssl-cert-removed)", () => {
  it("comments tls-removed on the deleted line (LEFT) with the lines to restore; the old warning stays an annotation", async () => {
    const { run, comments, where } = await open(samplePullRequest("pr-ssl-cert-removed"));
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("❌ shop/checkout: TLS removed from TCP/443");
    expect(where).toEqual({
      comments: [{ at: "k8s/checkout.yaml:8:LEFT", findings: ["tls-removed@L8"] }],
      annotations: ["public-loadbalancer@k8s/checkout.yaml:10"],
    });
    expect(comments[0]!.body).toContain(
      "```yaml\n    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:123456789012:certificate/4f1e\n```",
    );
    expect(run.annotations[0]).toMatchObject({ annotation_level: "notice" });
  });
});

describe("a suppression the change adds to its own finding (pr-self-suppressed)", () => {
  it("by default (addedSuppressions: allow) passes, but names it in the title and comments on the annotation line", async () => {
    const { run, comments, where } = await open(samplePullRequest("pr-self-suppressed"));
    expect(run.conclusion).toBe("success");
    expect(run.output.title).toBe("🔕 web/frontend: public via a new LoadBalancer, silenced by an annotation this change adds");
    expect(where).toEqual({ comments: [{ at: "k8s/frontend.yaml:7:RIGHT", findings: ["public-loadbalancer@9"] }], annotations: [] });
    expect(comments[0]!.body).toMatch(/^🔕 \*\*This change silences its own finding\*\*/);
    expect(comments[0]!.body).toContain("`conclusion.addedSuppressions` is `allow`");
  });

  it("with conclusion.addedSuppressions: count, the silenced warning still decides the check", async () => {
    const { run, comments, where } = await open(samplePullRequest("pr-self-suppressed", "conclusion:\n  addedSuppressions: count\n"));
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ web/frontend: public via a new LoadBalancer; 1 finding silenced by this change");
    expect(where).toEqual({ comments: [{ at: "k8s/frontend.yaml:7:RIGHT", findings: ["public-loadbalancer@9"] }], annotations: [] });
    expect(comments[0]!.body).toContain("`conclusion.addedSuppressions: count`");
  });
});

describe("unreadable files (pr-conflict-markers)", () => {
  it("names the conflict markers and the Service they hide, comments on the broken line, and counts each file once", async () => {
    const { run, comments, where } = await open(samplePullRequest("pr-conflict-markers"));
    expect(run.conclusion).toBe("neutral");
    // edge.yaml (broken by the change) and legacy.yaml (broken on both sides): two files, each once.
    expect(run.output.title).toBe("⚠️ Service edge/edge-proxy not reviewed: head unreadable, conflict markers at line 6; 2 files not reviewed");
    expect(run.output.summary).toContain("2 files not reviewed. 1 object could not be read: Service edge/edge-proxy (head unreadable, conflict markers at line 6).");
    expect(run.output.summary).not.toContain("No Service or Ingress changes");
    expect(where).toEqual({ comments: [{ at: "k8s/edge.yaml:6:RIGHT", findings: ["unreadable@6"] }], annotations: ["unreadable@k8s/legacy.yaml:7"] });
    expect(comments[0]!.body).toContain("Merge conflict markers");
    expect(comments[0]!.body).toContain("It hides `Service edge/edge-proxy` (head unreadable, conflict markers at line 6)");
    // legacy.yaml's edit sits in a document broken before and after: not reviewable, so a warning.
    expect(run.annotations[0]).toMatchObject({ annotation_level: "warning", title: "Not reviewed: syntax" });
  });

  const web = (tier: string) => serviceYaml({ name: "web", namespace: "shop", type: "ClusterIP", ports: [8080] }).replace("  selector:", `  selector:\n    tier: ${tier}`);
  const brokenConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  labels: [unclosed\ndata:\n  mode: a\n";

  it("a breakage already on the base side does not lower the conclusion and gets no comment", async () => {
    const repository = pullRequestOf({ "k8s/web.yaml": `${web("a")}---\n${brokenConfig}` }, { "k8s/web.yaml": `${web("b")}---\n${brokenConfig}` });
    const { run, where } = await open(repository);
    expect(run.conclusion).toBe("success");
    // The parser refuses the document at line 20, after the unclosed `[` of line 19.
    expect(where).toEqual({ comments: [], annotations: ["unreadable@k8s/web.yaml:20"] });
    expect(run.output.summary).toContain("(already so on the base side)");
    expect(run.annotations[0]).toMatchObject({ annotation_level: "notice", message: expect.stringMatching(/\(already so on the base side\)$/) });
  });

  it("the same breakage introduced by the change makes the review incomplete: neutral, commented on the broken line", async () => {
    const repository = pullRequestOf({ "k8s/web.yaml": `${web("a")}---\n${brokenConfig.replace("[unclosed", "{}")}` }, { "k8s/web.yaml": `${web("a")}---\n${brokenConfig}` });
    const { run, where } = await open(repository);
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ No exposure change found; 1 file not reviewed");
    // On the line the change wrote (19, the unclosed `[`), not on line 20 where the parser gave up.
    expect(where).toEqual({ comments: [{ at: "k8s/web.yaml:19:RIGHT", findings: ["unreadable@19"] }], annotations: [] });
  });
});

describe("a port added to a load balancer that was public already", () => {
  it("is a new public-loadbalancer finding about 8443, on the added port line; an untouched public LB's finding stays old", async () => {
    const edge = (ports: number[]) => serviceYaml({ name: "edge-proxy", namespace: "edge", ports });
    const legacy = serviceYaml({ name: "legacy", namespace: "edge", ports: [443] });
    const repository = pullRequestOf(
      { "k8s/edge.yaml": edge([443]), "k8s/legacy.yaml": legacy },
      { "k8s/edge.yaml": edge([443, 8443]), "k8s/legacy.yaml": legacy.replace("app: legacy", "app: legacy-v2") },
    );
    const { run, comments, where } = await open(repository);
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ edge/edge-proxy: public LoadBalancer (new: TCP/8443)");
    // The finding's own line (type:) is unchanged; the added port item (line 13) caused it.
    expect(where).toEqual({
      comments: [{ at: "k8s/edge.yaml:13:RIGHT", findings: ["public-loadbalancer@7+TCP/8443"] }],
      annotations: ["public-loadbalancer@k8s/legacy.yaml:7"],
    });
    expect(comments[0]!.body).toContain("New in this change: TCP/8443 (already before: TCP/443).");
    expect(run.annotations[0]).toMatchObject({ annotation_level: "notice" });
  });
});

describe("an allow-list opened to the internet", () => {
  it("comments once on the changed range line, leading with the open range, the load balancer made public inside", async () => {
    const ranged = (cidr: string) =>
      serviceYaml({ name: "vpn", namespace: "edge", ports: [1194] }).replace("  selector:", `  loadBalancerSourceRanges:\n    - ${cidr}\n  selector:`);
    const { run, where } = await open(pullRequestOf({ "k8s/vpn.yaml": ranged("10.0.0.0/8") }, { "k8s/vpn.yaml": ranged("0.0.0.0/0") }));
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ edge/vpn: LoadBalancer made public (+1 warning)");
    expect(where).toEqual({ comments: [{ at: "k8s/vpn.yaml:9:RIGHT", findings: ["public-loadbalancer@7", "open-source-range@8"] }], annotations: [] });
  });
});

describe("a catch-all Ingress without TLS, in two files", () => {
  it("gets one comment per object on its cause, and no annotation repeating it", async () => {
    const ingress = (name: string) =>
      [
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata:",
        `  name: ${name}`,
        "  namespace: web",
        "spec:",
        "  rules:",
        "    - http:",
        "        paths:",
        "          - path: /",
        "            pathType: Prefix",
        "            backend:",
        "              service:",
        `                name: ${name}`,
        "                port:",
        "                  number: 8080",
        "",
      ].join("\n");
    const { run, comments, where } = await open(pullRequestOf({}, { "k8s/a.yaml": ingress("a"), "k8s/b.yaml": ingress("b") }));
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toBe("❌ web/a: / on any host public without TLS (+1 failure, +2 warnings, +2 notices)");
    // The catch-all's entry point is its path item (line 10); the class belongs on spec: (line 6).
    const all = ["public-without-tls@10", "wildcard-host@10", "ingress-class-missing@6"];
    expect(where).toEqual({ comments: [{ at: "k8s/a.yaml:10:RIGHT", findings: all }, { at: "k8s/b.yaml:10:RIGHT", findings: all }], annotations: [] });
    expect(comments[0]!.body).toMatch(/^❌ \*\*\/ on any host public without TLS\*\* on `Ingress web\/a`/);
  });
});

describe("a large change where most objects keep their exposure (pr-large-change)", () => {
  it("comments on the one object that widens, and folds the 19 others into one collapsed line per file", async () => {
    const { run, where } = await open(samplePullRequest("pr-large-change"));
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toBe("⚠️ search/search-1: TCP/8080 open on every node via NodePort");
    expect(where).toEqual({ comments: [{ at: "k8s/search.yaml:9:RIGHT", findings: ["nodeport@9"] }], annotations: [] });
    expect(run.output.summary).toContain("<details><summary>19 objects changed without an exposure change, in 4 files</summary>");
    expect(run.output.summary).toContain("- k8s/search.yaml: Service search/search-2, Service search/search-3, Service search/search-4, Service search/search-5");
    expect(run.output.summary).not.toContain("### Service search/search-2");
  });
});
