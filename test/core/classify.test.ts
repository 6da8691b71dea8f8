import { describe, expect, it } from "vitest";
import { classify, compareSurface } from "../../src/core/classify.js";
import type { AllowList, EntryPoint, ExistingLevel, Reach } from "../../src/core/model.js";
import { serviceReach } from "../../src/core/reach/service.js";
import { objectFromYaml } from "../helpers/object.js";

const port = (key: string, tls = false, line = 10): EntryPoint => ({ key, kind: "port", tls, line });
const allow = (...cidrs: string[]): AllowList => ({ cidrs, source: "spec.loadBalancerSourceRanges", line: 7 });

function reach(level: ExistingLevel, entryPoints: EntryPoint[] = [], allowList?: AllowList): Reach {
  const result: Reach = { level, levelLine: 1, why: [], entryPoints };
  if (allowList) result.allowList = allowList;
  return result;
}

const https = port("TCP/443", true);

describe("classify: every row of the contract's table", () => {
  it.each<{ name: string; base: Reach | undefined; head: Reach | undefined; expected: string }>([
    { name: "removed: public object deleted", base: reach("public", [https]), head: undefined, expected: "removed" },
    { name: "removed: cluster object deleted", base: reach("cluster"), head: undefined, expected: "removed" },

    { name: "public: new public object", base: undefined, head: reach("public", [https]), expected: "public" },
    { name: "public: cluster → public", base: reach("cluster"), head: reach("public", [https]), expected: "public" },
    { name: "public: node → public", base: reach("node", [port("TCP/30443")]), head: reach("public", [https]), expected: "public" },
    { name: "public: private → public", base: reach("private", [https]), head: reach("public", [https]), expected: "public" },

    { name: "internal: new cluster object", base: undefined, head: reach("cluster"), expected: "internal" },
    { name: "internal: node → cluster", base: reach("node", [port("TCP/30080")]), head: reach("cluster"), expected: "internal" },
    { name: "internal: private → cluster", base: reach("private", [https]), head: reach("cluster"), expected: "internal" },
    { name: "internal: public → cluster", base: reach("public", [https]), head: reach("cluster"), expected: "internal" },

    { name: "widened: cluster → node", base: reach("cluster"), head: reach("node", [port("TCP/30080")]), expected: "widened" },
    { name: "widened: none → node", base: undefined, head: reach("node", [port("TCP/30080")]), expected: "widened" },
    { name: "widened: none → private", base: undefined, head: reach("private", [https]), expected: "widened" },
    { name: "widened: node → private", base: reach("node", [port("TCP/30443")]), head: reach("private", [https]), expected: "widened" },
    {
      name: "widened: node, an entry point added",
      base: reach("node", [port("TCP/30080")]),
      head: reach("node", [port("TCP/30080"), port("TCP/30443")]),
      expected: "widened",
    },
    {
      name: "widened: public, an entry point added",
      base: reach("public", [https]),
      head: reach("public", [https, port("TCP/8443", true)]),
      expected: "widened",
    },
    { name: "widened: private, TLS removed", base: reach("private", [https]), head: reach("private", [port("TCP/443")]), expected: "widened" },
    {
      name: "widened: allow-list loosened by widening a CIDR",
      base: reach("private", [https], allow("10.0.0.0/16")),
      head: reach("private", [https], allow("10.0.0.0/8")),
      expected: "widened",
    },
    {
      name: "widened: allow-list loosened by adding a CIDR",
      base: reach("private", [https], allow("10.0.0.0/8")),
      head: reach("private", [https], allow("10.0.0.0/8", "192.168.0.0/16")),
      expected: "widened",
    },
    {
      name: "widened: allow-list removed from an internal load balancer",
      base: reach("private", [https], allow("10.0.0.0/8")),
      head: reach("private", [https]),
      expected: "widened",
    },
    {
      name: "widened: allow-list opened to 0.0.0.0/0 on a private object",
      base: reach("private", [https], allow("10.0.0.0/8")),
      head: reach("private", [https], allow("0.0.0.0/0")),
      expected: "widened",
    },
    {
      name: "widened: allow-list swapped for another range",
      base: reach("private", [https], allow("10.0.0.0/8")),
      head: reach("private", [https], allow("192.168.0.0/16")),
      expected: "widened",
    },
    {
      name: "widened: growth wins when a port is swapped",
      base: reach("node", [port("TCP/30080")]),
      head: reach("node", [port("TCP/30443")]),
      expected: "widened",
    },
    {
      name: "widened: growth wins over TLS added elsewhere",
      base: reach("public", [port("TCP/443"), port("TCP/8443", true)]),
      head: reach("public", [port("TCP/443", true), port("TCP/8443")]),
      expected: "widened",
    },

    { name: "narrowed: public → private", base: reach("public", [https]), head: reach("private", [https], allow("10.0.0.0/8")), expected: "narrowed" },
    { name: "narrowed: public → node", base: reach("public", [https]), head: reach("node", [port("TCP/30443")]), expected: "narrowed" },
    { name: "narrowed: private → node", base: reach("private", [https]), head: reach("node", [port("TCP/30443")]), expected: "narrowed" },
    {
      name: "narrowed: node, an entry point removed",
      base: reach("node", [port("TCP/30080"), port("TCP/30443")]),
      head: reach("node", [port("TCP/30443")]),
      expected: "narrowed",
    },
    { name: "narrowed: public, TLS added", base: reach("public", [port("TCP/443")]), head: reach("public", [https]), expected: "narrowed" },
    {
      name: "narrowed: allow-list added to an internal load balancer",
      base: reach("private", [https]),
      head: reach("private", [https], allow("10.0.0.0/8")),
      expected: "narrowed",
    },
    {
      name: "narrowed: allow-list tightened",
      base: reach("private", [https], allow("10.0.0.0/8")),
      head: reach("private", [https], allow("10.1.0.0/16")),
      expected: "narrowed",
    },

    { name: "unchanged: cluster stays cluster", base: reach("cluster"), head: reach("cluster"), expected: "unchanged" },
    { name: "unchanged: same public surface", base: reach("public", [https]), head: reach("public", [port("TCP/443", true, 12)]), expected: "unchanged" },
    {
      name: "unchanged: allow-list reordered and split into covering halves",
      base: reach("private", [https], allow("10.0.0.0/8", "192.168.0.0/16")),
      head: reach("private", [https], allow("192.168.0.0/16", "10.0.0.0/9", "10.128.0.0/9")),
      expected: "unchanged",
    },
    {
      name: "unchanged: no allow-list ↔ an open one",
      base: reach("public", [https]),
      head: reach("public", [https], allow("0.0.0.0/0")),
      expected: "unchanged",
    },
    { name: "unchanged: both sides absent", base: undefined, head: undefined, expected: "unchanged" },
  ])("$name", ({ base, head, expected }) => {
    expect(classify(base, head)).toBe(expected);
  });

  it("a cluster Service whose ports and selector change is unchanged", () => {
    const service = (ports: string) =>
      serviceReach(objectFromYaml(`apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector: { app: db }\n  ports: ${ports}\n`));
    expect(classify(service("[{ port: 5432 }]"), service("[{ port: 5432 }, { port: 6379 }]"))).toBe("unchanged");
  });
});

