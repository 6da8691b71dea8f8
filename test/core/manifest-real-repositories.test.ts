/**
 * Patterns seen on the history of real repositories, as hand-written files modelled on them: files
 * that are not manifests but hold `{{` (docker-compose, Grafana dashboards, workflows, goreleaser,
 * Kyverno policies) are never errors, and a real Service beside ConfigMaps that embed dashboards is
 * read (istio's samples/addons/grafana.yaml). Helm templates stay templates.
 */
import { describe, expect, it } from "vitest";
import { parseManifestFile, parseMessages } from "../../src/core/manifest.js";
import type { ParsedFile } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";

function parse(text: string, path = "k8s/app.yaml"): ParsedFile {
  return parseManifestFile({ path, text }, "head");
}

const lines = (...rows: string[]) => `${rows.join("\n")}\n`;

/** Errors as `[reason, line]`, objects as ids: what these cases decide. */
function outcome(parsed: ParsedFile) {
  return { errors: parsed.errors.map((error) => [error.reason, error.line]), objects: parsed.objects.map((object) => object.id) };
}

describe("files that are not manifests are never errors", () => {
  it("reads a docker-compose file with Go templates in plain scalars as nothing", () => {
    const compose = lines(
      "services:",
      "  web:",
      "    image: nginx:1.27",
      "    labels:",
      "      - traefik.http.routers.web.rule=Host(`{{ .Domain }}`)",
      "    command: sh -c echo {{ .Env.GREETING }}",
      "    ports: ['8080:80']",
    );
    expect(outcome(parse(compose, "docker-compose.yml"))).toEqual({ errors: [], objects: [] });
  });

  it("reads a raw Grafana dashboard (JSON) whose queries and legends hold {{ }}", () => {
    const dashboard = JSON.stringify(
      {
        title: "Pilot",
        panels: [{ targets: [{ expr: 'sum(rate(pilot_xds{job="pilot"}[1m])) by ({{ "{{" }}pod}})', legendFormat: "{{pod}} {{version}}" }] }],
      },
      null,
      2,
    );
    expect(outcome(parse(dashboard, "dashboards/pilot.json"))).toEqual({ errors: [], objects: [] });
  });

  it("reads a GitHub workflow with ${{ }} expressions and a plain {{ }} in a run line", () => {
    const workflow = lines(
      "name: release",
      "on: {push: {tags: ['v*']}}",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: echo ${{ github.ref_name }}",
      "      - run: docker build --label version={{ .Version }} .",
    );
    expect(outcome(parse(workflow, ".github/workflows/release.yml"))).toEqual({ errors: [], objects: [] });
  });

  it("reads a goreleaser config whose templates are plain and quoted", () => {
    const goreleaser = lines(
      "project_name: edge",
      "builds:",
      "  - ldflags: -s -w -X main.version={{.Version}} -X main.commit={{.Commit}}",
      "archives:",
      '  - name_template: "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}"',
      "dockers:",
      "  - image_templates:",
      "      - ghcr.io/acme/edge:{{ .Tag }}",
    );
    expect(outcome(parse(goreleaser, ".goreleaser.yaml"))).toEqual({ errors: [], objects: [] });
  });

  it("ignores a Kyverno policy: a Kubernetes object, but not an exposure kind, with variables in plain scalars", () => {
    const policy = lines(
      "apiVersion: kyverno.io/v1",
      "kind: ClusterPolicy",
      "metadata:",
      "  name: restrict-loadbalancer",
      "spec:",
      "  rules:",
      "    - name: no-lb",
      "      validate:",
      "        message: Service {{ request.object.metadata.name }} may not be a LoadBalancer",
      "        deny:",
      "          conditions:",
      "            any:",
      '              - key: "{{ request.object.spec.type }}"',
      "                operator: Equals",
      "                value: LoadBalancer",
    );
    expect(outcome(parse(policy, "policies/restrict-lb.yaml"))).toEqual({ errors: [], objects: ["ClusterPolicy/default/restrict-loadbalancer"] });
  });
});

