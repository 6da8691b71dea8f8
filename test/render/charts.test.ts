/**
 * Chart fetching against a Helm repository and an OCI registry on 127.0.0.1 started here, with
 * charts packaged by the real `helm package`; and the requests that must never be made.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { allowedPrefixFor, createChartFetcher, isPublicAddress, pickVersion, type ResolvedAddress } from "../../src/render/charts.js";
import type { ChartResult } from "../../src/render/types.js";
import {
  indexYaml,
  packageChart,
  sha256Hex,
  startHelmRepository,
  startOciRegistry,
  startRecordingServer,
  type HelmRepositoryServer,
  type OciRegistry,
  type RecordingServer,
} from "./servers/index.js";

const WEB_CHART = fileURLToPath(new URL("../../fixtures/render-engines/charts/web/", import.meta.url));
const SHARED_CHARTS = fileURLToPath(new URL("../../../shared/charts/", import.meta.url));

// Packaging with the real helm and 50 MB transfers take seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** Names only this test knows, so a request can only reach them through our own resolution. */
function testResolver(names: Record<string, string[]>) {
  return async (hostname: string): Promise<ResolvedAddress[]> => {
    const addresses = names[hostname];
    if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

function soon(seconds = 10): number {
  return Date.now() + seconds * 1000;
}

function unavailable(result: ChartResult): string {
  if (result.ok) throw new Error(`expected chart-unavailable, got version ${result.version}`);
  expect(result.reason).toBe("chart-unavailable");
  return result.message;
}

function fetched(result: ChartResult): Extract<ChartResult, { ok: true }> {
  if (!result.ok) throw new Error(result.message);
  return result;
}

let web010: Uint8Array;
let web020: Uint8Array;
let repo: HelmRepositoryServer;
let recorder: RecordingServer;
let allowed: string[];

beforeAll(async () => {
  web010 = packageChart(WEB_CHART, "0.1.0");
  web020 = packageChart(WEB_CHART, "0.2.0");
  repo = await startHelmRepository({ dirs: existsSync(SHARED_CHARTS) ? [SHARED_CHARTS] : [] });
  recorder = await startRecordingServer();
  allowed = [`${repo.url}/`];
  repo.setFile("/hand/web-0.1.0.tgz", web010);
  repo.setFile("/hand/web-0.2.0.tgz", web020);
  repo.setFile(
    "/hand/index.yaml",
    indexYaml([
      { name: "web", version: "0.1.0", url: "web-0.1.0.tgz", digest: sha256Hex(web010) },
      // Absolute URLs are used as they are, and checked like any other.
      { name: "web", version: "0.2.0", url: `${repo.url}/hand/web-0.2.0.tgz`, digest: sha256Hex(web020) },
      { name: "web", version: "0.3.0-rc.1", url: "web-0.2.0.tgz" },
    ]),
  );
});

afterAll(async () => {
  await repo.close();
  await recorder.close();
});

beforeEach(() => {
  recorder.requests.length = 0;
});

describe("Helm repositories", () => {
  it("fetch the exact version, with the digest the index gives verified", async () => {
    const fetcher = createChartFetcher();
    const result = fetched(await fetcher.fetch({ repository: `${repo.url}/hand`, chart: "web", version: "0.1.0" }, { allowedPrefixes: allowed, deadline: soon() }));
    expect(result.version).toBe("0.1.0");
    expect(result.digest).toBe(`sha256:${sha256Hex(web010)}`);
    expect(Buffer.from(result.archive).equals(Buffer.from(web010))).toBe(true);
  });

  it("resolve a range to the highest match, skipping pre-releases as Helm does", async () => {
    const fetcher = createChartFetcher();
    const options = { allowedPrefixes: allowed, deadline: soon() };
    expect(fetched(await fetcher.fetch({ repository: `${repo.url}/hand/`, chart: "web", version: ">=0.1.0" }, options)).version).toBe("0.2.0");
    expect(fetched(await fetcher.fetch({ repository: `${repo.url}/hand/`, chart: "web", version: "~0.1" }, options)).version).toBe("0.1.0");
    expect(fetched(await fetcher.fetch({ repository: `${repo.url}/hand/`, chart: "web", version: "*" }, options)).version).toBe("0.2.0");
  });

  it("a warm cache fetches nothing again, and index.yaml is reused for a short time", async () => {
    let clock = Date.now();
    const fetcher = createChartFetcher({ now: () => clock, indexTtlMs: 60_000 });
    const ref = { repository: `${repo.url}/hand`, chart: "web", version: "0.1.0" };
    const before = repo.requests.length;
    fetched(await fetcher.fetch(ref, { allowedPrefixes: allowed, deadline: soon() }));
    expect(repo.requests.slice(before)).toEqual(["GET /hand/index.yaml", "GET /hand/web-0.1.0.tgz"]);
    const warm = repo.requests.length;
    fetched(await fetcher.fetch(ref, { allowedPrefixes: allowed, deadline: soon() }));
    fetched(await fetcher.fetch({ ...ref, version: "0.2.0" }, { allowedPrefixes: allowed, deadline: soon() }));
    expect(repo.requests.slice(warm)).toEqual(["GET /hand/web-0.2.0.tgz"]);
    clock += 61_000;
    fetched(await fetcher.fetch({ ...ref, version: "^0.2.0" }, { allowedPrefixes: allowed, deadline: soon() }));
    expect(repo.requests.slice(warm + 1)).toEqual(["GET /hand/index.yaml"]);
  });

  it("a chart fetched under one configuration's prefix is not handed to a configuration without it", async () => {
    const fetcher = createChartFetcher();
    const ref = { repository: `${repo.url}/hand`, chart: "web", version: "0.1.0" };
    fetched(await fetcher.fetch(ref, { allowedPrefixes: allowed, deadline: soon() }));
    expect(unavailable(await fetcher.fetch(ref, { allowedPrefixes: [], deadline: soon() }))).toBe(
      `chart web 0.1.0 from ${repo.url}/hand: http is not allowed for ${repo.url} (https only, or a render.repositories prefix)`,
    );
  });

  it("say which chart and version could not be found", async () => {
    const fetcher = createChartFetcher();
    const options = { allowedPrefixes: allowed, deadline: soon() };
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/hand`, chart: "api", version: "1.0.0" }, options))).toBe(
      `chart api 1.0.0 from ${repo.url}/hand: the repository's index.yaml has no chart api`,
    );
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/hand`, chart: "web", version: "9.9.9" }, options))).toBe(
      `chart web 9.9.9 from ${repo.url}/hand: the repository's index.yaml has no version matching 9.9.9`,
    );
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/nowhere`, chart: "web", version: "0.1.0" }, options))).toBe(
      `chart web 0.1.0 from ${repo.url}/nowhere: index.yaml answered HTTP 404`,
    );
  });

  it.runIf(existsSync(join(SHARED_CHARTS, "index.yaml")))("fetch real public charts from ../shared/charts served as a repository", async () => {
    const fetcher = createChartFetcher();
    const options = { allowedPrefixes: allowed, deadline: soon() };
    const appTemplate = fetched(await fetcher.fetch({ repository: repo.url, chart: "app-template", version: "3.5.1" }, options));
    expect(Buffer.from(appTemplate.archive).equals(readFileSync(join(SHARED_CHARTS, "app-template-3.5.1.tgz")))).toBe(true);
    expect(fetched(await fetcher.fetch({ repository: repo.url, chart: "podinfo", version: "6.7.x" }, options)).version).toBe("6.7.1");
    expect(fetched(await fetcher.fetch({ repository: repo.url, chart: "ingress-nginx", version: "4.11.2" }, options)).version).toBe("4.11.2");
  });
});

describe("archives that are refused", () => {
  it("a digest mismatch", async () => {
    repo.setFile("/bad-digest/index.yaml", indexYaml([{ name: "web", version: "0.1.0", url: "/hand/web-0.1.0.tgz", digest: "0".repeat(64) }]));
    const message = unavailable(
      await createChartFetcher().fetch({ repository: `${repo.url}/bad-digest`, chart: "web", version: "0.1.0" }, { allowedPrefixes: allowed, deadline: soon() }),
    );
    expect(message).toBe(
      `chart web 0.1.0 from ${repo.url}/bad-digest: digest mismatch: index.yaml says sha256:${"0".repeat(64)}, the archive is sha256:${sha256Hex(web010)}`,
    );
  });

  it("a chart that is not gzip", async () => {
    repo.setFile("/not-gzip/web-0.1.0.tgz", "apiVersion: v2\nname: web\n");
    repo.setFile("/not-gzip/index.yaml", indexYaml([{ name: "web", version: "0.1.0", url: "web-0.1.0.tgz" }]));
    expect(
      unavailable(await createChartFetcher().fetch({ repository: `${repo.url}/not-gzip`, chart: "web", version: "0.1.0" }, { allowedPrefixes: allowed, deadline: soon() })),
    ).toBe(`chart web 0.1.0 from ${repo.url}/not-gzip: the archive is not gzip`);
  });

  it("a gzip that unpacks past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    repo.setFile("/bomb/web-0.1.0.tgz", bomb);
    repo.setFile("/bomb/index.yaml", indexYaml([{ name: "web", version: "0.1.0", url: "web-0.1.0.tgz" }]));
    const fetcher = createChartFetcher({ maxUnpackedBytes: 4 * 1024 * 1024 });
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/bomb`, chart: "web", version: "0.1.0" }, { allowedPrefixes: allowed, deadline: soon() }))).toBe(
      `chart web 0.1.0 from ${repo.url}/bomb: the archive unpacks to more than 4 MB`,
    );
  });

  it("a 50 MB chart, whether it says its length or streams without one", async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 7);
    repo.setRoute("/huge/declared-0.1.0.tgz", (_request, response) => {
      response.setHeader("content-length", 50 * megabyte.length);
      response.write(megabyte);
    });
    let streamed = 0;
    repo.setRoute("/huge/streamed-0.1.0.tgz", (_request, response) => {
      const push = () => {
        while (streamed < 50 && response.write(megabyte)) streamed++;
        if (streamed < 50) response.once("drain", push);
        else response.end();
      };
      response.on("close", () => undefined);
      push();
    });
    repo.setFile(
      "/huge/index.yaml",
      indexYaml([
        { name: "declared", version: "0.1.0", url: "declared-0.1.0.tgz" },
        { name: "streamed", version: "0.1.0", url: "streamed-0.1.0.tgz" },
      ]),
    );
    const fetcher = createChartFetcher();
    const options = { allowedPrefixes: allowed, deadline: soon(20) };
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/huge`, chart: "declared", version: "0.1.0" }, options))).toBe(
      `chart declared 0.1.0 from ${repo.url}/huge: declared-0.1.0.tgz is 50 MB, over the 20 MB limit`,
    );
    expect(unavailable(await fetcher.fetch({ repository: `${repo.url}/huge`, chart: "streamed", version: "0.1.0" }, options))).toBe(
      `chart streamed 0.1.0 from ${repo.url}/huge: streamed-0.1.0.tgz is over the 20 MB limit`,
    );
    expect(streamed).toBeLessThan(50);
  });

  it("a server that never answers ends at the deadline", async () => {
    repo.setRoute("/silent/index.yaml", () => undefined);
    const started = Date.now();
    const message = unavailable(
      await createChartFetcher().fetch({ repository: `${repo.url}/silent`, chart: "web", version: "0.1.0" }, { allowedPrefixes: allowed, deadline: soon(1) }),
    );
    expect(message).toBe(`chart web 0.1.0 from ${repo.url}/silent: the render time limit was reached`);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("addresses a pull request may not reach", () => {
  const fetchFrom = (repository: string, options: { allowedPrefixes?: string[]; resolver?: Record<string, string[]> } = {}) =>
    createChartFetcher(options.resolver ? { resolveHost: testResolver(options.resolver) } : {}).fetch(
      { repository, chart: "web", version: "0.1.0" },
      { allowedPrefixes: options.allowedPrefixes ?? [], deadline: soon() },
    );

  it("link-local, private and loopback literals", async () => {
    expect(unavailable(await fetchFrom("https://169.254.169.254/latest/meta-data"))).toBe(
      "chart web 0.1.0 from https://169.254.169.254/latest/meta-data: 169.254.169.254 is not a public address (allow it under render.repositories)",
    );
    expect(unavailable(await fetchFrom("https://10.0.0.1/charts"))).toMatch(/10\.0\.0\.1 is not a public address/);
    expect(unavailable(await fetchFrom(`https://[::1]:${recorder.port}/`))).toMatch(/: ::1 is not a public address/);
    expect(unavailable(await fetchFrom(`https://[::ffff:127.0.0.1]:${recorder.port}/`))).toMatch(/is not a public address/);
    expect(unavailable(await fetchFrom(`https://127.0.0.1:${recorder.port}/`))).toMatch(/127\.0\.0\.1 is not a public address/);
    expect(recorder.requests).toEqual([]);
  });

  it("plain http, even to a public name, unless under a prefix", async () => {
    expect(unavailable(await fetchFrom("http://charts.example.com/"))).toBe(
      "chart web 0.1.0 from http://charts.example.com/: http is not allowed for http://charts.example.com (https only, or a render.repositories prefix)",
    );
    expect(unavailable(await fetchFrom("file:///etc/passwd"))).toMatch(/: file repositories are not fetched/);
  });

  it("a DNS name that resolves to 127.0.0.1, or to a public and a private address", async () => {
    expect(unavailable(await fetchFrom(`https://charts.example.test:${recorder.port}/`, { resolver: { "charts.example.test": ["127.0.0.1"] } }))).toBe(
      `chart web 0.1.0 from https://charts.example.test:${recorder.port}/: charts.example.test resolves to 127.0.0.1, not a public address (allow it under render.repositories)`,
    );
    expect(
      unavailable(await fetchFrom(`https://rebind.example.test:${recorder.port}/`, { resolver: { "rebind.example.test": ["93.184.216.34", "127.0.0.1"] } })),
    ).toMatch(/rebind\.example\.test resolves to 127\.0\.0\.1, not a public address/);
    expect(unavailable(await fetchFrom(`https://localhost:${recorder.port}/`))).toMatch(/localhost resolves to (127\.0\.0\.1|::1), not a public address/);
    expect(recorder.requests).toEqual([]);
  });

  it("connects to the address it checked: a name only our resolver knows reaches the server under a prefix", async () => {
    const repository = `http://charts.example.test:${repo.port}/hand`;
    const result = await fetchFrom(repository, { allowedPrefixes: [`http://charts.example.test:${repo.port}/`], resolver: { "charts.example.test": ["127.0.0.1"] } });
    // index.yaml's absolute URL for 0.2.0 names 127.0.0.1, which is not under this prefix; 0.1.0 is relative.
    expect(fetched(result).version).toBe("0.1.0");
  });

  it("an index whose chart URL points elsewhere, and redirects, are checked again", async () => {
    repo.setFile(
      "/elsewhere/index.yaml",
      indexYaml([
        { name: "web", version: "0.1.0", url: "https://169.254.169.254/web-0.1.0.tgz" },
        { name: "web", version: "0.2.0", url: `${recorder.url}/web-0.2.0.tgz` },
      ]),
    );
    repo.setRoute("/redirect/index.yaml", (_request, response) => {
      response.statusCode = 302;
      response.setHeader("location", `${recorder.url}/index.yaml`);
      response.end();
    });
    const options = { allowedPrefixes: [`${repo.url}/`] };
    expect(unavailable(await fetchFrom(`${repo.url}/elsewhere`, options))).toMatch(/: 169\.254\.169\.254 is not a public address/);
    const other = await createChartFetcher().fetch({ repository: `${repo.url}/elsewhere`, chart: "web", version: "0.2.0" }, { ...options, deadline: soon() });
    expect(unavailable(other)).toMatch(/: http is not allowed for http:\/\/127\.0\.0\.1:\d+ /);
    expect(unavailable(await fetchFrom(`${repo.url}/redirect`, options))).toMatch(/: http is not allowed for http:\/\/127\.0\.0\.1:\d+ /);
    expect(recorder.requests).toEqual([]);
  });

  it("prefixes match at a path boundary only", () => {
    expect(allowedPrefixFor("https://charts.example.com/a/index.yaml", ["https://charts.example.com/"])).toBe("https://charts.example.com/");
    expect(allowedPrefixFor("https://charts.example.com.evil.net/index.yaml", ["https://charts.example.com"])).toBeUndefined();
    expect(allowedPrefixFor("https://charts.example.com/team-b/x", ["https://charts.example.com/team"])).toBeUndefined();
    expect(allowedPrefixFor("http://charts.example.com/x", ["https://charts.example.com/"])).toBeUndefined();
    expect(allowedPrefixFor("https://registry.internal:5000/v2/x/manifests/1", ["oci://registry.internal:5000/charts"])).toBe("oci://registry.internal:5000/charts");
    expect(allowedPrefixFor("http://registry.internal:5000/v2/x", ["oci://registry.internal:5000/charts"])).toBeUndefined();
    expect(allowedPrefixFor("http://registry.internal:5000/v2/x", ["oci://registry.internal:5000/charts"], true)).toBe("oci://registry.internal:5000/charts");
  });

  it("public addresses are unicast ones only", () => {
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    expect(isPublicAddress("2606:2800:220:1:248:1893:25c8:1946")).toBe(true);
    for (const address of ["10.0.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "255.255.255.255", "not-an-ip"]) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
  });
});

