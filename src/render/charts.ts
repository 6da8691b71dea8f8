/**
 * Brings charts from Helm repositories (`index.yaml` over https) and OCI registries (the distribution
 * API), the only things the render stage fetches (CONTRACT.md, "Engines and safety").
 *
 * A pull request names these URLs, so every request is checked before it is made: https to public
 * addresses only, plus the `render.repositories` prefixes where plain http and private addresses are
 * allowed. We resolve the name ourselves, check every address it resolves to, and connect to the
 * address we checked (no second lookup that DNS rebinding could answer differently). Redirects and
 * registry token realms are checked the same way. Archives are bounded in size and time, must be
 * gzip, and must match the digest the index or manifest gives.
 *
 * Fetched charts are cached per process (a warm function reviews the next pull request without
 * fetching again); index.yaml is cached for a short time, so a new chart version is seen soon.
 */
import { createHash } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { gunzipSync } from "node:zlib";
import ipaddr from "ipaddr.js";
import semver from "semver";
import { parse as parseYaml } from "yaml";
import type { ChartFetcher, ChartRef, ChartResult } from "./types.js";

const MB = 1024 * 1024;
export const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
export const HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
const MANIFEST_ACCEPT = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");
const MAX_REDIRECTS = 5;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface ChartFetcherOptions {
  /** DNS resolution; tests answer names themselves (a name that resolves to 127.0.0.1). */
  resolveHost?: (hostname: string) => Promise<ResolvedAddress[]>;
  maxChartBytes?: number;
  maxIndexBytes?: number;
  /** Bytes a chart may hold once ungzipped (Helm's own limit is 100 MB). */
  maxUnpackedBytes?: number;
  /** How long a repository's index.yaml is reused. */
  indexTtlMs?: number;
  /** Bytes of archives the cache keeps, oldest dropped first. */
  maxCacheBytes?: number;
  /** The clock of the index cache (deadlines are always wall-clock time). */
  now?: () => number;
}

/** Why a fetch was refused or failed; its message ends up in the `chart-unavailable` entry. */
export class FetchRefused extends Error {}

interface Policy {
  allowedPrefixes: readonly string[];
  deadline: number;
  insecure: boolean;
}

/** Whether an address is a public unicast one (not private, loopback, link-local, CGNAT, ...). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

/**
 * The `render.repositories` prefix a URL falls under, if any. A prefix matches at a path boundary,
 * so `https://charts.example.com` does not admit `https://charts.example.com.evil.net/`. An
 * `oci://host/path` prefix admits the registry's own requests (`https://host/v2/...`, its token
 * endpoint on that host, and `http://` when the source is `insecure`).
 */
export function allowedPrefixFor(url: string, prefixes: readonly string[], insecure = false): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  for (const prefix of prefixes) {
    let allowed: URL;
    try {
      allowed = new URL(prefix);
    } catch {
      continue;
    }
    if (allowed.protocol === "oci:") {
      const schemes = insecure ? ["https:", "http:", "oci:"] : ["https:", "oci:"];
      if (schemes.includes(target.protocol) && target.host === allowed.host) return prefix;
      continue;
    }
    if (allowed.protocol !== target.protocol || allowed.host !== target.host) continue;
    const base = allowed.pathname.endsWith("/") ? allowed.pathname : `${allowed.pathname}/`;
    if (target.pathname === allowed.pathname || target.pathname.startsWith(base)) return prefix;
  }
  return undefined;
}

function hostOf(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** Checks a request URL against the policy before anything is sent; says whether it is under a prefix. */
function admit(url: URL, policy: Policy): { underPrefix: boolean } {
  const underPrefix = allowedPrefixFor(url.href, policy.allowedPrefixes, policy.insecure) !== undefined;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && underPrefix)) {
    throw new FetchRefused(`${url.protocol.replace(":", "")} is not allowed for ${url.origin} (https only, or a render.repositories prefix)`);
  }
  if (url.username || url.password) throw new FetchRefused(`credentials in the URL are not used (${url.host})`);
  const host = hostOf(url);
  if (!underPrefix && ipaddr.isValid(host) && !isPublicAddress(host)) {
    throw new FetchRefused(`${host} is not a public address (allow it under render.repositories)`);
  }
  return { underPrefix };
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  url: URL;
}