describe("ConfigMaps that embed templates beside real objects", () => {
  /** Modelled on istio's samples/addons/grafana.yaml: dashboards as JSON strings, then a Service. */
  const grafanaAddon = lines(
    "apiVersion: v1", //                                                          1
    "kind: ConfigMap", //                                                         2
    "metadata:", //                                                               3
    "  name: istio-grafana-dashboards", //                                        4
    "  namespace: istio-system", //                                               5
    "data:", //                                                                   6
    '  pilot-dashboard.json: "{\\"panels\\": [{\\"legendFormat\\": \\"{{pod}}\\"}]}"', // 7
    "---", //                                                                     8
    "apiVersion: v1", //                                                          9
    "kind: ConfigMap", //                                                         10
    "metadata:", //                                                               11
    "  name: istio-services-grafana-dashboards", //                               12
    "  namespace: istio-system", //                                               13
    "data:", //                                                                   14
    "  istio-mesh-dashboard.json: '{\"legendFormat\": \"{{ destination_service }}\"}'", // 15
    "---", //                                                                     16
    "apiVersion: v1", //                                                          17
    "kind: Service", //                                                           18
    "metadata:", //                                                               19
    "  name: grafana", //                                                         20
    "  namespace: istio-system", //                                               21
    "spec:", //                                                                   22
    "  type: LoadBalancer", //                                                    23
    "  ports:", //                                                                24
    "    - name: service", //                                                     25
    "      port: 3000", //                                                        26
    "  selector: {app.kubernetes.io/name: grafana}", //                           27
  );

  it("reads the Service and both ConfigMaps, with no template entry", () => {
    expect(outcome(parse(grafanaAddon, "samples/addons/grafana.yaml"))).toEqual({
      errors: [],
      objects: [
        "ConfigMap/istio-system/istio-grafana-dashboards",
        "ConfigMap/istio-system/istio-services-grafana-dashboards",
        "Service/istio-system/grafana",
      ],
    });
  });

  it("reviews the Service when the pull request makes it a public load balancer", () => {
    const before = grafanaAddon.replace("  type: LoadBalancer\n", "");
    const report = review({ base: [{ path: "grafana.yaml", text: before }], head: [{ path: "grafana.yaml", text: grafanaAddon }] });
    expect(report.errors).toEqual([]);
    expect(report.objects.map((object) => [object.id, object.classification, object.findings.map((f) => f.rule)])).toEqual([
      ["Service/istio-system/grafana", "public", ["public-loadbalancer"]],
    ]);
  });

  it("reads a Service beside a ConfigMap whose plain scalar holds a template (Alertmanager config)", () => {
    const text = lines(
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: alerts}",
      "data:",
      "  title: {{ .CommonLabels.alertname }} fired",
      "---",
      "apiVersion: v1",
      "kind: Service",
      "metadata: {name: alertmanager}",
      "spec: {type: NodePort, ports: [{port: 9093}]}",
    );
    // The ConfigMap's value does not parse ({{ opens a flow map), so it is a template; the Service is read.
    expect(outcome(parse(text))).toEqual({ errors: [["template", 5]], objects: ["Service/default/alertmanager"] });
  });
});

describe("templates stay templates", () => {
  it("a Service whose plain scalars hold markers is a template, even when the document parses", () => {
    const text = lines("apiVersion: v1", "kind: Service", "metadata:", "  name: web-{{ .Release.Name }}", "spec: {type: LoadBalancer}");
    expect(outcome(parse(text))).toEqual({ errors: [["template", 4]], objects: [] });
  });

  it("a Service whose only markers are quoted is a template: its name is not what the cluster gets", () => {
    const text = lines("apiVersion: v1", "kind: Service", "metadata:", '  name: "{{ .Release.Name }}-web"', "spec: {type: LoadBalancer}");
    expect(outcome(parse(text))).toEqual({ errors: [["template", 4]], objects: [] });
  });

  it("a kind or apiVersion written by a template makes the document a template", () => {
    expect(outcome(parse(lines("apiVersion: {{ .Values.apiVersion }}", "kind: Ingress", "metadata: {name: web}")))).toEqual({
      errors: [["template", 1]],
      objects: [],
    });
    expect(outcome(parse(lines("apiVersion: v1", "kind: {{ .Values.kind }}", "metadata: {name: web}")))).toEqual({
      errors: [["template", 2]],
      objects: [],
    });
  });

  it("a List with a templated Service item is a template", () => {
    const text = lines("apiVersion: v1", "kind: List", "items:", "  - apiVersion: v1", "    kind: Service", "    metadata: {name: web-{{ .x }}}");
    expect(outcome(parse(text)).errors).toEqual([["template", 6]]);
  });

  it("a Helm chart file gives one template entry, at its first templated document, and reads plain documents", () => {
    const chart = lines(
      "apiVersion: v1", //                          1
      "kind: ConfigMap", //                         2
      "metadata: {name: static}", //                3
      "---", //                                     4
      "{{- if .Values.service.enabled }}", //       5
      "apiVersion: v1", //                          6
      "kind: Service", //                           7
      "metadata: {name: {{ .Release.Name }}}", //   8
      "{{- end }}", //                              9
      "---", //                                     10
      "apiVersion: networking.k8s.io/v1", //        11
      "kind: Ingress", //                           12
      "metadata:", //                               13
      "  name: {{ .Release.Name }}", //             14
    );
    const parsed = parse(chart);
    expect(outcome(parsed)).toEqual({ errors: [["template", 5]], objects: ["ConfigMap/default/static"] });
    expect(parsed.errors[0]?.message).toBe(parseMessages.template(5));
    expect(parsed.unreadablePieces?.map((piece) => piece.template)).toEqual([true, true]);
  });

  it("a broken document without a marker is a syntax error, not a template", () => {
    expect(outcome(parse(lines("apiVersion: v1", "kind: Service", "metadata:", "  name: web", " spec: {}"))).errors).toEqual([["syntax", 5]]);
  });
});

