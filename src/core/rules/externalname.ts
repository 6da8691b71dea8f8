import { defineRule, docsUrlFor } from "./rule.js";
import { objectLabel } from "./helpers.js";

export const messages = {
  added: ({ object, target }: { object: string; target: string }) =>
    `${object} is a new ExternalName alias for ${target}: in-cluster clients calling it are sent to that host.`,
  retargeted: ({ object, target, previous }: { object: string; target: string; previous: string }) =>
    `${object} now points to ${target} (was ${previous}): in-cluster clients calling it are sent to the new host.`,
  becameExternalName: ({ object, target, previousType }: { object: string; target: string; previousType: string }) =>
    `${object} changed from ${previousType} to an ExternalName alias for ${target}: in-cluster clients calling it leave the cluster.`,
};

const recommendation =
  "Check that the target host is the one you intend and is controlled by your organisation: whoever controls its DNS receives the traffic (and any credentials) that in-cluster clients send to this Service.";

/** DNS names compare case-insensitively, with or without the root dot. */
function normalHost(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value.toLowerCase().replace(/\.$/, "") : undefined;
}

function externalNameOf(body: Record<string, unknown>): unknown {
  return (body.spec as { externalName?: unknown } | undefined)?.externalName;
}

export default defineRule({
  id: "externalname",
  defaultSeverity: "notice",
  title: "ExternalName Service added or retargeted",
  recommendation,
  docsUrl: docsUrlFor("externalname"),
  scope: "change",
  check({ head, base }) {
    const { object, reach } = head;
    if (object.kind !== "Service" || reach.serviceType !== "ExternalName") return [];
    const target = externalNameOf(object.body);
    const targetText = typeof target === "string" && target !== "" ? target : "(no target)";
    const label = objectLabel(object);
    let message: string;
    if (!base) {
      message = messages.added({ object: label, target: targetText });
    } else if (base.reach.serviceType !== "ExternalName") {
      message = messages.becameExternalName({ object: label, target: targetText, previousType: base.reach.serviceType ?? "ClusterIP" });
    } else {
      const previous = externalNameOf(base.object.body);
      if (normalHost(previous) === normalHost(target)) return [];
      message = messages.retargeted({ object: label, target: targetText, previous: typeof previous === "string" ? previous : "(no target)" });
    }
    return [{ rule: "externalname", line: object.rangeOf(["spec", "externalName"]).line, message, recommendation }];
  },
});
