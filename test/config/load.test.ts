import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfigText, validateConfig } from "../../src/config/load.js";
import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";

const FIXTURES = new URL("../../fixtures/config/", import.meta.url);

function loadFixture(name: string): Config {
  return parseConfigText(readFileSync(new URL(name, FIXTURES), "utf8"), `.github/${name}`);
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, nothing was thrown");
}

describe("parseConfigText: good files", () => {
  it("basic.yml (the CONTRACT example) applies every section and keeps the other defaults", () => {
    expect(loadFixture("basic.yml")).toEqual({
      rules: { nodeport: "failure", "ingress-class-missing": "off" },
      conclusion: { warnings: "neutral", preexisting: "ignore", addedSuppressions: "allow" },
      ingress: { internalClasses: ["nginx-internal"] },
      gateway: { internalClasses: [], gateways: {} },
      istio: { internalGateways: [] },
      traefik: { internalEntryPoints: [] },
      paths: { include: ["**/*.yaml", "**/*.yml", "**/*.json"], exclude: ["charts/**/templates/**"] },
      render: { enabled: true, helm: [], kustomize: [], repositories: [], remoteBases: false, timeoutSeconds: 20 },
      drafts: true,
      suppressions: [
        { rule: "public-loadbalancer", object: "Service/edge/gateway", reason: "Fronted by the CDN; ticket SEC-142" },
      ],
    });
  });

  it("render.yml (the CONTRACT's render example) fills each entry's defaults", () => {
    expect(loadFixture("render.yml").render).toEqual({
      enabled: true,
      helm: [{ chart: "charts/web", release: "web", namespace: "shop", values: ["charts/web/values-prod.yaml"] }],
      kustomize: ["deploy/overlays/prod"],
      repositories: ["https://charts.internal.example.com/"],
      remoteBases: false,
      timeoutSeconds: 20,
    });
  });

  it("full.yml sets every field", () => {
    const config = loadFixture("full.yml");
    expect(config.rules).toEqual({
      nodeport: "notice",
      "public-loadbalancer": "failure",
      "public-without-tls": "warning",
      "tls-removed": "failure",
      "sensitive-port-exposed": "failure",
      "external-ips": "off",
      "open-source-range": "failure",
      "wildcard-host": "notice",
      "ingress-class-missing": "warning",
      externalname: "off",
    });
    expect(config.conclusion).toEqual({ warnings: "failure", preexisting: "count", addedSuppressions: "count" });
    expect(config.drafts).toBe(false);
    expect(config.istio).toEqual({ internalGateways: [{ istio: "ilbgateway" }, { app: "edge", zone: "internal" }] });
    expect(config.traefik).toEqual({ internalEntryPoints: ["internal", "lan"] });
    expect(config.paths).toEqual({ include: ["deploy/**/*.yaml"], exclude: [] });
    expect(config.suppressions).toEqual([{ rule: "*", object: "*/*/legacy-*", reason: "Legacy stack, removed in Q3" }]);
  });

  it.each(["empty.yml", "comments-only.yml"])("%s is the default config", (name) => {
    expect(loadFixture(name)).toEqual(DEFAULT_CONFIG);
  });

  it("an empty section (`rules:` with its entries commented out) means not set", () => {
    expect(loadFixture("empty-section.yml")).toEqual({
      ...DEFAULT_CONFIG,
      conclusion: { warnings: "failure", preexisting: "ignore", addedSuppressions: "allow" },
    });
  });

  it("ignores Probot's `_extends` key", () => {
    expect(loadFixture("extends.yml")).toEqual({ ...DEFAULT_CONFIG, rules: { nodeport: "failure" } });
  });
});

