import { defineRule, docsUrlFor } from "./rule.js";
import { objectLabel } from "./helpers.js";

export const messages = {
  classMissing: ({ object }: { object: string }) =>
    `${object} names no ingress class: the cluster's default controller serves it, and whether that one is public or internal is decided outside this repository.`,
};

const recommendation =
  "Set spec.ingressClassName to the controller you mean (for example an internal one for private apps). The kubernetes.io/ingress.class annotation is deprecated but still counts.";

export default defineRule({
  id: "ingress-class-missing",
  defaultSeverity: "notice",
  title: "Ingress names no class",
  recommendation,
  docsUrl: docsUrlFor("ingress-class-missing"),
  scope: "state",
  check({ head: { object, reach } }) {
    if (object.kind !== "Ingress" || reach.ingressClass) return [];
    // `spec` is where ingressClassName belongs, so a comment there points at the place to edit.
    return [
      {
        rule: "ingress-class-missing",
        line: object.rangeOf(["spec"]).line,
        message: messages.classMissing({ object: objectLabel(object) }),
        recommendation,
      },
    ];
  },
});
