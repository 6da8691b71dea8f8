import { describe, expect, it } from "vitest";
import { MAX_MANIFEST_BYTES } from "../../src/core/limits.js";
import { parseManifestFile, parseMessages } from "../../src/core/manifest.js";
import type { ManifestObject, ParsedFile, SourceRange } from "../../src/core/model.js";
import { isExposureObject, objectId } from "../../src/core/objects.js";

function parse(text: string, path = "k8s/app.yaml"): ParsedFile {
  return parseManifestFile({ path, text }, "head");
}

/** `[line, column, endLine, endColumn]`, so expectations fit on one line. */
function at(object: ManifestObject | undefined, path: (string | number)[]): [number, number, number, number] {
  if (!object) throw new Error("no such object");
  const range: SourceRange = object.rangeOf(path);
  return [range.line, range.column, range.endLine, range.endColumn];
}

const lines = (...rows: string[]) => `${rows.join("\n")}\n`;

const webService = lines(
  "# The shop's front door", //            1
  "apiVersion: v1", //                     2
  "kind: Service", //                      3
  "metadata:", //                          4
  "  name: web", //                        5
  "  namespace: shop", //                  6
  "spec:", //                              7
  "  type: LoadBalancer", //               8
  "  ports:", //                           9
  "    - port: 80", //                     10
  "      name: http", //                   11
  "    - port: 443", //                    12
  "  tls:", //                             13
  "    - hosts: [shop.example.com]", //    14
  "  selector: {app: web}", //             15
);

describe("parseManifestFile: objects and identity", () => {
  it("reads a Service with its identity, its document line and its plain body", () => {
    const parsed = parse(webService);
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects).toHaveLength(1);
    const [web] = parsed.objects;
    expect(web).toMatchObject({
      apiVersion: "v1",
      kind: "Service",
      namespace: "shop",
      name: "web",
      id: "Service/shop/web",
      file: "k8s/app.yaml",
      line: 2,
    });
    expect(web?.body).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        type: "LoadBalancer",
        ports: [{ port: 80, name: "http" }, { port: 443 }],
        tls: [{ hosts: ["shop.example.com"] }],
        selector: { app: "web" },
      },
    });
    expect(web?.sourceLines[7]).toBe("  type: LoadBalancer");
  });

  it("defaults the namespace to default when it is absent or empty", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: a}",
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: b, namespace: ''}",
      ),
    );
    expect(parsed.objects.map((object) => object.id)).toEqual(["Service/default/a", "Service/default/b"]);
  });

  it("keeps every Kubernetes object, not only Services and Ingresses, and shares one sourceLines array", () => {
    const parsed = parse(
      lines(
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: web}",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata: {name: web, namespace: shop}",
      ),
    );
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Deployment/default/web", 1],
      ["Ingress/shop/web", 5],
    ]);
    expect(parsed.objects[0]?.sourceLines).toBe(parsed.objects[1]?.sourceLines);
    expect(parsed.objects[0]?.sourceLines).toHaveLength(8);
  });

  it("takes the last of duplicate keys, as kubectl does, and points at it", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: web}",
        "spec:",
        "  type: ClusterIP",
        "  type: LoadBalancer",
      ),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects[0]?.body.spec).toEqual({ type: "LoadBalancer" });
    expect(at(parsed.objects[0], ["spec", "type"])).toEqual([6, 9, 6, 21]);
  });

  it("makes a nameless Service or Ingress an error and ignores other nameless kinds", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: Service",
        "metadata: {labels: {app: web}}",
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: Ingress",
        "metadata: {generateName: web-}",
        "---",
        "apiVersion: v1",
        "kind: ConfigMap",
        "data: {a: b}",
        "---",
        "apiVersion: serving.knative.dev/v1",
        "kind: Service",
        "spec: {}",
      ),
    );
    expect(parsed.objects).toEqual([]);
    expect(parsed.errors).toEqual([
      { file: "k8s/app.yaml", line: 1, reason: "syntax", message: parseMessages.missingName("Service", false), side: "head" },
      { file: "k8s/app.yaml", line: 5, reason: "syntax", message: parseMessages.missingName("Ingress", true), side: "head" },
    ]);
  });
});

