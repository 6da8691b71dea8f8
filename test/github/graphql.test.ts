/**
 * The blob query the app sends, checked offline against GitHub's published GraphQL schema, and the fake
 * GitHub checked to refuse what that schema refuses (so the fake cannot drift from GitHub).
 */
import { readFileSync } from "node:fs";
import { buildSchema, getVariableValues, type GraphQLSchema, type OperationDefinitionNode, parse, validate } from "graphql";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BLOBS_PER_QUERY, type BlobRequest, blobQueries } from "../../src/github/pull-request.js";
import { examplePayload, type Harness, shopRepository, startHarness } from "./harness.js";

let schema: GraphQLSchema;
beforeAll(() => {
  // assumeValidSDL: the published SDL declares some fields twice, which plain buildSchema rejects.
  schema = buildSchema(readFileSync(new URL("../../node_modules/@octokit/graphql-schema/schema.graphql", import.meta.url), "utf8"), { assumeValidSDL: true });
});

const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);
const ODD_PATHS = ['k8s/"quoted" svc.yaml', "k8s/back\\slash\\.yaml", "k8s/ünïcødé/服务-🚀.yaml", "k8s/$e0 } { repository.yaml", "k8s/new\nline.yaml"];

function problems(query: string, variables: Record<string, string>): string[] {
  const document = parse(query);
  const invalid = validate(schema, document);
  if (invalid.length > 0) return invalid.map((error) => error.message);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors ?? []).map((error) => error.message);
}

describe("the blob query", () => {
  it("is valid against GitHub's schema, with odd paths only in variables", () => {
    const blobs: BlobRequest[] = ODD_PATHS.flatMap((path) => [
      { side: "base" as const, path, sha: BASE },
      { side: "head" as const, path, sha: HEAD },
    ]);
    const [request, ...more] = blobQueries({ owner: "acme", repo: "shop" }, blobs);
    expect(more).toEqual([]);
    expect(problems(request!.query, request!.variables)).toEqual([]);
    expect(request!.variables).toEqual({
      owner: "acme",
      name: "shop",
      ...Object.fromEntries(blobs.map((blob, index) => [`e${index}`, `${blob.sha}:${blob.path}`])),
    });
    for (const path of ODD_PATHS) expect(request!.query).not.toContain(path);
  });

  it(`is split every ${BLOBS_PER_QUERY} blobs, each query valid and numbered from f0`, () => {
    const blobs: BlobRequest[] = Array.from({ length: BLOBS_PER_QUERY + 3 }, (_, index) => ({
      side: "head",
      path: index < ODD_PATHS.length ? ODD_PATHS[index]! : `k8s/svc-${index}.yaml`,
      sha: HEAD,
    }));
    const requests = blobQueries({ owner: "acme", repo: "shop" }, blobs);
    expect(requests.map((request) => Object.keys(request.variables).length - 2)).toEqual([BLOBS_PER_QUERY, 3]);
    for (const request of requests) expect(problems(request.query, request.variables)).toEqual([]);
    expect(requests[1]!.variables).toMatchObject({ e0: `${HEAD}:k8s/svc-${BLOBS_PER_QUERY}.yaml`, e2: `${HEAD}:k8s/svc-${BLOBS_PER_QUERY + 2}.yaml` });
    expect(requests[1]!.query).toContain("f2: object(expression: $e2)");
    expect(requests[1]!.query).not.toContain("f3:");
  });

  it("carries probes (is a file there?) in its first query only, valid, asking nothing but the type", () => {
    const blobs: BlobRequest[] = Array.from({ length: BLOBS_PER_QUERY + 1 }, (_, index) => ({ side: "head", path: `k8s/svc-${index}.yaml`, sha: HEAD }));
    const probes = [`${HEAD}:kustomization.yaml`, `${HEAD}:${ODD_PATHS[0]!}/Kustomization`];
    const [first, second] = blobQueries({ owner: "acme", repo: "shop" }, blobs, probes);
    for (const request of [first!, second!]) expect(problems(request.query, request.variables)).toEqual([]);
    expect(first!.variables).toMatchObject({ k0: probes[0], k1: probes[1] });
    expect(first!.query).toContain("k1: object(expression: $k1) { __typename }");
    expect(second!.query).not.toContain("k0:");
    // Probes alone (nothing else to read) still make their one query.
    expect(blobQueries({ owner: "acme", repo: "shop" }, [], probes).map((request) => Object.keys(request.variables).filter((key) => key.startsWith("k")))).toEqual([["k0", "k1"]]);
  });
});

describe("the fake GitHub's GraphQL endpoint", () => {
  const repository = shopRepository();
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function post(body: object): Promise<{ status: number; json: unknown }> {
    harness ??= await startHarness(repository);
    // A review first, so the fake has issued an installation token to authenticate with.
    if (harness.fake.tokens.length === 0) await harness.deliver("pull_request", examplePayload(harness.fake, repository, "pull_request", "opened"));
    const response = await fetch(`${harness.fake.url}/api/graphql`, {
      method: "POST",
      headers: { authorization: `token ${harness.fake.tokens[0]}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  it("refuses, in GitHub's error shape, a field the schema does not have, a missing variable and bad syntax", async () => {
    const query = 'query($e: String!) { repository(owner: "acme", name: "shop") { f0: object(expression: $e) { ... on Blob { size } } } }';
    expect(await post({ query, variables: { e: `${HEAD}:k8s/web.yaml` } })).toEqual({ status: 200, json: { errors: [{ message: 'Cannot query field "size" on type "Blob".' }] } });
    const valid = 'query($e: String!) { repository(owner: "acme", name: "shop") { f0: object(expression: $e) { ... on Blob { byteSize } } } }';
    expect(await post({ query: valid })).toEqual({ status: 200, json: { errors: [{ message: 'Variable "$e" of required type "String!" was not provided.' }] } });
    expect(await post({ query: "query { repository(" })).toEqual({ status: 200, json: { errors: [{ message: "Syntax Error: Expected Name, found <EOF>." }] } });
    expect(harness!.fake.invalidQueries).toHaveLength(3);
  });

  it("answers the app's own query with the blobs, a tree as {} and a missing path as null", async () => {
    const request = blobQueries({ owner: "acme", repo: "shop" }, [
      { side: "head", path: "k8s/web.yaml", sha: "" },
      { side: "head", path: "k8s", sha: "" },
      { side: "head", path: "k8s/nope.yaml", sha: "" },
    ])[0]!;
    const head = () => harness!.fake.shas.head;
    await post({ query: "{ __typename }" });
    const variables = Object.fromEntries(Object.entries(request.variables).map(([key, value]) => [key, key.startsWith("e") ? `${head()}${value}` : value]));
    const { json } = await post({ query: request.query, variables });
    const web = repository.head.get("k8s/web.yaml") as string;
    expect(json).toEqual({
      data: { repository: { f0: { text: web, byteSize: Buffer.byteLength(web), isBinary: false, isTruncated: false }, f1: {}, f2: null } },
    });
    expect(harness!.fake.invalidQueries).toEqual([]);
  });
});
