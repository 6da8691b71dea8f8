import { openEntries } from "../cidr.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { coveredThrough, objectLabel } from "./helpers.js";

export const messages = {
  openRange: ({ object, cidrs, source }: { object: string; cidrs: readonly string[]; source: string }) =>
    `${object} allows ${cidrs.join(" and ")} in ${source}: the allow-list admits the whole internet.`,
};

const recommendation =
  "List only the networks that need access (office, VPN, partner ranges). An allow-list containing 0.0.0.0/0 or ::/0 restricts nothing; if the entry point is meant to be public, remove the allow-list so the intent is explicit.";

export default defineRule({
  id: "open-source-range",
  defaultSeverity: "warning",
  title: "Allow-list open to the whole internet",
  recommendation,
  docsUrl: docsUrlFor("open-source-range"),
  scope: "state",
  check({ head: { object, reach } }) {
    const allowList = reach.allowList;
    const open = allowList ? openEntries(allowList.cidrs) : [];
    if (!allowList || open.length === 0) return [];
    return [
      {
        rule: "open-source-range",
        line: allowList.line,
        message: messages.openRange({ object: objectLabel(object), cidrs: open, source: allowList.source }),
        recommendation,
        // Each entry point from each open CIDR: ::/0 added beside 0.0.0.0/0, or a port added behind an
        // allow-list that was open already, is new.
        covers: coveredThrough(open, reach.entryPoints, (cidr, entryPoint) => `${entryPoint} from ${cidr}`),
      },
    ];
  },
});