describe("lines stay inside the file", () => {
  it("puts the error of an unterminated flow map at the end of a file on its last line", () => {
    const text = lines("apiVersion: v1", "kind: Service", "metadata: {name: web", "spec: {type: LoadBalancer");
    const parsed = parse(text);
    expect(parsed.errors.map((error) => error.reason)).toEqual(["syntax"]);
    expect(parsed.errors[0]?.line).toBeLessThanOrEqual(4);
  });
});

describe("merge-conflict markers", () => {
  it("names the markers and their line instead of a YAML complaint", () => {
    const text = lines(
      "apiVersion: v1", //                 1
      "kind: Service", //                  2
      "metadata:", //                      3
      "  name: edge-proxy", //             4
      "  namespace: edge", //              5
      "<<<<<<< HEAD", //                   6
      "spec: {type: LoadBalancer}", //     7
      "=======", //                        8
      "spec: {type: ClusterIP}", //        9
      ">>>>>>> feature/internal", //       10
    );
    const parsed = parse(text);
    expect(parsed.errors.map((error) => [error.reason, error.line, error.message])).toEqual([["syntax", 6, parseMessages.conflict(6, "<<<<<<<")]]);
    expect(parsed.objects).toEqual([]);
  });

  it("leaves a document that reads cleanly alone, markers in a block scalar included", () => {
    const text = lines("apiVersion: v1", "kind: ConfigMap", "metadata: {name: notes}", "data:", "  merge.txt: |", "    <<<<<<< HEAD", "    =======");
    expect(outcome(parse(text))).toEqual({ errors: [], objects: ["ConfigMap/default/notes"] });
  });
});

describe("kubectl multi-object JSON streams", () => {
  const service = (name: string, type = "ClusterIP") =>
    JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { type, ports: [{ port: 80 }] } }, null, 2);

  it("reads objects back to back, each with its own line", () => {
    const text = `${service("a")}${service("b", "LoadBalancer")}\n`;
    const parsed = parse(text, "dump.json");
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Service/default/a", 1],
      ["Service/default/b", 15],
    ]);
    expect(parsed.objects[1]?.rangeOf(["spec", "type"]).line).toBe(22);
  });

  it("reads one compact object per line (kubectl get -o json | jq -c .items[])", () => {
    const compact = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "shop" } });
    const parsed = parse(`${compact("web")}\n${compact("api")}\n\n${compact("db")}\n`, "services.json");
    expect(parsed.objects.map((object) => [object.id, object.line])).toEqual([
      ["Service/shop/web", 1],
      ["Service/shop/api", 2],
      ["Service/shop/db", 4],
    ]);
  });

  it("keeps braces inside strings and escaped quotes inside the object they belong to", () => {
    const tricky = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t" }, data: { a: '}{"\\"{' } });
    const parsed = parse(`${tricky}${service("after")}`, "tricky.json");
    expect(parsed.errors).toEqual([]);
    expect(parsed.objects.map((object) => object.id)).toEqual(["ConfigMap/default/t", "Service/default/after"]);
    expect(parsed.objects[0]?.body.data).toEqual({ a: '}{"\\"{' });
  });

  it("reports a broken object of a stream and reads the others", () => {
    const parsed = parse(`${service("a")}\n{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b"}, "spec": {"type": "LoadBalancer" "x": 1}}\n${service("c")}`, "dump.json");
    expect(parsed.objects.map((object) => object.id)).toEqual(["Service/default/a", "Service/default/c"]);
    expect(parsed.errors.map((error) => [error.reason, error.line])).toEqual([["syntax", 16]]);
  });

  it("leaves a single JSON object and a JSON List to the ordinary reader", () => {
    const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: [JSON.parse(service("x"))] });
    expect(parse(list, "list.json").objects.map((object) => object.id)).toEqual(["Service/default/x"]);
    expect(parse(service("solo"), "solo.json").objects.map((object) => object.id)).toEqual(["Service/default/solo"]);
  });
});
