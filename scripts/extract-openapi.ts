/**
 * Extracts the request-body schemas of the few GitHub operations the app sends bodies to from
 * @octokit/openapi into test/github/openapi-extract.json, with every `$ref` resolved inline, so the fake
 * GitHub validates requests against GitHub's own description without the 385 MB package at test time.
 *
 *   npm install --prefix /tmp/openapi @octokit/openapi
 *   npx tsx scripts/extract-openapi.ts [/tmp/openapi/node_modules/@octokit/openapi]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Method and path template, as in the OpenAPI `paths` object. */
export const OPERATIONS = [
  ["post", "/app/installations/{installation_id}/access_tokens"],
  ["post", "/repos/{owner}/{repo}/check-runs"],
  ["patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"],
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const packageDir = process.argv[2] ?? "/tmp/openapi/node_modules/@octokit/openapi";
const spec = JSON.parse(readFileSync(join(packageDir, "generated/api.github.com.json"), "utf8")) as {
  paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: Json }> } }>>;
  components: Json;
};
const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;

function resolve(node: Json, seen: readonly string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => resolve(item, seen));
  if (node === null || typeof node !== "object") return node;
  const ref = node.$ref;
  if (typeof ref === "string") {
    if (seen.includes(ref)) throw new Error(`recursive $ref ${ref}`);
    const target = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<Json>((value, key) => (value as Record<string, Json>)[key] as Json, spec as unknown as Json);
    return resolve(target, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value, seen)]));
}

const operations: Record<string, { operationId: string; schema: Json }> = {};
for (const [method, path] of OPERATIONS) {
  const operation = spec.paths[path]?.[method];
  const schema = operation?.requestBody?.content["application/json"]?.schema;
  if (!operation || schema === undefined) throw new Error(`no JSON request body for ${method.toUpperCase()} ${path}`);
  operations[`${method.toUpperCase()} ${path}`] = { operationId: operation.operationId, schema: resolve(schema) };
}

const out = new URL("../test/github/openapi-extract.json", import.meta.url);
writeFileSync(
  out,
  `${JSON.stringify({ source: `@octokit/openapi@${version} generated/api.github.com.json (MIT)`, operations }, null, 2)}\n`,
);
console.log(`wrote ${Object.keys(operations).length} operations to ${out.pathname}`);