describe("parseConfigText: bad files name the file, the field, the line and what was expected", () => {
  const cases: { file: string; issues: { path: string; line?: number; message: string }[] }[] = [
    {
      file: "unknown-rule.yml",
      issues: [
        { path: "rules.nodeprt", line: 2, message: 'unknown rule id "nodeprt". Did you mean "nodeport"?' },
        {
          path: "rules.public-lb",
          line: 3,
          message:
            'unknown rule id "public-lb". Valid rule ids: nodeport, public-loadbalancer, public-without-tls, tls-removed, sensitive-port-exposed, external-ips, open-source-range, wildcard-host, ingress-class-missing, externalname, gateway-routes-from-all-namespaces.',
        },
        {
          path: "suppressions[0].rule",
          line: 5,
          message: 'unknown rule id "public-loadbalancr". Did you mean "public-loadbalancer"?',
        },
      ],
    },
    {
      file: "unknown-key.yml",
      issues: [
        { path: "rule", line: 1, message: 'unknown key "rule". Did you mean "rules"?' },
        { path: "conclusion.warning", line: 4, message: 'unknown key "warning". Did you mean "warnings"?' },
        {
          path: "colour",
          line: 6,
          message: 'unknown key "colour". Valid keys: rules, conclusion, ingress, gateway, istio, traefik, paths, render, drafts, suppressions.',
        },
      ],
    },
    {
      file: "render-typo.yml",
      issues: [
        { path: "render.remoteBase", line: 3, message: 'unknown key "remoteBase". Did you mean "remoteBases"?' },
        { path: "render.helm[0].value", line: 6, message: 'unknown key "value". Did you mean "values"?' },
        { path: "render.timeoutSeconds", line: 7, message: 'expected a number, got "20s"' },
      ],
    },
    {
      file: "wrong-type.yml",
      issues: [
        {
          path: "rules.nodeport",
          line: 2,
          message: 'expected one of off, notice, warning, failure; got "faliure". Did you mean "failure"?',
        },
        { path: "conclusion.preexisting", line: 4, message: "expected one of ignore, count; got number 1" },
        { path: "ingress.internalClasses", line: 6, message: 'expected a list, got "nginx-internal"' },
        { path: "drafts", line: 7, message: 'expected true or false, got "yes"' },
        { path: "suppressions", line: 8, message: "expected a list, got a mapping" },
      ],
    },
    {
      file: "bad-suppression.yml",
      issues: [
        {
          path: "suppressions[0].object",
          line: 3,
          message: 'expected Kind/namespace/name ("*" matches within a part); got "Service/web"',
        },
        { path: "suppressions[0].reason", line: 4, message: "must not be empty" },
        { path: "suppressions[1].rule", line: 5, message: 'expected a rule id or "*", got number 42' },
        { path: "suppressions[1].expires", line: 8, message: 'unknown key "expires". Valid keys: rule, object, reason.' },
      ],
    },
    {
      file: "malformed.yml",
      issues: [
        {
          path: "",
          line: 5,
          message: "YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (column 1)",
        },
      ],
    },
    { file: "duplicate-key.yml", issues: [{ path: "", line: 3, message: "YAML: Map keys must be unique (column 1)" }] },
    {
      file: "js-tag.yml",
      issues: [{ path: "", line: 1, message: "YAML: Unresolved tag: tag:yaml.org,2002:js/function (column 8)" }],
    },
    { file: "not-a-mapping.yml", issues: [{ path: "", line: 1, message: "expected a mapping, got a list" }] },
    {
      file: "evil.yml",
      issues: [{ path: "", message: "YAML aliases expand to more than 1000 nodes; refusing to read it" }],
    },
    {
      file: "evil-proto.yml",
      issues: [
        {
          path: "__proto__",
          line: 2,
          message: 'unknown key "__proto__". Valid keys: rules, conclusion, ingress, gateway, istio, traefik, paths, render, drafts, suppressions.',
        },
      ],
    },
  ];

  it.each(cases)("$file", ({ file, issues }) => {
    const error = configErrorOf(() => loadFixture(file));
    expect(error.file).toBe(`.github/${file}`);
    expect(error.issues).toEqual(issues);
  });

  it("formats one line per issue under the file name, and keeps the zod error as the cause", () => {
    const error = configErrorOf(() => loadFixture("unknown-rule.yml"));
    expect(error.message).toBe(
      [
        "Invalid config in .github/unknown-rule.yml:",
        '  - rules.nodeprt (line 2): unknown rule id "nodeprt". Did you mean "nodeport"?',
        '  - rules.public-lb (line 3): unknown rule id "public-lb". Valid rule ids: nodeport, public-loadbalancer, public-without-tls, tls-removed, sensitive-port-exposed, external-ips, open-source-range, wildcard-host, ingress-class-missing, externalname, gateway-routes-from-all-namespaces.',
        '  - suppressions[0].rule (line 5): unknown rule id "public-loadbalancr". Did you mean "public-loadbalancer"?',
      ].join("\n"),
    );
    expect(error.name).toBe("ConfigError");
    expect((error.cause as Error).name).toBe("ZodError");
  });

  it("a YAML error message names the line without a path", () => {
    expect(configErrorOf(() => loadFixture("duplicate-key.yml")).message).toBe(
      "Invalid config in .github/duplicate-key.yml:\n  - line 3: YAML: Map keys must be unique (column 1)",
    );
  });

  it("does not pollute Object.prototype", () => {
    configErrorOf(() => loadFixture("evil-proto.yml"));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("validateConfig (values from Probot's loader)", () => {
  it.each([null, undefined, {}])("%s is the default config", (value) => {
    expect(validateConfig(value, ".github/exposure.yml")).toEqual(DEFAULT_CONFIG);
  });

  it("returns the parsed config with defaults filled in", () => {
    expect(validateConfig({ rules: { "wildcard-host": "failure" }, drafts: false }, "exposure.yml")).toEqual({
      ...DEFAULT_CONFIG,
      rules: { "wildcard-host": "failure" },
      drafts: false,
    });
  });

  it("reads the gateway section, suggests its keys and names a Gateway key that is not namespace/name", () => {
    expect(
      validateConfig({ gateway: { internalClasses: ["envoy-internal"], gateways: { "infra/lan": "private", "infra/edge": "public" } } }, "x.yml").gateway,
    ).toEqual({ internalClasses: ["envoy-internal"], gateways: { "infra/lan": "private", "infra/edge": "public" } });
    const error = configErrorOf(() => validateConfig({ gateway: { internalClass: ["x"], gatways: {} } }, "x.yml"));
    expect(error.issues).toEqual([
      { path: "gateway.internalClass", message: 'unknown key "internalClass". Did you mean "internalClasses"?' },
      { path: "gateway.gatways", message: 'unknown key "gatways". Did you mean "gateways"?' },
    ]);
    const badName = configErrorOf(() => validateConfig({ gateway: { gateways: { lan: "private", "infra/edge": "internal" } } }, "x.yml"));
    expect(badName.issues).toEqual([
      { path: "gateway.gateways.lan", message: "invalid key: expected namespace/name" },
      { path: 'gateway.gateways["infra/edge"]', message: 'expected one of public, private; got "internal"' },
    ]);
  });

  it("expands zod's single unrecognized-keys issue into one issue per key, without line numbers", () => {
    const error = configErrorOf(() =>
      validateConfig({ rules: { nodeprt: "failure", "wildcard-hosts": "off" }, conclusion: { warning: "failure" } }, "x.yml"),
    );
    expect(error.issues).toEqual([
      { path: "rules.nodeprt", message: 'unknown rule id "nodeprt". Did you mean "nodeport"?' },
      { path: "rules.wildcard-hosts", message: 'unknown rule id "wildcard-hosts". Did you mean "wildcard-host"?' },
      { path: "conclusion.warning", message: 'unknown key "warning". Did you mean "warnings"?' },
    ]);
    expect(error.message).toBe(
      [
        "Invalid config in x.yml:",
        '  - rules.nodeprt: unknown rule id "nodeprt". Did you mean "nodeport"?',
        '  - rules.wildcard-hosts: unknown rule id "wildcard-hosts". Did you mean "wildcard-host"?',
        '  - conclusion.warning: unknown key "warning". Did you mean "warnings"?',
      ].join("\n"),
    );
  });

  it("names the istio and traefik keys, suggesting the nearest for a typo", () => {
    const error = configErrorOf(() =>
      validateConfig({ istio: { internalGateway: [{ istio: "ilbgateway" }] }, traefik: { internalentrypoints: ["lan"] }, trafik: {} }, "x.yml"),
    );
    expect(error.issues).toEqual([
      { path: "istio.internalGateway", message: 'unknown key "internalGateway". Did you mean "internalGateways"?' },
      { path: "traefik.internalentrypoints", message: 'unknown key "internalentrypoints". Did you mean "internalEntryPoints"?' },
      { path: "trafik", message: 'unknown key "trafik". Did you mean "traefik"?' },
    ]);
  });

  it("wants label maps of strings in istio.internalGateways and names in traefik.internalEntryPoints", () => {
    const error = configErrorOf(() =>
      validateConfig({ istio: { internalGateways: ["ilbgateway", { istio: 1 }] }, traefik: { internalEntryPoints: "lan" } }, "x.yml"),
    );
    expect(error.issues).toEqual([
      { path: "istio.internalGateways[0]", message: 'expected record, got "ilbgateway"' },
      { path: "istio.internalGateways[1].istio", message: "expected a string, got number 1" },
      { path: "traefik.internalEntryPoints", message: 'expected a list, got "lan"' },
    ]);
  });

  it("suggests rule ids case-insensitively", () => {
    const error = configErrorOf(() => validateConfig({ rules: { NodePort: "failure" } }, "x.yml"));
    expect(error.issues).toEqual([{ path: "rules.NodePort", message: 'unknown rule id "NodePort". Did you mean "nodeport"?' }]);
  });

  it("quotes keys that are not identifiers in the path", () => {
    const error = configErrorOf(() => validateConfig({ "my key": 1 }, "x.yml"));
    expect(error.issues[0]?.path).toBe('["my key"]');
  });

  it("rejects a value that is not a mapping", () => {
    const error = configErrorOf(() => validateConfig("rules", "x.yml"));
    expect(error.issues).toEqual([{ path: "", message: 'expected a mapping, got "rules"' }]);
  });
});
