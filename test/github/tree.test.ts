/**
 * A side of a pull request read from GitHub as a TreeView: over real HTTP to the fake GitHub, counting
 * what it asks for.
 */
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { githubTree, TreeTooLarge } from "../../src/github/tree.js";
import { FakeGitHub, type FakeRepository, type Tree } from "./fake-github.js";
import { APP_ID, INSTALLATION_ID, PRIVATE_KEY } from "./harness.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function repository(head: Tree, mergeBase: Tree = new Map()): FakeRepository {
  return { owner: "acme", name: "home-ops", mergeBase, head, pullNumber: 3 };
}

async function connect(repo: FakeRepository, options: { treeEntryLimit?: number } = {}) {
  fake = await FakeGitHub.start({ repository: repo, appId: APP_ID, privateKey: PRIVATE_KEY, ...options });
  const octokit = new ProbotOctokit({
    auth: { appId: APP_ID, privateKey: PRIVATE_KEY, installationId: INSTALLATION_ID },
    baseUrl: `${fake.url}/api/v3`,
    throttle: { enabled: false },
    retry: { enabled: false },
  });
  return { fake, octokit };
}

/** Requests to the repository (the token exchange is not the view's doing). */
const repoCalls = (fake: FakeGitHub) =>
  fake.requests.filter((request) => !request.path.endsWith("/access_tokens")).map((request) => `${request.method} ${request.path}`);

const HEAD: Tree = new Map<string, string | Uint8Array>([
  ["apps/media/plex/helmrelease.yaml", "kind: HelmRelease\n"],
  ["apps/media/plex/kustomization.yaml", "resources: [helmrelease.yaml]\n"],
  ["charts/web/Chart.yaml", "name: web\nversion: 1.0.0\n"],
  ["charts/web/templates/service.yaml", "kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n"],
  ["docs/logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2])],
  ["README.md", "# home-ops\n"],
]);

describe("githubTree", () => {
  it("sends nothing until asked", async () => {
    const { fake, octokit } = await connect(repository(HEAD));
    githubTree(octokit, { owner: "acme", repo: "home-ops" }, fake.shas.head, "head");
    expect(repoCalls(fake)).toEqual([]);
  });

  it("lists every file of the commit with one request, folders left out", async () => {
    const { fake, octokit } = await connect(repository(HEAD));
    const view = githubTree(octokit, { owner: "acme", repo: "home-ops" }, fake.shas.head, "head");
    expect(await view.listFiles()).toEqual([...HEAD.keys()].sort());
    expect(await view.listFiles()).toHaveLength(HEAD.size);
    expect(repoCalls(fake)).toEqual([`GET /repos/acme/home-ops/git/trees/${fake.shas.head}`]);
    expect(fake.requests.at(-1)!.query.get("recursive")).toBe("1");
  });

  it("reads many files in one GraphQL query, remembers them, and skips paths the commit does not hold", async () => {
    const { fake, octokit } = await connect(repository(HEAD));
    const view = githubTree(octokit, { owner: "acme", repo: "home-ops" }, fake.shas.head, "head");
    await view.listFiles();
    const wanted = ["charts/web/Chart.yaml", "charts/web/templates/service.yaml", "charts/web/values.yaml", "docs/logo.png"];
    const read = await view.readFiles(wanted);
    expect(read).toEqual([
      { path: "charts/web/Chart.yaml", text: "name: web\nversion: 1.0.0\n", size: 25 },
      { path: "charts/web/templates/service.yaml", text: "kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n", size: 52 },
      { path: "docs/logo.png", unreadable: "binary", size: 7 },
    ]);
    // Again, and overlapping: nothing new is asked for what was read.
    const again = await view.readFiles(["charts/web/Chart.yaml", "apps/media/plex/helmrelease.yaml"]);
    expect(again.map((file) => file.path)).toEqual(["charts/web/Chart.yaml", "apps/media/plex/helmrelease.yaml"]);
    const graphql = fake.requests.filter((request) => request.path === "/graphql");
    expect(graphql).toHaveLength(2);
    const asked = graphql.map((request) => Object.values((request.body as { variables: Record<string, string> }).variables).filter((v) => v.includes(":")));
    expect(asked).toEqual([
      [`${fake.shas.head}:charts/web/Chart.yaml`, `${fake.shas.head}:charts/web/templates/service.yaml`, `${fake.shas.head}:docs/logo.png`],
      [`${fake.shas.head}:apps/media/plex/helmrelease.yaml`],
    ]);
    expect(fake.invalidQueries).toEqual([]);
  });

  it("reads the commit it was made for (the merge base is another tree)", async () => {
    const base: Tree = new Map([["charts/web/Chart.yaml", "name: web\nversion: 0.9.0\n"]]);
    const { fake, octokit } = await connect(repository(HEAD, base));
    const view = githubTree(octokit, { owner: "acme", repo: "home-ops" }, fake.shas.mergeBase, "base");
    expect(await view.listFiles()).toEqual(["charts/web/Chart.yaml"]);
    expect(await view.readFiles(["charts/web/Chart.yaml", "README.md"])).toEqual([{ path: "charts/web/Chart.yaml", text: "name: web\nversion: 0.9.0\n", size: 25 }]);
  });

  it("refuses a listing GitHub cut short instead of reading half a repository", async () => {
    const { fake, octokit } = await connect(repository(HEAD), { treeEntryLimit: 3 });
    const view = githubTree(octokit, { owner: "acme", repo: "home-ops" }, fake.shas.head, "head");
    await expect(view.listFiles()).rejects.toThrow(TreeTooLarge);
    await expect(view.listFiles()).rejects.toThrow(/only in part/);
  });
});
