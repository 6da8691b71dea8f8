import { compareSurface } from "../classify.js";
import type { RawFinding } from "../model.js";
import { defineRule, docsUrlFor } from "./rule.js";
import { entryPointLabel, objectLabel } from "./helpers.js";
import { routeTerms } from "./terms.js";

export const messages = {
  tlsRemoved: ({ object, entryPoint }: { object: string; entryPoint: string }) =>
    `${object} no longer has TLS on ${entryPoint}: it had TLS before this change, so clients now connect in plain text.`,
  headline: ({ entryPoint }: { entryPoint: string }) => `TLS removed from ${entryPoint}`,
};

const recommendation =
  "Keep TLS on every entry point that had it: restore the host in spec.tls (or the certificate annotation of the load balancer). If plain HTTP is intended, say why in the pull request and suppress this finding with a reason.";

export default defineRule({
  id: "tls-removed",
  defaultSeverity: "failure",
  title: "TLS removed from an entry point",
  recommendation,
  docsUrl: docsUrlFor("tls-removed"),
  scope: "change",
  check({ head, base }) {
    if (!base) return [];
    // By entry-point key: an entry point that disappeared is a narrowing, not a TLS loss.
    const label = objectLabel(head.object);
    const fix = routeTerms(head.object)?.tlsFix;
    return compareSurface(base.reach, head.reach).tlsRemoved.map(
      (entryPoint): RawFinding => ({
        rule: "tls-removed",
        line: entryPoint.line,
        message: messages.tlsRemoved({ object: label, entryPoint: entryPointLabel(entryPoint) }),
        headline: messages.headline({ entryPoint: entryPointLabel(entryPoint) }),
        recommendation: fix === undefined ? recommendation : `Keep TLS on every entry point that had it. ${fix}`,
      }),
    );
  },
});
