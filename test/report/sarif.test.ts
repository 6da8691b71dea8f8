import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { RULE_IDS, type Severity } from "../../src/core/model.js";
import { RULES } from "../../src/core/rules/index.js";
import { renderSarif } from "../../src/report/sarif.js";
import { emptyReport, realisticReport } from "./sample-reports.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The official SARIF 2.1.0 schema (see sarif-schema-2.1.0.NOTICE.md), a draft-04 file read as draft-07. */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(new URL("sarif-schema-2.1.0.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const { $schema: _draft04, id, ...rest } = schema;
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only non-unicode regexps accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: String(id), ...rest });
}

const DOCS = "https://github.com/exposure-review/exposure-review/blob/main/docs/rules";
const location = (uri: string, startLine?: number) => ({
  physicalLocation: {
    artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
    ...(startLine === undefined ? {} : { region: { startLine } }),
  },
});

describe("renderSarif", () => {
  const validate = sarifValidator();

  it.each([
    ["a realistic report", realisticReport],
    ["an empty report", emptyReport],
  ])("validates %s against the SARIF 2.1.0 schema", (_name, report) => {
    const log: unknown = JSON.parse(renderSarif(report, { toolVersion: "1.2.3" }));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("the schema check can fail: a result without a message is refused", () => {
    const log = JSON.parse(renderSarif(realisticReport)) as { runs: { results: Record<string, unknown>[] }[] };
    delete log.runs[0]?.results[0]?.message;
    expect(validate(log)).toBe(false);
  });

  it("renders results with levels, locations, baseline state and suppressions, and errors as notifications", () => {
    const log = JSON.parse(renderSarif(realisticReport, { toolVersion: "1.2.3" }));
    expect(Object.keys(log)).toEqual(["$schema", "version", "runs"]);
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.results).toStrictEqual([
      {
        ruleId: "nodeport",
        ruleIndex: 0,
        level: "warning",
        message: { text: "Service default/debug is type NodePort." },
        locations: [location("k8s/debug.yaml", 24)],
        baselineState: "new",
      },
      {
        ruleId: "sensitive-port-exposed",
        ruleIndex: 4,
        level: "error",
        message: { text: "Service default/debug exposes PostgreSQL (5432) on every node." },
        locations: [location("k8s/debug.yaml", 27)],
        baselineState: "new",
        suppressions: [{ kind: "inSource", justification: "Debug database, removed after the migration" }],
      },
      {
        ruleId: "public-without-tls",
        ruleIndex: 2,
        level: "error",
        message: { text: "Service edge/gateway serves plain HTTP on TCP/80 to the internet." },
        locations: [location("k8s/gateway.yaml", 12)],
        baselineState: "new",
      },
      {
        ruleId: "public-loadbalancer",
        ruleIndex: 1,
        level: "warning",
        message: { text: "Service edge/gateway is a public LoadBalancer." },
        locations: [location("k8s/gateway.yaml", 8)],
        baselineState: "new",
        suppressions: [{ kind: "external", justification: "Fronted by the CDN; ticket SEC-142" }],
      },
      {
        ruleId: "tls-removed",
        ruleIndex: 3,
        level: "error",
        message: { text: "Ingress shop/storefront no longer serves shop.example.com/ over TLS." },
        locations: [location("k8s/shop/ingress.yaml", 9)],
        baselineState: "new",
      },
      {
        ruleId: "wildcard-host",
        ruleIndex: 7,
        level: "warning",
        message: { text: "Ingress shop/storefront routes the wildcard host *.example.com." },
        locations: [location("k8s/shop/ingress.yaml", 14)],
        baselineState: "unchanged",
      },
    ]);
    expect(run.invocations).toStrictEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: "warning",
            message: { text: "Nested mappings are not allowed in compact mappings" },
            descriptor: { id: "syntax" },
            locations: [location("k8s/broken.yaml", 3)],
          },
          {
            level: "note",
            message: { text: "Helm template: not reviewed" },
            descriptor: { id: "template" },
            locations: [location("charts/app/templates/svc.yaml")],
          },
        ],
      },
    ]);
  });

  it("describes every rule of the catalog, with CONTRACT default levels mapped to SARIF levels", () => {
    const driver = JSON.parse(renderSarif(emptyReport, { toolVersion: "1.2.3" })).runs[0].tool.driver;
    expect(Object.keys(driver)).toEqual(["name", "informationUri", "version", "rules"]);
    expect(driver.name).toBe("exposure-review");
    expect(driver.informationUri).toBe("https://github.com/exposure-review/exposure-review");
    expect(driver.version).toBe("1.2.3");
    const contractLevels: Record<string, Severity> = {
      nodeport: "warning",
      "public-loadbalancer": "warning",
      "public-without-tls": "failure",
      "tls-removed": "failure",
      "sensitive-port-exposed": "failure",
      "external-ips": "warning",
      "open-source-range": "warning",
      "wildcard-host": "warning",
      "ingress-class-missing": "notice",
      externalname: "notice",
      "gateway-routes-from-all-namespaces": "warning",
    };
    const sarifLevel = { notice: "note", warning: "warning", failure: "error" } as const;
    expect(driver.rules.map((rule: { id: string }) => rule.id)).toEqual([...RULE_IDS]);
    for (const rule of RULES) {
      const level = sarifLevel[contractLevels[rule.id] ?? "notice"];
      expect(driver.rules.find((entry: { id: string }) => entry.id === rule.id)).toStrictEqual({
        id: rule.id,
        name: rule.id,
        shortDescription: { text: rule.title },
        fullDescription: { text: rule.recommendation },
        help: {
          text: `${rule.recommendation}\n\nDocs: ${DOCS}/${rule.id}.md`,
          markdown: `${rule.recommendation}\n\n[Rule documentation](${DOCS}/${rule.id}.md)`,
        },
        helpUri: `${DOCS}/${rule.id}.md`,
        defaultConfiguration: { level },
      });
    }
  });

  it("leaves the version out when none is given, and percent-encodes paths as relative URIs", () => {
    const [object] = realisticReport.objects;
    if (!object) throw new Error("sample report has objects");
    const report = { ...realisticReport, objects: [{ ...object, file: "k8s/my app/#1.yaml" }], errors: [] };
    const run = JSON.parse(renderSarif(report)).runs[0];
    expect(run.tool.driver.version).toBeUndefined();
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("k8s/my%20app/%231.yaml");
    expect(validate(JSON.parse(renderSarif(report)))).toBe(true);
  });
});