describe("parseManifestFile: documents", () => {
  it("reads the documents around a broken one and reports the broken one's line", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1", //        1
        "kind: Service", //         2
        "metadata:", //             3
        "  name: first", //         4
        "---", //                   5
        "apiVersion: v1", //        6
        "kind: Service", //         7
        "metadata:", //             8
        "  name: broken", //        9
        " spec: {}", //             10
        "---", //                   11
        "apiVersion: v1", //        12
        "kind: Service", //         13
        "metadata:", //             14
        "  name: third", //         15
      ),
    );
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Service/default/first", 1],
      ["Service/default/third", 12],
    ]);
    expect(parsed.errors).toEqual([
      {
        file: "k8s/app.yaml",
        line: 10,
        reason: "syntax",
        message: parseMessages.syntax(10, 1, "All mapping items must start at the same column"),
        side: "head",
      },
    ]);
  });

  it("keeps the text of the broken piece, so the review knows which objects it could have held", () => {
    const broken = lines("apiVersion: v1", "kind: Service", "metadata:", "  name: broken", " spec: {}");
    const parsed = parse(`${lines("apiVersion: v1", "kind: ConfigMap", "metadata: {name: settings}")}---\n${broken}`);
    expect(parsed.objects.map((object) => object.id)).toEqual(["ConfigMap/default/settings"]);
    expect(parsed.unreadablePieces).toEqual([{ text: `---\n${broken}`, error: parsed.errors[0], template: false }]);
  });

  it("has no unreadable pieces when the file reads cleanly or is not read as a whole", () => {
    expect(parse(webService).unreadablePieces).toBeUndefined();
    expect(parseManifestFile({ path: "big.yaml", unreadable: "too-large", size: 2 << 20 }, "head").unreadablePieces).toBeUndefined();
  });

  it("keeps a templated document as a template piece: its names are not literal", () => {
    const templated = parse(lines("apiVersion: v1", "kind: Service", "metadata:", "  name: {{ .Release.Name }}"));
    expect(templated.errors.map((error) => error.reason)).toEqual(["template"]);
    expect(templated.unreadablePieces?.map((piece) => [piece.template, piece.error])).toEqual([[true, templated.errors[0]]]);
  });

  it("does not let an unterminated quote swallow the documents after it (kubectl splits on ---)", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: ConfigMap",
        'metadata: {name: "oops}',
        "---",
        "apiVersion: v1",
        "kind: Service",
        "metadata: {name: after}",
      ),
    );
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([["Service/default/after", 5]]);
    expect(parsed.errors.map((error) => [error.reason, error.line])).toEqual([["syntax", 4]]);
  });

  it("reads a v1 List and a ServiceList item by item, with positions relative to the item", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1", //                  1
        "kind: List", //                      2
        "items:", //                          3
        "  - apiVersion: v1", //              4
        "    kind: Service", //               5
        "    metadata: {name: a}", //         6
        "    spec:", //                       7
        "      type: NodePort", //            8
        "  - apiVersion: v1", //              9
        "    kind: ConfigMap", //             10
        "    metadata: {name: settings}", //  11
        "---", //                             12
        "apiVersion: v1", //                  13
        "kind: ServiceList", //               14
        "items:", //                          15
        "- apiVersion: v1", //                16
        "  kind: Service", //                 17
        "  metadata: {name: b, namespace: edge}", // 18
        "  spec: {type: LoadBalancer}", //    19
      ),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Service/default/a", 4],
      ["ConfigMap/default/settings", 9],
      ["Service/edge/b", 16],
    ]);
    const [a, , b] = parsed.objects;
    expect(a?.body).toEqual({ apiVersion: "v1", kind: "Service", metadata: { name: "a" }, spec: { type: "NodePort" } });
    expect(at(a, ["spec", "type"])).toEqual([8, 13, 8, 21]);
    expect(at(b, ["spec", "type"])).toEqual([19, 16, 19, 28]);
    expect(at(b, ["spec", "ports"])).toEqual([19, 3, 19, 29]);
  });

  it("reads JSON manifests with exact positions", () => {
    const parsed = parse(
      lines(
        "{",
        '  "apiVersion": "v1",',
        '  "kind": "Service",',
        '  "metadata": { "name": "api", "namespace": "shop" },',
        '  "spec": {',
        '    "type": "NodePort",',
        '    "ports": [',
        '      { "port": 443, "nodePort": 30443 }',
        "    ]",
        "  }",
        "}",
      ),
      "k8s/api.json",
    );
    expect(parsed.errors).toEqual([]);
    const [api] = parsed.objects;
    expect(api?.id).toBe("Service/shop/api");
    expect(api?.line).toBe(1);
    expect(api?.body.spec).toEqual({ type: "NodePort", ports: [{ port: 443, nodePort: 30443 }] });
    expect(at(api, ["spec", "type"])).toEqual([6, 13, 6, 23]);
    expect(at(api, ["spec", "ports", 0])).toEqual([8, 7, 8, 41]);
    expect(at(api, ["spec", "ports", 0, "nodePort"])).toEqual([8, 34, 8, 39]);
    expect(at(api, ["metadata", "name"])).toEqual([4, 25, 4, 30]);
    expect(at(api, ["spec"])).toEqual([5, 3, 10, 4]);
  });

  it("reads JSON indented with tabs, which YAML block indentation would refuse", () => {
    const parsed = parse('{\n\t"apiVersion": "v1",\n\t"kind": "Service",\n\t"metadata": {\n\t\t"name": "tabbed"\n\t}\n}\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((object) => object.id)).toEqual(["Service/default/tabbed"]);
    expect(at(parsed.objects[0], ["metadata", "name"])).toEqual([5, 11, 5, 19]);
  });

  it("resolves merge keys and anchors, explicit keys winning, and points into the anchor", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1", //               1
        "kind: List", //                   2
        "items:", //                       3
        "  - apiVersion: v1", //           4
        "    kind: Service", //            5
        "    metadata:", //                6
        "      name: a", //                7
        "      labels: &labels", //        8
        "        app: shop", //            9
        "    spec: &spec", //              10
        "      type: LoadBalancer", //     11
        "      ports:", //                 12
        "        - port: 443", //          13
        "  - apiVersion: v1", //           14
        "    kind: Service", //            15
        "    metadata:", //                16
        "      name: b", //                17
        "      labels: *labels", //        18
        "    spec:", //                    19
        "      <<: *spec", //              20
        "      type: NodePort", //         21
      ),
    );
    expect(parsed.errors).toEqual([]);
    const b = parsed.objects[1];
    expect(b?.body).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "b", labels: { app: "shop" } },
      spec: { type: "NodePort", ports: [{ port: 443 }] },
    });
    expect(at(b, ["spec", "type"])).toEqual([21, 13, 21, 21]);
    // Merged and aliased fields live where the anchor defines them.
    expect(at(b, ["spec", "ports"])).toEqual([12, 7, 13, 20]);
    expect(at(b, ["spec", "ports", 0, "port"])).toEqual([13, 17, 13, 20]);
    expect(at(b, ["metadata", "labels", "app"])).toEqual([9, 14, 9, 18]);
    // The aliased value itself is where it is used.
    expect(at(b, ["metadata", "labels"])).toEqual([18, 7, 18, 22]);
  });

  it("lets the first of several merged maps win, as YAML 1.1 says", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: web",
        "  annotations:",
        "    internal: &internal {scheme: internal}",
        "    public: &public {scheme: internet-facing, extra: x}",
        "spec:",
        "  <<: [*internal, *public]",
      ),
    );
    expect(parsed.objects[0]?.body.spec).toEqual({ scheme: "internal", extra: "x" });
    expect(at(parsed.objects[0], ["spec", "scheme"])).toEqual([6, 34, 6, 42]);
    expect(at(parsed.objects[0], ["spec", "extra"])).toEqual([7, 54, 7, 55]);
  });
});

