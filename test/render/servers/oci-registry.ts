/**
 * A minimal OCI registry on 127.0.0.1 for tests: the read side of the distribution API (`/v2/`,
 * manifests, blobs, tag lists) with the anonymous Bearer token flow registries use
 * (401 + `WWW-Authenticate: Bearer realm=...` -> token endpoint -> retry), holding Helm charts as
 * `helm push` stores them. Every request is recorded.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { listenOnLoopback } from "./loopback.js";
import { sha256Hex } from "./helm-repository.js";

export const HELM_CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json";
export const HELM_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

export interface OciRegistry {
  /** `127.0.0.1:PORT`, the registry part of an `oci://` reference. */
  host: string;
  port: number;
  requests: string[];
  /** Stores a chart archive as `<repository>:<version>` (`+` becomes `_` in the tag, as Helm does). */
  pushChart(repository: string, version: string, archive: Uint8Array, options?: { configMediaType?: string; layerMediaType?: string }): string;
  /** Replaces the bytes stored under a digest (to test digest verification). */
  tamperBlob(digest: string, body: Uint8Array): void;
  /** Where the token challenge sends clients (default: this registry's `/token`). */
  setRealm(realm: string): void;
  close(): Promise<void>;
}

export async function startOciRegistry(options: { auth?: "anonymous-token" | "none" } = {}): Promise<OciRegistry> {
  const auth = options.auth ?? "anonymous-token";
  const blobs = new Map<string, Uint8Array>();
  const manifests = new Map<string, { body: Buffer; digest: string }>();
  const tags = new Map<string, Set<string>>();
  const tokens = new Set<string>();
  const requests: string[] = [];
  let realm: string | undefined;
  let host = "";

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: Uint8Array | string, type = "application/json") => {
      response.statusCode = status;
      response.setHeader("content-type", type);
      response.setHeader("content-length", Buffer.byteLength(body));
      response.end(body);
    };
    if (url.pathname === "/token") {
      const token = randomBytes(8).toString("hex");
      tokens.add(token);
      return send(200, JSON.stringify({ token, expires_in: 300 }));
    }
    const match = /^\/v2\/(?:(.+)\/(manifests|blobs|tags)\/(.+))?$/.exec(url.pathname);
    if (!match) return send(404, JSON.stringify({ errors: [{ code: "NOT_FOUND" }] }));
    const [, name, kind, reference] = match;
    if (auth === "anonymous-token") {
      const header = request.headers.authorization ?? "";
      if (!tokens.has(header.replace(/^Bearer /, ""))) {
        const scope = name ? `,scope="repository:${name}:pull"` : "";
        response.setHeader("www-authenticate", `Bearer realm="${realm ?? `http://${host}/token`}",service="test-registry"${scope}`);
        return send(401, JSON.stringify({ errors: [{ code: "UNAUTHORIZED" }] }));
      }
    }
    if (!name) return send(200, "{}");
    if (kind === "tags" && reference === "list") return send(200, JSON.stringify({ name, tags: [...(tags.get(name) ?? [])] }));
    if (kind === "manifests") {
      const manifest = manifests.get(`${name}:${reference}`);
      if (!manifest) return send(404, JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN" }] }));
      response.setHeader("docker-content-digest", manifest.digest);
      return send(200, manifest.body, MANIFEST_MEDIA_TYPE);
    }
    if (kind === "blobs" && reference) {
      const blob = blobs.get(reference);
      if (!blob) return send(404, JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN" }] }));
      return send(200, blob, "application/octet-stream");
    }
    send(404, "{}");
  });
  const { port, close } = await listenOnLoopback(server);
  host = `127.0.0.1:${port}`;

  return {
    host,
    port,
    requests,
    pushChart(repository, version, archive, pushOptions = {}) {
      const config = Buffer.from(JSON.stringify({ name: repository.split("/").pop(), version, apiVersion: "v2" }));
      const configDigest = `sha256:${sha256Hex(config)}`;
      const layerDigest = `sha256:${sha256Hex(archive)}`;
      blobs.set(configDigest, config);
      blobs.set(layerDigest, archive);
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MANIFEST_MEDIA_TYPE,
          config: { mediaType: pushOptions.configMediaType ?? HELM_CONFIG_MEDIA_TYPE, digest: configDigest, size: config.length },
          layers: [{ mediaType: pushOptions.layerMediaType ?? HELM_LAYER_MEDIA_TYPE, digest: layerDigest, size: archive.length }],
        }),
      );
      const digest = `sha256:${sha256Hex(body)}`;
      const tag = version.replace(/\+/g, "_");
      manifests.set(`${repository}:${tag}`, { body, digest });
      manifests.set(`${repository}:${digest}`, { body, digest });
      if (!tags.has(repository)) tags.set(repository, new Set());
      tags.get(repository)!.add(tag);
      return layerDigest;
    },
    tamperBlob(digest, body) {
      blobs.set(digest, body);
    },
    setRealm(value) {
      realm = value;
    },
    close,
  };
}
