/**
 * The rule catalog against everything that names rules: the contract table, the rule files, the docs
 * pages and their index, and the fixtures. Adding or renaming a rule without the rest fails here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { RULE_IDS, SEVERITIES, type RuleId } from "../../src/core/model.js";
import { review } from "../../src/core/review.js";
import { indexRules, RULES, ruleById } from "../../src/core/rules/index.js";
import type { Rule } from "../../src/core/rules/rule.js";
import { manifestFixtureNames, readFixture } from "../helpers/fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOCS_DIR = `${ROOT}docs/rules/`;
const RULES_DIR = `${ROOT}src/core/rules/`;
/** Outside the repository (the shared spec); compared when present, RULE_IDS always. */
const CONTRACT = "/work/shared/CONTRACT.md";

/**
 * The `| \`id\` | severity | ... |` rows of CONTRACT.md's "Rule ids" section, then the rules later
 * sections add ("One new rule: \`id\` (severity)"), in the contract's order.
 */
function contractRuleRows(markdown: string): { id: string; severity: string }[] {
  const sections = markdown.split(/^## /m);
  const section = sections.find((part) => part.startsWith("Rule ids"));
  if (!section) throw new Error(`${CONTRACT} has no "## Rule ids" section`);
  const table = [...section.matchAll(/^\|\s*`([^`]+)`\s*\|\s*([a-z]+)\s*\|/gm)].map(([, id, severity]) => ({ id: id!, severity: severity! }));
  const added = sections
    .filter((part) => part !== section)
    .flatMap((part) => [...part.matchAll(/new rule:\s*`([^`]+)`\s*\(([a-z]+)\)/gi)].map(([, id, severity]) => ({ id: id!, severity: severity! })));
  return [...table, ...added];
}

describe("rule catalog", () => {
  it("lists the contract's rule ids, in contract order, once each", () => {
    expect(RULES.map((rule) => rule.id)).toEqual([...RULE_IDS]);
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
  });

  it.runIf(existsSync(CONTRACT))("matches CONTRACT.md's table: ids, order and default severities", () => {
    const rows = contractRuleRows(readFileSync(CONTRACT, "utf8"));
    expect(RULES.map((rule) => ({ id: rule.id, severity: rule.defaultSeverity }))).toEqual(rows);
  });

  it("refuses a duplicate id at load time", () => {
    const nodeport = ruleById("nodeport");
    expect(() => indexRules([nodeport, ruleById("externalname"), nodeport])).toThrow('Duplicate rule id "nodeport" in the rule catalog');
  });

  it("finds every rule by id", () => {
    for (const id of RULE_IDS) expect(ruleById(id).id).toBe(id);
  });

  it.each(RULE_IDS)("%s: its file is src/core/rules/<id>.ts, default-exports that rule and exports its messages", async (id) => {
    const module = (await import(pathToFileURL(`${RULES_DIR}${id}.ts`).href)) as { default: Rule; messages: Record<string, unknown> };
    expect(module.default).toBe(ruleById(id));
    expect(module.default.id).toBe(id);
    expect(Object.keys(module.messages).length).toBeGreaterThan(0);
    for (const message of Object.values(module.messages)) expect(typeof message).toBe("function");
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))("%s: severity, title, recommendation and docsUrl are filled in", (id, rule) => {
    expect(SEVERITIES).toContain(rule.defaultSeverity);
    expect(rule.title).toMatch(/^[A-Z][^\n]*[^.]$/);
    expect(rule.recommendation.length).toBeGreaterThan(40);
    expect(rule.docsUrl.endsWith(`/${id}.md`)).toBe(true);
    expect(["state", "change"]).toContain(rule.scope);
  });
});

describe("rule docs", () => {
  it("docs/rules has exactly one page per rule, plus README.md", () => {
    const pages = readdirSync(DOCS_DIR).filter((name) => name.endsWith(".md") && name !== "README.md");
    expect(pages.sort()).toEqual(RULE_IDS.map((id) => `${id}.md`).sort());
  });

  it.each(RULES.map((rule) => [rule.id, rule] as const))("%s: the page starts with the id, then the title", (id, rule) => {
    const page = readFileSync(`${DOCS_DIR}${id}.md`, "utf8");
    const [heading, , firstParagraph] = page.split("\n");
    expect(heading).toBe(`# ${id}`);
    expect(firstParagraph).toBe(rule.title);
    // Every page shows the fix as manifests, not only prose.
    expect(page).toMatch(/```yaml[\s\S]+```[\s\S]+```yaml[\s\S]+```/);
  });

  it("README.md has one table row per rule, in catalog order, linking the page", () => {
    const readme = readFileSync(`${DOCS_DIR}README.md`, "utf8");
    const rows = [...readme.matchAll(/^\| \[`([^`]+)`\]\(([^)]+)\) \| ([a-z]+) \| ([^|]+) \|$/gm)].map(([, id, link, severity, title]) => ({
      id,
      link,
      severity,
      title: title!.trim(),
    }));
    expect(rows).toEqual(RULES.map((rule) => ({ id: rule.id, link: `${rule.id}.md`, severity: rule.defaultSeverity, title: rule.title })));
  });
});

describe("rule fixtures", () => {
  it("every rule fires in at least one fixture under the default config", async () => {
    const fired = new Set<RuleId>();
    for (const name of manifestFixtureNames()) {
      const report = review(await readFixture(name));
      for (const object of report.objects) for (const finding of [...object.findings, ...object.suppressed]) fired.add(finding.rule);
    }
    expect(RULE_IDS.filter((id) => !fired.has(id))).toEqual([]);
  });
});