describe("ManifestObject.rangeOf", () => {
  const [web] = parse(webService).objects;

  it("points a scalar at its value", () => {
    expect(at(web, ["spec", "type"])).toEqual([8, 9, 8, 21]);
    expect(at(web, ["metadata", "name"])).toEqual([5, 9, 5, 12]);
    expect(at(web, ["spec", "ports", 1, "port"])).toEqual([12, 13, 12, 16]);
    expect(at(web, ["spec", "tls", 0, "hosts", 0])).toEqual([14, 15, 14, 31]);
  });

  it("points a sequence item at its `- ` line and a collection at its key line", () => {
    expect(at(web, ["spec", "ports", 0])).toEqual([10, 7, 11, 17]);
    expect(at(web, ["spec", "tls"])).toEqual([13, 3, 14, 32]);
    expect(at(web, ["spec", "ports"])).toEqual([9, 3, 12, 16]);
    expect(at(web, ["spec", "selector"])).toEqual([15, 3, 15, 23]);
  });

  it("falls back to the nearest existing ancestor, then to the object itself", () => {
    expect(at(web, ["spec", "loadBalancerSourceRanges"])).toEqual([7, 1, 15, 23]);
    expect(at(web, ["spec", "ports", 5, "port"])).toEqual([9, 3, 12, 16]);
    expect(at(web, ["spec", "type", "deeper"])).toEqual([8, 9, 8, 21]);
    expect(at(web, ["spec", "ports", "0"])).toEqual([9, 3, 12, 16]);
    expect(at(web, ["status"])).toEqual([2, 1, 15, 23]);
    expect(at(web, [])).toEqual([2, 1, 15, 23]);
  });

  it("points an empty value at its key", () => {
    const [service] = parse(lines("apiVersion: v1", "kind: Service", "metadata: {name: web}", "spec:", "  externalIPs:")).objects;
    expect(service?.body.spec).toEqual({ externalIPs: null });
    expect(at(service, ["spec", "externalIPs"])).toEqual([5, 3, 5, 14]);
  });
});

