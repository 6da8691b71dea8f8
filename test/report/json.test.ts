import { describe, expect, it } from "vitest";
import { renderJson, toJsonReport } from "../../src/report/json.js";
import { emptyReport, realisticReport } from "./sample-reports.js";

describe("toJsonReport", () => {
  it("is exactly the CONTRACT's version 1 shape: no reach, changes, fixes, ids or error sides", () => {
    expect(toJsonReport(realisticReport)).toStrictEqual({
      version: 1,
      conclusion: "failure",
      objects: [
        {
          kind: "Service",
          apiVersion: "v1",
          namespace: "default",
          name: "debug",
          file: "k8s/debug.yaml",
          line: 20,
          change: "modified",
          classification: "widened",
          level: { base: "cluster", head: "node" },
          findings: [
            {
              rule: "nodeport",
              severity: "warning",
              new: true,
              line: 24,
              message: "Service default/debug is type NodePort.",
              recommendation: "Use type ClusterIP behind an Ingress.",
            },
          ],
          suppressed: [{ rule: "sensitive-port-exposed", reason: "Debug database, removed after the migration" }],
        },
        {
          kind: "Service",
          apiVersion: "v1",
          namespace: "edge",
          name: "gateway",
          file: "k8s/gateway.yaml",
          line: 1,
          change: "added",
          classification: "public",
          level: { base: "none", head: "public" },
          findings: [
            {
              rule: "public-without-tls",
              severity: "failure",
              new: true,
              line: 12,
              message: "Service edge/gateway serves plain HTTP on TCP/80 to the internet.",
              recommendation: "Terminate TLS at the load balancer (a certificate annotation) and serve 443.",
            },
          ],
          suppressed: [{ rule: "public-loadbalancer", reason: "Fronted by the CDN; ticket SEC-142" }],
        },
        {
          kind: "Ingress",
          apiVersion: "networking.k8s.io/v1",
          namespace: "shop",
          name: "storefront",
          file: "k8s/shop/ingress.yaml",
          line: 3,
          change: "modified",
          classification: "widened",
          level: { base: "public", head: "public" },
          findings: [
            {
              rule: "tls-removed",
              severity: "failure",
              new: true,
              line: 9,
              message: "Ingress shop/storefront no longer serves shop.example.com/ over TLS.",
              recommendation: "Keep the spec.tls entry for every public host.",
            },
            {
              rule: "wildcard-host",
              severity: "warning",
              new: false,
              line: 14,
              message: "Ingress shop/storefront routes the wildcard host *.example.com.",
              recommendation: "Name each host.",
            },
          ],
          suppressed: [],
        },
      ],
      errors: [
        { file: "k8s/broken.yaml", line: 3, reason: "syntax", message: "Nested mappings are not allowed in compact mappings" },
        { file: "charts/app/templates/svc.yaml", reason: "template", message: "Helm template: not reviewed" },
      ],
    });
  });

  it("keeps the CONTRACT's key order", () => {
    const json = toJsonReport(realisticReport);
    expect(Object.keys(json)).toEqual(["version", "conclusion", "objects", "errors"]);
    expect(Object.keys(json.objects[0] ?? {})).toEqual([
      "kind",
      "apiVersion",
      "namespace",
      "name",
      "file",
      "line",
      "change",
      "classification",
      "level",
      "findings",
      "suppressed",
    ]);
    expect(Object.keys(json.objects[0]?.level ?? {})).toEqual(["base", "head"]);
    expect(Object.keys(json.objects[0]?.findings[0] ?? {})).toEqual(["rule", "severity", "new", "line", "message", "recommendation"]);
    expect(Object.keys(json.objects[0]?.suppressed[0] ?? {})).toEqual(["rule", "reason"]);
    expect(Object.keys(json.errors[0] ?? {})).toEqual(["file", "line", "reason", "message"]);
  });

  it("tells a file broken on both sides apart: the base side's entry says so", () => {
    const broken = { file: "k8s/legacy.yaml", line: 7, reason: "syntax" as const, message: "bad" };
    const json = toJsonReport({ ...emptyReport, errors: [{ ...broken, side: "head" }, { ...broken, side: "base" }] });
    expect(json.errors).toEqual([broken, { ...broken, side: "base" }]);
  });
});

describe("renderJson", () => {
  it("prints an empty report as two-space JSON with a final newline", () => {
    expect(renderJson(emptyReport)).toBe('{\n  "version": 1,\n  "conclusion": "success",\n  "objects": [],\n  "errors": []\n}\n');
  });

  it("round-trips to toJsonReport", () => {
    expect(JSON.parse(renderJson(realisticReport))).toStrictEqual(toJsonReport(realisticReport));
  });
});