describe("OCI registries", () => {
  let registry: OciRegistry;
  let webDigest: string;
  beforeAll(async () => {
    registry = await startOciRegistry();
    webDigest = registry.pushChart("charts/web", "0.1.0", web010);
    registry.pushChart("charts/web", "0.2.0", web020);
    registry.pushChart("charts/image", "1.0.0", web010, { configMediaType: "application/vnd.oci.image.config.v1+json", layerMediaType: "application/vnd.oci.image.layer.v1.tar+gzip" });
  });
  afterAll(async () => {
    await registry.close();
  });

  const ociOptions = () => ({ allowedPrefixes: [`oci://${registry.host}/`], deadline: soon() });

  it("pull a chart through the anonymous token flow, with the layer digest verified", async () => {
    const before = registry.requests.length;
    const result = fetched(
      await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "web", version: "0.1.0", insecure: true }, ociOptions()),
    );
    expect(result.version).toBe("0.1.0");
    expect(result.digest).toBe(webDigest);
    expect(Buffer.from(result.archive).equals(Buffer.from(web010))).toBe(true);
    expect(registry.requests.slice(before)).toEqual([
      "GET /v2/charts/web/manifests/0.1.0",
      "GET /token?service=test-registry&scope=repository%3Acharts%2Fweb%3Apull",
      "GET /v2/charts/web/manifests/0.1.0",
      `GET /v2/charts/web/blobs/${webDigest}`,
    ]);
  });

  it("resolve a range through the tag list", async () => {
    const result = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "web", version: "0.x", insecure: true }, ociOptions());
    expect(fetched(result).version).toBe("0.2.0");
  });

  it("plain http needs both `insecure` and a prefix", async () => {
    const withoutPrefix = await createChartFetcher().fetch(
      { repository: `oci://${registry.host}/charts`, chart: "web", version: "0.1.0", insecure: true },
      { allowedPrefixes: [], deadline: soon() },
    );
    expect(unavailable(withoutPrefix)).toBe(
      `chart web 0.1.0 from oci://${registry.host}/charts: http is not allowed for http://${registry.host} (https only, or a render.repositories prefix)`,
    );
    const withoutInsecure = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "web", version: "0.1.0" }, ociOptions());
    // https to a plain-http server: the TLS handshake fails, nothing is read.
    expect(unavailable(withoutInsecure)).toMatch(new RegExp(`^chart web 0\\.1\\.0 from oci://${registry.host.replace(/\./g, "\\.")}/charts: ${registry.host.replace(/\./g, "\\.")}: `));
  });

  it("a manifest that is not a Helm chart", async () => {
    const result = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "image", version: "1.0.0", insecure: true }, ociOptions());
    expect(unavailable(result)).toBe(
      `chart image 1.0.0 from oci://${registry.host}/charts: charts/image:1.0.0 is not a Helm chart (no application/vnd.cncf.helm.chart.content.v1.tar+gzip layer)`,
    );
  });

  it("a layer whose bytes do not match its digest", async () => {
    const digest = registry.pushChart("charts/tampered", "0.1.0", web010);
    registry.tamperBlob(digest, web020);
    const result = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "tampered", version: "0.1.0", insecure: true }, ociOptions());
    expect(unavailable(result)).toBe(
      `chart tampered 0.1.0 from oci://${registry.host}/charts: digest mismatch: the manifest says ${digest}, the layer is sha256:${sha256Hex(web020)}`,
    );
  });

  it("a token realm on an address the pull request may not reach is never asked", async () => {
    registry.setRealm("https://169.254.169.254/token");
    try {
      const result = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "web", version: "0.1.0", insecure: true }, ociOptions());
      expect(unavailable(result)).toMatch(/: 169\.254\.169\.254 is not a public address/);
      registry.setRealm(`${recorder.url}/token`);
      const other = await createChartFetcher().fetch({ repository: `oci://${registry.host}/charts`, chart: "web", version: "0.1.0", insecure: true }, ociOptions());
      expect(unavailable(other)).toMatch(/: http is not allowed for http:\/\/127\.0\.0\.1:\d+ /);
      expect(recorder.requests).toEqual([]);
    } finally {
      registry.setRealm(`http://${registry.host}/token`);
    }
  });
});

describe("pickVersion", () => {
  it("takes the exact version as written, else the highest stable match", () => {
    expect(pickVersion(["1.0.0", "v1.2.0", "1.3.0-rc.1"], "1.2.0")).toBe("v1.2.0");
    expect(pickVersion(["1.0.0", "1.2.0", "1.3.0-rc.1"], ">=1.0.0")).toBe("1.2.0");
    expect(pickVersion(["1.0.0", "1.2.0"], "2.0.0")).toBeUndefined();
    expect(pickVersion(["1.0.0", "1.2.0"], "not a range")).toBeUndefined();
    expect(pickVersion(["1.0.0", "1.3.0-rc.1"], "1.3.0-rc.1")).toBe("1.3.0-rc.1");
  });
});