describe("parseManifestFile with lazy positions (context files)", () => {
  const listWithMerges = lines(
    "apiVersion: v1", //               1
    "kind: List", //                   2
    "items:", //                       3
    "  - apiVersion: v1", //           4
    "    kind: List", //               5
    "    items:", //                   6
    "      - apiVersion: v1", //       7
    "        kind: Service", //        8
    "        metadata: {name: a}", //  9
    "        spec: &spec", //          10
    "          type: ClusterIP", //    11
    "          ports: [{port: 80}]", // 12
    "  - apiVersion: v1", //           13
    "    kind: Service", //            14
    "    metadata: {name: b}", //      15
    "    spec:", //                    16
    "      type: NodePort", //         17
    "      <<: *spec", //              18
    "---", //                          19
    "apiVersion: v1", //               20
    "kind: Service", //                21
    "metadata: {name: c}", //          22
  );
  const paths: (string | number)[][] = [[], ["metadata", "name"], ["spec", "type"], ["spec", "ports", 0, "port"], ["spec", "missing"], ["status"]];

  it("gives every object the ranges and bodies the eager parse gives: documents, nested List items, merge keys, aliases", () => {
    for (const text of [webService, listWithMerges]) {
      const eager = parseManifestFile({ path: "a.yaml", text }, "head");
      const lazy = parseManifestFile({ path: "a.yaml", text }, "head", { positions: "lazy" });
      expect(lazy.objects.map(({ id, line, body }) => ({ id, line, body }))).toEqual(eager.objects.map(({ id, line, body }) => ({ id, line, body })));
      // Asked in another order than the objects come, so no object relies on a neighbour's parse.
      const asked = [...lazy.objects].reverse().map((object) => paths.map((path) => at(object, path)));
      expect(asked.reverse()).toEqual(eager.objects.map((object) => paths.map((path) => at(object, path))));
    }
  });

  it("applies kubectl's merge order to the tree it builds again, as to the first one", () => {
    const [, b] = parseManifestFile({ path: "a.yaml", text: listWithMerges }, "head", { positions: "lazy" }).objects;
    // `type: NodePort` is written before `<<`, so the merged ClusterIP applies and is pointed at.
    expect(b?.body.spec).toEqual({ type: "ClusterIP", ports: [{ port: 80 }] });
    expect(at(b, ["spec", "type"])).toEqual([11, 17, 11, 26]);
  });
});