function sizeText(bytes: number): string {
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / 1024)} kB`;
}

export function createChartFetcher(options: ChartFetcherOptions = {}): ChartFetcher & { clearCache(): void } {
  const resolveHost =
    options.resolveHost ??
    (async (hostname: string) =>
      (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family as 4 | 6 })));
  const maxChartBytes = options.maxChartBytes ?? 20 * MB;
  const maxIndexBytes = options.maxIndexBytes ?? 10 * MB;
  const maxUnpackedBytes = options.maxUnpackedBytes ?? 100 * MB;
  const indexTtlMs = options.indexTtlMs ?? 5 * 60_000;
  const maxCacheBytes = options.maxCacheBytes ?? 200 * MB;
  const now = options.now ?? Date.now;

  const archives = new Map<string, Promise<ChartResult>>();
  const archiveBytes = new Map<string, number>();
  const indexes = new Map<string, { at: number; index: Promise<RepositoryIndex> }>();

  /** One request, following no redirect; connects only to the addresses it checked. */
  function send(url: URL, policy: Policy, headers: Record<string, string>, maxBytes: number): Promise<Response> {
    const { underPrefix } = admit(url, policy);
    const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
      resolveHost(hostname).then(
        (addresses) => {
          if (addresses.length === 0) return callback(new FetchRefused(`${hostname} does not resolve`), "", 4);
          const refused = underPrefix ? undefined : addresses.find((entry) => !isPublicAddress(entry.address));
          if (refused) {
            return callback(new FetchRefused(`${hostname} resolves to ${refused.address}, not a public address (allow it under render.repositories)`), "", 4);
          }
          if (lookupOptions.all) return callback(null, addresses as never);
          const first = addresses[0]!;
          callback(null, first.address, first.family);
        },
        (error: Error) => callback(new FetchRefused(`${hostname} does not resolve (${error.message})`), "", 4),
      );
    };
    const remaining = policy.deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new FetchRefused("the render time limit was reached"));
    return new Promise<Response>((resolveResponse, reject) => {
      const requestFn = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = requestFn(url, { method: "GET", headers: { "user-agent": "exposure-review", ...headers }, lookup, agent: false });
      const timer = setTimeout(() => req.destroy(new FetchRefused("the render time limit was reached")), remaining);
      req.on("error", (error) => {
        clearTimeout(timer);
        reject(error instanceof FetchRefused ? error : new FetchRefused(`${url.host}: ${error.message}`));
      });
      req.on("response", (res) => {
        const declared = Number(res.headers["content-length"] ?? "0");
        if (res.statusCode === 200 && declared > maxBytes) {
          req.destroy(new FetchRefused(`${url.pathname.split("/").pop()} is ${sizeText(declared)}, over the ${sizeText(maxBytes)} limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            req.destroy(new FetchRefused(`${url.pathname.split("/").pop()} is over the ${sizeText(maxBytes)} limit`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url });
        });
        res.on("error", () => undefined); // reported through the request's error
      });
      req.end();
    });
  }

  /** GET with redirects, each one checked again; Authorization is dropped when the host changes. */
  async function get(url: URL, policy: Policy, headers: Record<string, string>, maxBytes: number): Promise<Response> {
    let current = url;
    let sendHeaders = headers;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await send(current, policy, sendHeaders, maxBytes);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current);
        if (next.host !== current.host) {
          const { authorization: _dropped, ...rest } = sendHeaders;
          sendHeaders = rest;
        }
        current = next;
        continue;
      }
      return response;
    }
    throw new FetchRefused(`more than ${MAX_REDIRECTS} redirects from ${url.host}`);
  }

  // ---- Helm repositories ----

  interface IndexEntry {
    version: string;
    urls: string[];
    digest?: string;
  }
  type RepositoryIndex = Map<string, IndexEntry[]>;

  function repositoryBase(repository: string): URL {
    return new URL(repository.endsWith("/") ? repository : `${repository}/`);
  }

  async function loadIndex(repository: string, policy: Policy): Promise<RepositoryIndex> {
    const url = new URL("index.yaml", repositoryBase(repository));
    const response = await get(url, policy, { accept: "application/x-yaml, text/yaml, */*" }, maxIndexBytes);
    if (response.status !== 200) throw new FetchRefused(`index.yaml answered HTTP ${response.status}`);
    let document: unknown;
    try {
      document = parseYaml(response.body.toString("utf8"), { maxAliasCount: 100 });
    } catch (error) {
      throw new FetchRefused(`index.yaml is not YAML (${(error as Error).message.split("\n")[0]})`);
    }
    const entries = (document as { entries?: unknown } | null)?.entries;
    if (!entries || typeof entries !== "object") throw new FetchRefused("index.yaml has no entries");
    const index: RepositoryIndex = new Map();
    for (const [name, versions] of Object.entries(entries as Record<string, unknown>)) {
      if (!Array.isArray(versions)) continue;
      index.set(
        name,
        versions.flatMap((entry): IndexEntry[] => {
          const { version, urls, digest } = (entry ?? {}) as { version?: unknown; urls?: unknown; digest?: unknown };
          if (typeof version !== "string" || !Array.isArray(urls)) return [];
          return [{ version, urls: urls.filter((u): u is string => typeof u === "string"), ...(typeof digest === "string" ? { digest } : {}) }];
        }),
      );
    }
    return index;
  }

  function cachedIndex(repository: string, policy: Policy, scope: string): Promise<RepositoryIndex> {
    const key = `${scope}|${repository}`;
    const cached = indexes.get(key);
    if (cached && now() - cached.at < indexTtlMs) return cached.index;
    const index = loadIndex(repository, policy);
    indexes.set(key, { at: now(), index });
    index.catch(() => indexes.delete(key));
    return index;
  }

  async function fromRepository(chart: ChartRef, policy: Policy, scope: string): Promise<ChartResult> {
    const base = repositoryBase(chart.repository);
    const entries = (await cachedIndex(chart.repository, policy, scope)).get(chart.chart);
    if (!entries || entries.length === 0) throw new FetchRefused(`the repository's index.yaml has no chart ${chart.chart}`);
    const version = pickVersion(entries.map((entry) => entry.version), chart.version);
    const entry = entries.find((candidate) => candidate.version === version);
    if (!version || !entry) throw new FetchRefused(`the repository's index.yaml has no version matching ${chart.version}`);
    return cachedArchive(`${scope}|${chart.repository}|${chart.chart}|${version}`, async () => {
      const location = entry.urls[0];
      if (!location) throw new FetchRefused(`index.yaml lists no URL for ${chart.chart} ${version}`);
      // Relative URLs are relative to the repository, as Helm reads them.
      const url = new URL(location, base);
      const response = await get(url, policy, { accept: "application/gzip, application/octet-stream, */*" }, maxChartBytes);
      if (response.status !== 200) throw new FetchRefused(`${url.pathname.split("/").pop()} answered HTTP ${response.status}`);
      const digest = sha256(response.body);
      if (entry.digest && entry.digest.replace(/^sha256:/, "").toLowerCase() !== digest) {
        throw new FetchRefused(`digest mismatch: index.yaml says sha256:${entry.digest.replace(/^sha256:/, "")}, the archive is sha256:${digest}`);
      }
      checkArchive(response.body);
      return { ok: true, version, archive: new Uint8Array(response.body), digest: `sha256:${digest}` };
    });
  }

  // ---- OCI registries ----

  async function ociGet(url: URL, policy: Policy, repositoryName: string, accept: string, maxBytes: number, token: { value?: string }): Promise<Response> {
    const headers = (): Record<string, string> => ({ accept, ...(token.value ? { authorization: `Bearer ${token.value}` } : {}) });
    let response = await get(url, policy, headers(), maxBytes);
    if (response.status === 401 && !token.value) {
      token.value = await anonymousToken(response.headers["www-authenticate"], repositoryName, policy);
      response = await get(url, policy, headers(), maxBytes);
    }
    return response;
  }

  /** The anonymous pull token registries hand out (`WWW-Authenticate: Bearer realm=...`). */
  async function anonymousToken(challenge: string | undefined, repositoryName: string, policy: Policy): Promise<string> {
    if (!challenge || !/^bearer\s/i.test(challenge)) throw new FetchRefused("the registry asks for credentials (no anonymous pull)");
    const params = new Map<string, string>();
    for (const match of challenge.slice(challenge.indexOf(" ") + 1).matchAll(/(\w+)="([^"]*)"/g)) params.set(match[1]!.toLowerCase(), match[2]!);
    const realm = params.get("realm");
    if (!realm) throw new FetchRefused("the registry's token challenge names no realm");
    const url = new URL(realm);
    if (params.get("service")) url.searchParams.set("service", params.get("service")!);
    url.searchParams.set("scope", params.get("scope") ?? `repository:${repositoryName}:pull`);
    const response = await get(url, policy, { accept: "application/json" }, 64 * 1024);
    if (response.status !== 200) throw new FetchRefused(`the registry's token endpoint answered HTTP ${response.status}`);
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(response.body.toString("utf8")) as typeof body;
    } catch {
      throw new FetchRefused("the registry's token endpoint answered no JSON");
    }
    const token = body.token ?? body.access_token;
    if (typeof token !== "string" || !token) throw new FetchRefused("the registry's token endpoint gave no token");
    return token;
  }

  async function fromRegistry(chart: ChartRef, policy: Policy, scope: string): Promise<ChartResult> {
    const reference = new URL(chart.repository.replace(/\/+$/, ""));
    const scheme = chart.insecure ? "http:" : "https:";
    const registry = `${scheme}//${reference.host}`;
    const repositoryName = `${reference.pathname.replace(/^\/+/, "")}/${chart.chart}`.replace(/^\/+/, "");
    const token: { value?: string } = {};
    let version = chart.version;
    if (!isExactVersion(chart.version)) {
      const tags = await ociGet(new URL(`/v2/${repositoryName}/tags/list`, registry), policy, repositoryName, "application/json", MB, token);
      if (tags.status !== 200) throw new FetchRefused(`the registry lists no tags (HTTP ${tags.status})`);
      let names: unknown;
      try {
        names = (JSON.parse(tags.body.toString("utf8")) as { tags?: unknown }).tags;
      } catch {
        names = undefined;
      }
      if (!Array.isArray(names)) throw new FetchRefused("the registry's tag list is not JSON");
      const picked = pickVersion(names.filter((n): n is string => typeof n === "string").map((tag) => tag.replace(/_/g, "+")), chart.version);
      if (!picked) throw new FetchRefused(`the registry has no tag matching ${chart.version}`);
      version = picked;
    }
    return cachedArchive(`${scope}|${chart.repository}|${chart.chart}|${version}`, async () => {
      const tag = version.replace(/\+/g, "_");
      const manifestResponse = await ociGet(new URL(`/v2/${repositoryName}/manifests/${tag}`, registry), policy, repositoryName, MANIFEST_ACCEPT, MB, token);
      if (manifestResponse.status === 404) throw new FetchRefused(`the registry has no ${repositoryName}:${tag}`);
      if (manifestResponse.status !== 200) throw new FetchRefused(`the registry answered HTTP ${manifestResponse.status} for the manifest`);
      let manifest: { config?: { mediaType?: unknown }; layers?: Array<{ mediaType?: unknown; digest?: unknown; size?: unknown }> };
      try {
        manifest = JSON.parse(manifestResponse.body.toString("utf8")) as typeof manifest;
      } catch {
        throw new FetchRefused("the manifest is not JSON");
      }
      const layer = manifest.layers?.find((candidate) => candidate.mediaType === HELM_CHART_LAYER);
      if (manifest.config?.mediaType !== HELM_CONFIG || !layer || typeof layer.digest !== "string") {
        throw new FetchRefused(`${repositoryName}:${tag} is not a Helm chart (no ${HELM_CHART_LAYER} layer)`);
      }
      if (!/^sha256:[0-9a-f]{64}$/.test(layer.digest)) throw new FetchRefused(`unsupported layer digest ${layer.digest}`);
      if (typeof layer.size === "number" && layer.size > maxChartBytes) {
        throw new FetchRefused(`the chart layer is ${sizeText(layer.size)}, over the ${sizeText(maxChartBytes)} limit`);
      }
      const blob = await ociGet(new URL(`/v2/${repositoryName}/blobs/${layer.digest}`, registry), policy, repositoryName, "*/*", maxChartBytes, token);
      if (blob.status !== 200) throw new FetchRefused(`the registry answered HTTP ${blob.status} for the chart layer`);
      const digest = `sha256:${sha256(blob.body)}`;
      if (digest !== layer.digest) throw new FetchRefused(`digest mismatch: the manifest says ${layer.digest}, the layer is ${digest}`);
      checkArchive(blob.body);
      return { ok: true, version, archive: new Uint8Array(blob.body), digest };
    });
  }

  // ---- shared ----

  function checkArchive(body: Buffer): void {
    if (body.length < 2 || body[0] !== 0x1f || body[1] !== 0x8b) throw new FetchRefused("the archive is not gzip");
    try {
      gunzipSync(body, { maxOutputLength: maxUnpackedBytes });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new FetchRefused(code === "ERR_BUFFER_TOO_LARGE" ? `the archive unpacks to more than ${sizeText(maxUnpackedBytes)}` : "the archive is not valid gzip");
    }
  }

  function cachedArchive(key: string, load: () => Promise<ChartResult>): Promise<ChartResult> {
    const cached = archives.get(key);
    if (cached) {
      // Most recently used last, so eviction drops the oldest.
      archives.delete(key);
      archives.set(key, cached);
      return cached;
    }
    const loading = load();
    archives.set(key, loading);
    loading.then(
      (result) => {
        if (!result.ok) return archives.delete(key);
        archiveBytes.set(key, result.archive.length);
        let total = [...archiveBytes.values()].reduce((sum, n) => sum + n, 0);
        for (const oldest of archives.keys()) {
          if (total <= maxCacheBytes || oldest === key) break;
          total -= archiveBytes.get(oldest) ?? 0;
          archives.delete(oldest);
          archiveBytes.delete(oldest);
        }
      },
      () => archives.delete(key),
    );
    return loading;
  }

  return {
    clearCache() {
      archives.clear();
      archiveBytes.clear();
      indexes.clear();
    },

    async fetch(chart, { allowedPrefixes, deadline }): Promise<ChartResult> {
      const policy: Policy = { allowedPrefixes, deadline, insecure: chart.insecure === true };
      // A chart fetched under a prefix one configuration allows is not handed to another that does not.
      const scope = allowedPrefixFor(chart.repository, allowedPrefixes, policy.insecure) ?? "public";
      try {
        const protocol = new URL(chart.repository).protocol;
        if (protocol === "oci:") return await fromRegistry(chart, policy, scope);
        if (protocol === "https:" || protocol === "http:") return await fromRepository(chart, policy, scope);
        throw new FetchRefused(`${protocol.replace(":", "")} repositories are not fetched (https, oci, or a render.repositories prefix)`);
      } catch (error) {
        const reason = error instanceof FetchRefused ? error.message : error instanceof TypeError ? `not a URL` : String(error);
        return { ok: false, reason: "chart-unavailable", message: `chart ${chart.chart} ${chart.version} from ${chart.repository}: ${reason}` };
      }
    },
  };
}

function sha256(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

function isExactVersion(version: string): boolean {
  return semver.valid(version.replace(/^v/, "")) !== null;
}

/**
 * The version a request means: the exact one when it is listed (as written, or without a `v`), else
 * the highest that satisfies it as a semver range (`*` or empty: the highest stable).
 */
export function pickVersion(available: readonly string[], wanted: string): string | undefined {
  const request = wanted.trim();
  const exact = available.find((version) => version === request || version.replace(/^v/, "") === request.replace(/^v/, ""));
  if (exact) return exact;
  if (isExactVersion(request)) return undefined;
  const range = request === "" ? "*" : request;
  if (semver.validRange(range) === null) return undefined;
  const valid = available.filter((version) => semver.valid(version.replace(/^v/, "")) !== null);
  const best = semver.maxSatisfying(
    valid.map((version) => version.replace(/^v/, "")),
    range,
  );
  return best === null ? undefined : valid.find((version) => version.replace(/^v/, "") === best);
}
