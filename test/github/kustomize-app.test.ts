/**
 * The App (and the Action, through the same pipeline) on a pull request that edits only a plain
 * manifest inside a Kustomize root: `deploy/base/service.yaml` gains port 9200, and the prod overlay,
 * unchanged, patches that Service to `type: LoadBalancer`. The App reviews it as the command line does,
 * per overlay; the same change without any kustomization above the file keeps today's requests.
 */
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { MAX_KUSTOMIZATION_PROBES, reviewChanges } from "../../src/github/pipeline.js";
import { type GitHub, listChangedFiles } from "../../src/github/pull-request.js";
import { type JsonReport, toJsonReport } from "../../src/report/json.js";
import { RENDER_FIXTURES, renderFixture } from "../render/fixture-trees.js";
import { FakeGitHub, type FakeRepository, type Tree } from "./fake-github.js";
import { APP_ID, calls, examplePayload, PRIVATE_KEY, startHarness, type Harness } from "./harness.js";

const FIXTURE = "kustomize-base-edit";
const BASE_FILE = "deploy/base/service.yaml";

function overlayRepository(): FakeRepository {
  const { base, head } = renderFixture(FIXTURE);
  return { owner: "acme", name: "shop", mergeBase: base as Tree, head: head as Tree, pullNumber: 21 };
}

/** The same pull request with no kustomization anywhere: the Service is a plain manifest. */
function plainRepository(): FakeRepository {
  const withoutKustomize = (tree: Map<string, string>): Tree =>
    new Map([...tree].filter(([path]) => !/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(path) && !path.startsWith("deploy/overlays/")));
  const { base, head } = renderFixture(FIXTURE);
  return { owner: "acme", name: "shop", mergeBase: withoutKustomize(base), head: withoutKustomize(head), pullNumber: 21 };
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function reviewed(repository: FakeRepository, prepare: (fake: FakeGitHub) => void = () => {}): Promise<Harness> {
  harness = await startHarness(repository);
  prepare(harness.fake);
  await harness.deliver("pull_request", examplePayload(harness.fake, repository, "pull_request", "opened"));
  expect(harness.fake.invalidBodies).toEqual([]);
  expect(harness.fake.invalidQueries).toEqual([]);
  return harness;
}

/** Every request of a review but the token's, sorted: the pull request's request profile. */
function profile(h: Harness): string[] {
  const { mergeBase, head } = h.fake.shas;
  return calls(h.fake)
    .map((call) => call.replaceAll(mergeBase, "<merge-base>").replaceAll(head, "<head>"))
    .sort();
}

/**
 * What a review of this pull request asks when it renders nothing: the config (repository, then the
 * organisation's), the compare, the changed texts in one GraphQL query, the check run. This is also
 * the whole profile before the App looked for kustomizations above a changed file.
 */
const WRITTEN_ONLY = [
  "GET /repos/acme/.github/contents/.github%2Fexposure.yml",
  "GET /repos/acme/shop/commits/<head>/check-runs",
  "GET /repos/acme/shop/commits/<head>/check-runs",
  "GET /repos/acme/shop/commits/<head>/check-runs",
  "GET /repos/acme/shop/compare/<merge-base>...<head>",
  "GET /repos/acme/shop/contents/.github%2Fexposure.yml",
  "PATCH /repos/acme/shop/check-runs/1000",
  "POST /graphql",
  "POST /repos/acme/shop/check-runs",
];
/** A review with comments also reads the earlier ones and posts it. */
const REVIEW_POSTED = ["GET /repos/acme/shop/pulls/21/comments", "GET /repos/acme/shop/pulls/21/reviews", "POST /repos/acme/shop/pulls/21/reviews"];

describe("a base Service edited under an overlay that makes it a LoadBalancer", () => {
  it("fails the check with the comment on the base file's new port line, as the command line does", async () => {
    const h = await reviewed(overlayRepository());
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run.output.summary).toContain("kustomize:deploy/overlays/prod");
    // The command line puts sensitive-port-exposed on deploy/base/service.yaml:14 (the `- name: search` item).
    expect(h.fake.reviewComments.map((comment) => `${comment.path}:${comment.line}:${comment.side}`)).toEqual([`${BASE_FILE}:14:RIGHT`]);
    expect(h.fake.reviewComments[0]!.body).toContain("Service shop-prod/shop exposes Elasticsearch (HTTP API) (port 9200) from the internet");
    // The LoadBalancer warning (the overlay's patch, a file the change does not touch) is listed in that
    // comment; only the plain-HTTP finding on port 80, already there at the merge base, is left to annotate.
    expect(h.fake.reviewComments[0]!.body).toContain("`public-loadbalancer`");
    expect(run.annotations.map((a) => `${a.path}:${a.start_line} ${a.annotation_level} ${a.title}`)).toEqual([
      `${BASE_FILE}:11 notice Public entry point without TLS (public-without-tls) — already present`,
    ]);
    // The render stage lists each side once and reads, in one GraphQL batch per side, what finding the
    // targets needs; the changed texts the first query read are not asked again. None of it grows with
    // the number of changed files.
    const rendering = ["GET /repos/acme/shop/git/trees/<merge-base>", "GET /repos/acme/shop/git/trees/<head>", "POST /graphql", "POST /graphql"];
    expect(profile(h)).toEqual([...WRITTEN_ONLY, ...REVIEW_POSTED, ...rendering].sort());
  }, 120_000);

  it("without any kustomization above the file: reviewed as written, with no listing and no request more", async () => {
    const h = await reviewed(plainRepository());
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(h.fake.reviewComments).toEqual([]);
    expect(profile(h)).toEqual(WRITTEN_ONLY);
  }, 120_000);

  it("a probe GitHub fails to answer counts as a kustomization: the sides are listed rather than a root missed", async () => {
    const h = await reviewed(plainRepository(), (fake) => fake.nullBlobs.add(`${fake.shas.head}:deploy/kustomization.yaml`));
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(profile(h).filter((call) => call.includes("/git/trees/"))).toEqual(["GET /repos/acme/shop/git/trees/<head>", "GET /repos/acme/shop/git/trees/<merge-base>"]);
  }, 120_000);
});