describe("parseManifestFile: files that are not read", () => {
  it("reports a Helm template once, at its first marker, with no objects", () => {
    const parsed = parse(
      lines(
        "# {{ comments do not count }}",
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: {{ include \"web.fullname\" . }}",
        "spec:",
        "  type: {{ .Values.service.type }}",
      ),
      "charts/web/templates/service.yaml",
    );
    expect(parsed).toMatchObject({
      path: "charts/web/templates/service.yaml",
      objects: [],
      errors: [
        {
          file: "charts/web/templates/service.yaml",
          line: 5,
          reason: "template",
          message: parseMessages.template(5),
          side: "head",
        },
      ],
    });
  });

  it("treats markers in control lines and quoted strings as templates too", () => {
    expect(parse(lines("{{- if .Values.enabled }}", "apiVersion: v1", "{{- end }}")).errors.map((e) => [e.reason, e.line])).toEqual([
      ["template", 1],
    ]);
    expect(parse(lines("apiVersion: v1", "kind: Service", 'metadata: {name: "{{ .Release.Name }}"}')).errors.map((e) => [e.reason, e.line])).toEqual([
      ["template", 3],
    ]);
  });

  it("reads a manifest whose markers sit only in comments, block scalars or ${{ }}", () => {
    const parsed = parse(
      lines(
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata: {name: alertmanager} # {{ not a template }}",
        "data:",
        "  slack.tmpl: |",
        '    {{ define "slack.title" }}{{ .Status }}{{ end }}',
        "  command: echo ${{ secrets.TOKEN }}",
      ),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects[0]?.body.data).toEqual({
      "slack.tmpl": '{{ define "slack.title" }}{{ .Status }}{{ end }}\n',
      command: "echo ${{ secrets.TOKEN }}",
    });
  });

  it("refuses a 5 MiB file as too-large without parsing it", () => {
    const header = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n";
    const body = header + "  k: v\n".repeat(700_000);
    const text = body + "#".repeat(5 * 1024 * 1024 - body.length);
    expect(text.length).toBe(5 * 1024 * 1024);
    const parsed = parse(text);
    expect(parsed.objects).toEqual([]);
    expect(parsed.errors).toEqual([
      { file: "k8s/app.yaml", reason: "too-large", message: parseMessages.tooLarge(text.length), side: "head" },
    ]);
    expect(parsed.errors[0]?.message).toBe("File is 5.0 MiB, over the 1.0 MiB limit for manifests; it was not reviewed.");
  });

  it("counts UTF-8 bytes, not characters, against the limit", () => {
    const header = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: accents}\ndata:\n  text: ";
    const under = `${header}${"é".repeat(400_000)}\n`; // 800 kB of UTF-8
    const over = `${header}${"é".repeat(600_000)}\n`; // 1.2 MB of UTF-8 in 0.6 M characters
    expect(over.length).toBeLessThan(MAX_MANIFEST_BYTES);
    expect(parse(under).objects.map((object) => object.id)).toEqual(["ConfigMap/default/accents"]);
    expect(parse(over).errors).toEqual([
      { file: "k8s/app.yaml", reason: "too-large", message: parseMessages.tooLarge(over.length + 600_000), side: "head" },
    ]);
  });

  it("reports files a face could not read", () => {
    expect(parseManifestFile({ path: "big.yaml", unreadable: "too-large", size: 3 * 1024 * 1024 }, "base")).toEqual({
      path: "big.yaml",
      objects: [],
      errors: [{ file: "big.yaml", reason: "too-large", message: "File is 3.0 MiB, over the 1.0 MiB limit for manifests; it was not reviewed.", side: "base" }],
    });
    expect(parseManifestFile({ path: "logo.yaml", unreadable: "binary" }, "head").errors).toEqual([
      { file: "logo.yaml", reason: "binary", message: parseMessages.binary(), side: "head" },
    ]);
  });

  it("reports text with NUL bytes as binary", () => {
    expect(parse("apiVersion: v1\nkind: Service\u0000\u0001\n").errors).toEqual([
      { file: "k8s/app.yaml", reason: "binary", message: parseMessages.binary(), side: "head" },
    ]);
  });
});

describe("parseManifestFile: nothing to review", () => {
  it.each([
    ["an empty file", ""],
    ["whitespace", "\n  \n\t\n"],
    ["comments only", "# nothing here\n  # still nothing\n"],
    ["separators only", "---\n---\n...\n"],
    ["a null document", "~\n"],
    ["a scalar document", "just a string\n"],
    ["an array document", "- apiVersion: v1\n  kind: Service\n  metadata: {name: x}\n"],
    ["a mapping without kind", "apiVersion: v1\nmetadata: {name: x}\n"],
    ["a non-string kind", "apiVersion: v1\nkind: [Service]\nmetadata: {name: x}\n"],
  ])("%s gives no objects and no errors", (_name, text) => {
    expect(parse(text)).toEqual({ path: "k8s/app.yaml", objects: [], errors: [] });
  });

  it.each([
    [
      ".github/workflows/ci.yml",
      lines(
        "name: ci",
        "on: [push, pull_request]",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - run: npm test",
        "        env:",
        "          TOKEN: ${{ secrets.TOKEN }}",
      ),
    ],
    [
      "docker-compose.yml",
      lines("services:", "  web:", "    image: nginx", "    ports:", '      - "80:80"', "    environment: &env", "      A: b", "  worker:", "    environment: *env"),
    ],
    ["kustomization.yaml", lines("apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:", "  - service.yaml")],
    ["charts/web/Chart.yaml", lines("apiVersion: v2", "name: web", "version: 1.0.0", "type: application")],
    ["charts/web/values.yaml", lines("service:", "  type: LoadBalancer", "  port: 80", "ingress:", "  enabled: false")],
  ])("ignores %s silently", (path, text) => {
    expect(parse(text, path)).toEqual({ path, objects: [], errors: [] });
  });
});

describe("parseManifestFile: encodings and whitespace", () => {
  it("reads CRLF line endings without carriage returns in values or sourceLines", () => {
    const parsed = parse("apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  type: NodePort\r\n");
    expect(parsed.errors).toEqual([]);
    const [web] = parsed.objects;
    expect(web?.body).toEqual({ apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { type: "NodePort" } });
    expect(at(web, ["spec", "type"])).toEqual([6, 9, 6, 17]);
    expect(web?.sourceLines).toEqual(["apiVersion: v1", "kind: Service", "metadata:", "  name: web", "spec:", "  type: NodePort", ""]);
  });

  it("skips a byte order mark, keeping line 1's columns", () => {
    const parsed = parse("\uFEFFapiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    expect(parsed.objects.map((object) => object.id)).toEqual(["Service/default/web"]);
    expect(at(parsed.objects[0], ["apiVersion"])).toEqual([1, 13, 1, 15]);
    expect(parsed.objects[0]?.sourceLines[0]).toBe("apiVersion: v1");
  });

  it("drops trailing tabs and spaces from values", () => {
    const parsed = parse("apiVersion: v1\t\nkind: Service \t\nmetadata:\t\n  name: web\t\t\nspec:\n  type: LoadBalancer\t\n");
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects[0]?.body).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { type: "LoadBalancer" },
    });
    expect(at(parsed.objects[0], ["spec", "type"])).toEqual([6, 9, 6, 21]);
  });

  it("handles BOM, CRLF and a separator with a comment together", () => {
    const parsed = parse("\uFEFF# svc\r\napiVersion: v1\r\nkind: Service\r\nmetadata: {name: a}\r\n--- # next\r\napiVersion: v1\r\nkind: Service\r\nmetadata: {name: b}\r\n");
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Service/default/a", 2],
      ["Service/default/b", 6],
    ]);
  });
});

describe("objects", () => {
  it("builds kind/namespace/name ids", () => {
    expect(objectId("Ingress", "shop", "web")).toBe("Ingress/shop/web");
  });

  it.each([
    ["v1", "Service", true],
    ["networking.k8s.io/v1", "Ingress", true],
    ["networking.k8s.io/v1beta1", "Ingress", true],
    ["extensions/v1beta1", "Ingress", true],
    ["serving.knative.dev/v1", "Service", false],
    ["apps/v1", "Ingress", false],
    ["v1", "Ingress", false],
    ["v1", "Endpoints", false],
    ["v1", "ServiceList", false],
    ["v1", "constructor", false],
    ["v1", "service", false],
  ])("isExposureObject(%s %s) is %s", (apiVersion, kind, expected) => {
    expect(isExposureObject({ apiVersion, kind })).toBe(expected);
  });
});
