/**
 * Fixes in the object's own terms: the internal-LB annotation of the cloud the Service already names, a
 * TLS loss restored verbatim from the base side, recommendations that fit Services, Ingresses and
 * catch-alls.
 */
import { describe, expect, it } from "vitest";
import { parseManifestFile } from "../../src/core/manifest.js";
import type { ManifestObject, ObjectSide } from "../../src/core/model.js";
import { readReach } from "../../src/core/reach/index.js";
import publicLoadbalancer, { internalAnnotationFor } from "../../src/core/rules/public-loadbalancer.js";
import publicWithoutTls from "../../src/core/rules/public-without-tls.js";
import tlsRemoved from "../../src/core/rules/tls-removed.js";
import { applyFix } from "../helpers/fixtures.js";

function side(text: string, path = "k8s/manifest.yaml"): ObjectSide {
  const parsed = parseManifestFile({ path, text }, "head");
  expect(parsed.errors).toEqual([]);
  const object = parsed.objects[0]!;
  return { object, reach: readReach(object, { internalClasses: [] })! };
}

const loadBalancer = (annotations: string[], spec = "") => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
${annotations.length > 0 ? `  annotations:\n${annotations.map((line) => `    ${line}\n`).join("")}` : ""}spec:
  type: LoadBalancer
${spec}  ports:
    - name: https
      port: 443
`;

const objectOf = (text: string): ManifestObject => side(text).object;

describe("public-loadbalancer names the internal-LB annotation of the Service's own cloud", () => {
  it.each([
    [["service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:x"], "AWS", 'service.beta.kubernetes.io/aws-load-balancer-internal: "true"'],
    [
      ["service.beta.kubernetes.io/aws-load-balancer-type: external", "service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing"],
      "AWS Load Balancer Controller",
      "service.beta.kubernetes.io/aws-load-balancer-scheme: internal",
    ],
    [["cloud.google.com/neg: '{\"ingress\": true}'"], "GKE", 'networking.gke.io/load-balancer-type: "Internal"'],
    [["service.beta.kubernetes.io/azure-dns-label-name: shop"], "Azure", 'service.beta.kubernetes.io/azure-load-balancer-internal: "true"'],
    [["service.beta.kubernetes.io/oci-load-balancer-shape: flexible"], "OCI", 'service.beta.kubernetes.io/oci-load-balancer-internal: "true"'],
    [["loadbalancer.openstack.org/keep-floatingip: \"true\""], "OpenStack", 'service.beta.kubernetes.io/openstack-internal-load-balancer: "true"'],
    [["service.kubernetes.io/ibm-load-balancer-cloud-provider-zone: dal10"], "IBM Cloud", "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private"],
    [["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small"], "Alibaba Cloud", "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet"],
  ])("%j -> %s", (annotations, cloud, annotation) => {
    const head = side(loadBalancer(annotations));
    expect(internalAnnotationFor(head.object)).toEqual({ cloud, annotation });
    const [finding] = publicLoadbalancer.check({ head });
    expect(finding!.recommendation).toContain(`the ${cloud} annotation \`${annotation}\``);
    expect(finding!.recommendation).not.toContain("your cloud's");
  });

  it("keeps the generic advice when no annotation names a cloud", () => {
    expect(internalAnnotationFor(objectOf(loadBalancer(["team: shop"])))).toBeUndefined();
    const [finding] = publicLoadbalancer.check({ head: side(loadBalancer([])) });
    expect(finding!.recommendation).toContain("your cloud's internal-LB annotation");
  });

  it("reads the AWS Load Balancer Controller from spec.loadBalancerClass", () => {
    // Its default scheme is internal, so this one is public only with the scheme set to internet-facing.
    const text = loadBalancer(["service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing"], "  loadBalancerClass: service.k8s.aws/nlb\n");
    expect(internalAnnotationFor(objectOf(text))?.cloud).toBe("AWS Load Balancer Controller");
  });
});

describe("public-without-tls on a load balancer names the certificate annotation of the Service's own cloud", () => {
  const plainHttp = (annotations: string[]) => loadBalancer(annotations).replace("- name: https\n      port: 443", "- name: http\n      port: 80");
  it.each([
    [
      ["service.beta.kubernetes.io/aws-load-balancer-type: nlb"],
      "Terminate TLS on the load balancer: set `service.beta.kubernetes.io/aws-load-balancer-ssl-cert` to an ACM certificate ARN and list the HTTPS port in `service.beta.kubernetes.io/aws-load-balancer-ssl-ports`",
    ],
    [
      ["service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:x", 'service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "443"'],
      "The load balancer has a certificate (`service.beta.kubernetes.io/aws-load-balancer-ssl-cert`), but `service.beta.kubernetes.io/aws-load-balancer-ssl-ports` leaves this port out",
    ],
    [['service.beta.kubernetes.io/do-loadbalancer-size-unit: "2"'], "set `service.beta.kubernetes.io/do-loadbalancer-certificate-id` to a DigitalOcean certificate ID"],
    // GKE and Azure terminate no TLS on a Service: the generic advice (an Ingress, or a cloud that can).
    [["cloud.google.com/neg: x"], "your cloud's certificate annotation"],
    [[], "your cloud's certificate annotation"],
  ])("%j", (annotations, advice) => {
    const [finding, ...rest] = publicWithoutTls.check({ head: side(plainHttp(annotations)) });
    expect(rest).toEqual([]);
    expect(finding!.recommendation).toContain(advice);
  });
});

describe("tls-removed restores what the change deleted, in the object's own terms", () => {
  const cert = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:1:certificate/x";

  it("a Service's deleted certificate annotation: the base line, and a fix that puts it back where it was", () => {
    const baseText = loadBalancer(["team: shop", cert, "owner: web"]);
    const headText = loadBalancer(["team: shop", "owner: web"]);
    const [finding] = tlsRemoved.check({ head: side(headText), base: side(baseText) });
    expect(finding).toMatchObject({ rule: "tls-removed", line: 8, side: "base" });
    expect(finding!.recommendation).toContain("certificate annotation");
    expect(finding!.recommendation).not.toContain("spec.tls");
    expect(applyFix(headText, finding!.fix!)).toBe(baseText);
  });

  it("restores the whole annotations block when the change deleted it with the certificate", () => {
    const baseText = loadBalancer([cert]);
    const headText = loadBalancer([]);
    const [finding] = tlsRemoved.check({ head: side(headText), base: side(baseText) });
    expect(finding).toMatchObject({ line: 6, side: "base" });
    expect(applyFix(headText, finding!.fix!)).toBe(baseText);
  });
});