describe("a change in more folders than the probes cover", () => {
  /** `count` Services, each in its own folder, each changing a label; `rooted` puts the first under a kustomization. */
  function scattered(count: number, rooted: boolean): FakeRepository {
    const mergeBase: Tree = new Map();
    const head: Tree = new Map();
    const service = (index: number, tier: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${index}\n  labels:\n    tier: ${tier}\nspec:\n  ports:\n    - port: 8080\n`;
    for (let index = 0; index < count; index++) {
      const path = `apps/app-${String(index).padStart(3, "0")}/service.yaml`;
      mergeBase.set(path, service(index, "web"));
      head.set(path, service(index, "edge"));
    }
    if (rooted) {
      // The first one also becomes a NodePort, in the namespace only its kustomization gives it.
      for (const tree of [mergeBase, head]) tree.set("apps/app-000/kustomization.yaml", "namespace: edge\nresources:\n  - service.yaml\n");
      head.set("apps/app-000/service.yaml", service(0, "edge").replace("spec:\n", "spec:\n  type: NodePort\n"));
    }
    return { owner: "acme", name: "shop", mergeBase, head, pullNumber: 21 };
  }
  // Each folder, `apps` and the root, three names each: past the probes the query would carry.
  const folders = Math.ceil(MAX_KUSTOMIZATION_PROBES / 3);
  const trees = (h: Harness) => profile(h).filter((call) => call.includes("/git/trees/"));

  it("lists the head once instead, and renders nothing when no kustomization is above", async () => {
    const h = await reviewed(scattered(folders, false));
    expect(h.fake.checkRuns[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(profile(h)).toEqual([...WRITTEN_ONLY, "GET /repos/acme/shop/git/trees/<head>"].sort());
  }, 120_000);

  it("renders the root above one of them, with that head listing reused", async () => {
    const h = await reviewed(scattered(folders, true));
    // Its `type: NodePort` line (8).
    expect(h.fake.reviewComments.map((comment) => `${comment.path}:${comment.line}`)).toEqual(["apps/app-000/service.yaml:8"]);
    expect(h.fake.reviewComments[0]!.body).toContain("Service edge/app-0");
    expect(trees(h)).toEqual(["GET /repos/acme/shop/git/trees/<head>", "GET /repos/acme/shop/git/trees/<merge-base>"]);
  }, 120_000);
});

describe("the command line and the pipeline on the same trees", () => {
  const TOKEN = "ghs_kustomizecomparisontoken00000000";
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  /** The pipeline's report (what the App and the Action publish) as the JSON report. */
  async function pipelineReport(repository: FakeRepository): Promise<JsonReport> {
    fake = await FakeGitHub.start({ repository, appId: APP_ID, privateKey: PRIVATE_KEY });
    fake.tokens.push(TOKEN);
    const octokit = new Octokit({ auth: TOKEN, baseUrl: `${fake.url}/api/v3`, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } }) as unknown as GitHub;
    const target = { owner: repository.owner, repo: repository.name, number: repository.pullNumber, baseSha: fake.shas.mergeBase, headSha: fake.shas.head };
    const { report } = await reviewChanges(octokit, target, DEFAULT_CONFIG, await listChangedFiles(octokit, target), undefined);
    return toJsonReport(report!);
  }

  async function cliReport(): Promise<JsonReport> {
    let stdout = "";
    await main(["--base", `${RENDER_FIXTURES}${FIXTURE}/base`, "--head", `${RENDER_FIXTURES}${FIXTURE}/head`, "--format", "json"], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => {} },
      cwd: RENDER_FIXTURES,
      env: {},
    });
    return JSON.parse(stdout) as JsonReport;
  }

  it("gives the same objects, classifications and findings", async () => {
    const [cli, app] = [await cliReport(), await pipelineReport(overlayRepository())];
    const seen = (report: JsonReport) => ({ conclusion: report.conclusion, objects: report.objects, errors: report.errors });
    expect(seen(app)).toEqual(seen(cli));
    // Not two empty reports: both render the prod overlay and review the base file through it, not on its own.
    expect(cli.objects.map((object) => `${object.target} ${object.kind}/${object.namespace}/${object.name} ${object.classification}`)).toEqual([
      "kustomize:deploy/overlays/prod Service/shop-prod/shop widened",
      "kustomize:deploy/overlays/staging Service/shop-staging/shop unchanged",
    ]);
  }, 120_000);
});
