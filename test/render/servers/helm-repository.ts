/**
 * A Helm repository on 127.0.0.1 for tests: `index.yaml` plus chart archives, served from folders
 * (such as ../shared/charts) and from files a test adds, with every request recorded. Tests add
 * routes of their own for misbehaving servers (redirects, huge or endless bodies, silence).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback.js";
import { join } from "node:path";
import { stringify } from "yaml";

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface HelmRepositoryServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  /** `METHOD path` of every request received, in order. */
  requests: string[];
  /** Serves this body at this path (`/charts/index.yaml`). */
  setFile(path: string, body: string | Uint8Array): void;
  setRoute(path: string, route: Route): void;
  close(): Promise<void>;
}

export interface ChartEntry {
  name: string;
  version: string;
  /** As written in `urls` (relative to the repository, or absolute). */
  url: string;
  /** sha256 hex of the archive; left out of the index when undefined. */
  digest?: string;
}

export function sha256Hex(body: Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

/** An index.yaml as `helm repo index` writes it, for the given entries. */
export function indexYaml(entries: readonly ChartEntry[]): string {
  const byName: Record<string, object[]> = {};
  for (const entry of entries) {
    (byName[entry.name] ??= []).push({
      apiVersion: "v2",
      name: entry.name,
      version: entry.version,
      urls: [entry.url],
      ...(entry.digest ? { digest: entry.digest } : {}),
      created: "2026-01-01T00:00:00Z",
    });
  }
  return stringify({ apiVersion: "v1", entries: byName, generated: "2026-01-01T00:00:00Z" });
}

export async function startHelmRepository(options: { dirs?: readonly string[] } = {}): Promise<HelmRepositoryServer> {
  const files = new Map<string, Uint8Array>();
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    requests.push(`${request.method} ${path}`);
    const route = routes.get(path);
    if (route) return route(request, response);
    let body = files.get(path);
    if (!body) {
      const name = path.replace(/^\/+/, "");
      const dir = (options.dirs ?? []).find((candidate) => /^[\w.-]+$/.test(name) && existsSync(join(candidate, name)));
      if (dir) body = readFileSync(join(dir, name));
    }
    if (!body) {
      response.statusCode = 404;
      return response.end("not found\n");
    }
    response.setHeader("content-length", body.length);
    response.end(body);
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
    setFile: (path, body) => files.set(path, typeof body === "string" ? Buffer.from(body) : body),
    setRoute: (path, route) => routes.set(path, route),
  };
}
