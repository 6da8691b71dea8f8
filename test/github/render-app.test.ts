/**
 * The App on a pull request that changes a Flux HelmRelease's values: the real handler, Probot and the
 * engines, the fake GitHub serving the repository, a local Helm repository serving the chart.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Tree } from "./fake-github.js";
import { calls, examplePayload, startHarness } from "./harness.js";
import { RENDER_FIXTURES, renderFixture } from "../render/fixture-trees.js";
import { startEchoChartRepository, type HelmRepositoryServer } from "../render/servers/index.js";

let charts: HelmRepositoryServer;
beforeAll(async () => {
  charts = await startEchoChartRepository();
});
afterAll(() => charts.close());

it("fails the check with an inline comment on the HelmRelease's values line", async () => {
  const fixture = renderFixture("helmrelease", { "${CHARTS_URL}": `${charts.url}/` });
  const repository = {
    owner: "acme",
    name: "home-ops",
    config: `render:\n  repositories: ["${charts.url}/"]\n`,
    mergeBase: fixture.base as Tree,
    head: fixture.head as Tree,
    pullNumber: 12,
  };
  const h = await startHarness(repository);
  try {
    await h.deliver("pull_request", examplePayload(h.fake, repository, "pull_request", "opened"));
    expect(h.fake.invalidBodies).toEqual([]);
    expect(h.fake.invalidQueries).toEqual([]);
    const run = h.fake.checkRuns[0]!;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    const comment = h.fake.reviewComments.find((candidate) => candidate.path === "kubernetes/apps/media/plex/helmrelease.yaml" && candidate.line === 17);
    expect(comment?.body).toContain("Service media/plex is a LoadBalancer reachable from the internet");
    expect(comment?.side).toBe("RIGHT");
    // Each side is listed once and read in batches: no request per changed or rendered file.
    const sides = [h.fake.shas.mergeBase, h.fake.shas.head];
    expect(calls(h.fake).filter((call) => call.includes("/git/trees/")).sort()).toEqual(sides.map((sha) => `GET /repos/acme/home-ops/git/trees/${sha}`).sort());
    expect(calls(h.fake).filter((call) => call === "POST /graphql").length).toBeLessThanOrEqual(7);
  } finally {
    await h.close();
  }
}, 120_000);