describe("compareSurface", () => {
  it("lists added, removed and TLS changes by key", () => {
    const base = reach("public", [port("TCP/80"), port("TCP/443", true, 11), port("TCP/8443")]);
    const head = reach("public", [port("TCP/443", false, 12), port("TCP/8443", true, 13), port("TCP/9000", false, 14)]);
    expect(compareSurface(base, head)).toEqual({
      added: [port("TCP/9000", false, 14)],
      removed: [port("TCP/80")],
      tlsRemoved: [port("TCP/443", false, 12)],
      tlsAdded: [port("TCP/8443", true, 13)],
      allowList: "same",
    });
  });

  it("treats an absent side as an empty surface", () => {
    expect(compareSurface(undefined, reach("node", [port("TCP/30080")]))).toEqual({
      added: [port("TCP/30080")],
      removed: [],
      tlsRemoved: [],
      tlsAdded: [],
      allowList: "same",
    });
    expect(compareSurface(reach("private", [https], allow("10.0.0.0/8")), undefined)).toEqual({
      added: [],
      removed: [https],
      tlsRemoved: [],
      tlsAdded: [],
      allowList: "removed",
    });
  });

  it("counts a key listed twice once, with TLS only when every copy has it", () => {
    const base = reach("public", [port("TCP/443", true, 10), port("TCP/443", false, 11)]);
    const head = reach("public", [port("TCP/443", true, 10)]);
    expect(compareSurface(base, head)).toEqual({
      added: [],
      removed: [],
      tlsRemoved: [],
      tlsAdded: [port("TCP/443", true, 10)],
      allowList: "same",
    });
  });

  it.each<[string, AllowList | undefined, AllowList | undefined, string]>([
    ["none → none", undefined, undefined, "same"],
    ["none → restricting", undefined, allow("10.0.0.0/8"), "added"],
    ["open → restricting", allow("0.0.0.0/0"), allow("10.0.0.0/8"), "tightened"],
    ["restricting → none", allow("10.0.0.0/8"), undefined, "removed"],
    ["restricting → open", allow("10.0.0.0/8"), allow("10.0.0.0/8", "::/0"), "loosened"],
    ["/16 → /8", allow("10.0.0.0/16"), allow("10.0.0.0/8"), "loosened"],
    ["/8 → /16", allow("10.0.0.0/8"), allow("10.0.0.0/16"), "tightened"],
    ["disjoint", allow("10.0.0.0/8"), allow("172.16.0.0/12"), "changed"],
    ["same text, other spacing", allow("10.0.0.0/8"), allow(" 10.0.0.0 / 8 "), "same"],
    ["none → unreadable only", undefined, allow("office-network"), "same"],
  ])("allow-list %s → %s", (_name, baseList, headList, expected) => {
    expect(compareSurface(reach("private", [https], baseList), reach("private", [https], headList)).allowList).toBe(expected);
  });
});
