import { describe, expect, it } from "vitest";
import type { Reach } from "../../src/core/model.js";
import { readReach } from "../../src/core/reach/index.js";
import { serviceReach } from "../../src/core/reach/service.js";
import { objectFromYaml } from "../helpers/object.js";

/**
 * A LoadBalancer Service with one annotation. Lines: the annotation is line 6, `type` line 8, the
 * port item line 10.
 */
function loadBalancerWith(key: string, value: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    ${key}: ${JSON.stringify(value)}
spec:
  type: LoadBalancer
  ports:
  - name: https
    port: 443
    targetPort: 8443
`;
}

function reachOf(text: string): Reach {
  return serviceReach(objectFromYaml(text));
}

describe("serviceReach: internal-LB annotations", () => {
  it.each([
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "true", "private", 6, "AWS internal load balancer (aws-load-balancer-internal: true)"],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "0.0.0.0/0", "private", 6, "AWS internal load balancer (aws-load-balancer-internal: 0.0.0.0/0)"],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "FALSE", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/aws-load-balancer-internal", "", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internal", "private", 6, "AWS Load Balancer Controller internal load balancer (aws-load-balancer-scheme: internal)"],
    ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internet-facing", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["networking.gke.io/load-balancer-type", "Internal", "private", 6, "GKE internal load balancer (load-balancer-type: Internal)"],
    ["networking.gke.io/load-balancer-type", "External", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["cloud.google.com/load-balancer-type", "internal", "private", 6, "GKE internal load balancer (load-balancer-type: internal)"],
    ["cloud.google.com/load-balancer-type", "external", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/azure-load-balancer-internal", "True", "private", 6, "Azure internal load balancer (azure-load-balancer-internal: True)"],
    ["service.beta.kubernetes.io/azure-load-balancer-internal", "false", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/oci-load-balancer-internal", "true", "private", 6, "OCI internal load balancer (oci-load-balancer-internal: true)"],
    ["service.beta.kubernetes.io/oci-load-balancer-internal", "false", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/openstack-internal-load-balancer", "true", "private", 6, "OpenStack internal load balancer (openstack-internal-load-balancer: true)"],
    ["service.beta.kubernetes.io/openstack-internal-load-balancer", "false", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "private", "private", 6, "IBM Cloud internal load balancer (ibm-load-balancer-cloud-provider-ip-type: private)"],
    ["service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", "public", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "intranet", "private", 6, "Alibaba Cloud internal load balancer (alibaba-cloud-loadbalancer-address-type: intranet)"],
    ["service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type", "internet", "public", 8, "type: LoadBalancer without an internal-LB annotation"],
  ])("%s: %j → %s", (key, value, level, levelLine, why) => {
    const reach = reachOf(loadBalancerWith(key, value));
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why[0] }).toEqual({ level, levelLine, why });
    expect(reach.serviceType).toBe("LoadBalancer");
    expect(reach.allowList).toBeUndefined();
  });

  it("reads an unquoted boolean annotation as its text", () => {
    const reach = reachOf(`apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-internal: true
spec:
  type: LoadBalancer
  ports: [{ port: 443 }]
`);
    expect(reach.level).toBe("private");
  });
});

describe("serviceReach: AWS Load Balancer Controller", () => {
  const service = (annotations: string, specExtra = "") => `apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
${annotations}
spec:
  type: LoadBalancer
${specExtra}  ports:
  - port: 443
`;

  it.each([
    {
      name: "type external, no scheme: the controller's default internal",
      text: service(`    service.beta.kubernetes.io/aws-load-balancer-type: external`),
      level: "private",
      levelLine: 6,
      why: ["AWS Load Balancer Controller (default scheme internal)"],
    },
    {
      name: "type nlb-ip, no scheme",
      text: service(`    service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip`),
      level: "private",
      levelLine: 6,
      why: ["AWS Load Balancer Controller (default scheme internal)"],
    },
    {
      name: "loadBalancerClass service.k8s.aws/nlb, no scheme",
      text: service(`    example.com/owner: team-a`, `  loadBalancerClass: service.k8s.aws/nlb\n`),
      level: "private",
      levelLine: 9,
      why: ["AWS Load Balancer Controller (default scheme internal)"],
    },
    {
      name: "type external with scheme internet-facing",
      text: service(
        `    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing`,
      ),
      level: "public",
      levelLine: 9,
      why: ["type: LoadBalancer without an internal-LB annotation", "aws-load-balancer-scheme: internet-facing"],
    },
    {
      name: "type external with scheme internal names the scheme only",
      text: service(
        `    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-scheme: internal`,
      ),
      level: "private",
      levelLine: 7,
      why: ["AWS Load Balancer Controller internal load balancer (aws-load-balancer-scheme: internal)"],
    },
    {
      name: "in-tree nlb type is not the controller: public",
      text: service(`    service.beta.kubernetes.io/aws-load-balancer-type: nlb`),
      level: "public",
      levelLine: 8,
      why: ["type: LoadBalancer without an internal-LB annotation"],
    },
    {
      name: "explicit internet-facing scheme beats the deprecated internal annotation",
      text: service(
        `    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\n    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing`,
      ),
      level: "public",
      levelLine: 9,
      why: ["type: LoadBalancer without an internal-LB annotation", "aws-load-balancer-scheme: internet-facing"],
    },
  ])("$name", ({ text, level, levelLine, why }) => {
    const reach = reachOf(text);
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why }).toEqual({ level, levelLine, why });
  });
});

describe("serviceReach: source ranges", () => {
  const withRanges = (block: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
${block}`;

  it.each([
    {
      name: "spec ranges without an open CIDR → private",
      text: withRanges(`spec:
  type: LoadBalancer
  loadBalancerSourceRanges:
  - 10.0.0.0/8
  - 192.168.0.0/16
  ports: [{ port: 443 }]
`),
      level: "private",
      levelLine: 7,
      why: ["allow-list 10.0.0.0/8, 192.168.0.0/16"],
      allowList: { cidrs: ["10.0.0.0/8", "192.168.0.0/16"], source: "spec.loadBalancerSourceRanges", line: 7 },
    },
    {
      name: "spec ranges with 0.0.0.0/0 → public, allow-list still read",
      text: withRanges(`spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["10.0.0.0/8", "0.0.0.0/0"]
  ports: [{ port: 443 }]
`),
      level: "public",
      levelLine: 6,
      why: ["type: LoadBalancer without an internal-LB annotation", "allow-list 10.0.0.0/8, 0.0.0.0/0 admits every address"],
      allowList: { cidrs: ["10.0.0.0/8", "0.0.0.0/0"], source: "spec.loadBalancerSourceRanges", line: 7 },
    },
    {
      name: "spec ranges with ::/0 → public",
      text: withRanges(`spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["::/0"]
  ports: [{ port: 443 }]
`),
      level: "public",
      levelLine: 6,
      why: ["type: LoadBalancer without an internal-LB annotation", "allow-list ::/0 admits every address"],
      allowList: { cidrs: ["::/0"], source: "spec.loadBalancerSourceRanges", line: 7 },
    },
    {
      name: "annotation ranges (comma-separated) → private",
      text: withRanges(`  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: "203.0.113.0/24, 198.51.100.7/32"
spec:
  type: LoadBalancer
  ports: [{ port: 443 }]
`),
      level: "private",
      levelLine: 6,
      why: ["allow-list 203.0.113.0/24, 198.51.100.7/32"],
      allowList: {
        cidrs: ["203.0.113.0/24", "198.51.100.7/32"],
        source: "service.beta.kubernetes.io/load-balancer-source-ranges",
        line: 6,
      },
    },
    {
      name: "the spec field wins over the annotation",
      text: withRanges(`  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: "0.0.0.0/0"
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: ["10.0.0.0/8"]
  ports: [{ port: 443 }]
`),
      level: "private",
      levelLine: 9,
      why: ["allow-list 10.0.0.0/8"],
      allowList: { cidrs: ["10.0.0.0/8"], source: "spec.loadBalancerSourceRanges", line: 9 },
    },
    {
      name: "an empty spec list is no allow-list",
      text: withRanges(`spec:
  type: LoadBalancer
  loadBalancerSourceRanges: []
  ports: [{ port: 443 }]
`),
      level: "public",
      levelLine: 6,
      why: ["type: LoadBalancer without an internal-LB annotation"],
      allowList: undefined,
    },
  ])("$name", ({ text, level, levelLine, why, allowList }) => {
    const reach = reachOf(text);
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why, allowList: reach.allowList }).toEqual({
      level,
      levelLine,
      why,
      allowList,
    });
  });

  it("ignores source ranges on a type that has no load balancer", () => {
    const reach = reachOf(`apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  loadBalancerSourceRanges: ["10.0.0.0/8"]
  ports: [{ port: 443 }]
`);
    expect({ level: reach.level, allowList: reach.allowList }).toEqual({ level: "node", allowList: undefined });
  });
});

describe("serviceReach: levels by type", () => {
  it.each([
    {
      name: "no type: ClusterIP",
      spec: "spec:\n  ports: [{ port: 80 }]\n",
      level: "cluster",
      levelLine: 5,
      serviceType: "ClusterIP",
      why: ["type: ClusterIP is reachable only inside the cluster"],
    },
    {
      name: "ClusterIP",
      spec: "spec:\n  type: ClusterIP\n  ports: [{ port: 80 }]\n",
      level: "cluster",
      levelLine: 6,
      serviceType: "ClusterIP",
      why: ["type: ClusterIP is reachable only inside the cluster"],
    },
    {
      name: "headless",
      spec: "spec:\n  clusterIP: None\n  ports: [{ port: 80 }]\n",
      level: "cluster",
      levelLine: 6,
      serviceType: "ClusterIP",
      why: ["headless Service (clusterIP: None)"],
    },
    {
      name: "ExternalName",
      spec: "spec:\n  type: ExternalName\n  externalName: db.example.com\n",
      level: "cluster",
      levelLine: 6,
      serviceType: "ExternalName",
      why: ["type: ExternalName is a DNS alias inside the cluster"],
    },
    {
      name: "NodePort",
      spec: "spec:\n  type: NodePort\n  ports: [{ port: 80 }]\n",
      level: "node",
      levelLine: 6,
      serviceType: "NodePort",
      why: ["type: NodePort opens the port on every node"],
    },
    {
      name: "LoadBalancer",
      spec: "spec:\n  type: LoadBalancer\n  ports: [{ port: 80 }]\n",
      level: "public",
      levelLine: 6,
      serviceType: "LoadBalancer",
      why: ["type: LoadBalancer without an internal-LB annotation"],
    },
  ])("$name", ({ spec, level, levelLine, serviceType, why }) => {
    const reach = reachOf(`apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${spec}`);
    expect({ level: reach.level, levelLine: reach.levelLine, serviceType: reach.serviceType, why: reach.why }).toEqual({
      level,
      levelLine,
      serviceType,
      why,
    });
  });
});

describe("serviceReach: externalIPs", () => {
  const withExternalIps = (type: string, addresses: string[]) => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ${type}
  externalIPs: ${JSON.stringify(addresses)}
  ports: [{ port: 80 }]
`;

  it.each([
    { type: "ClusterIP", addresses: ["10.0.0.5", "192.168.1.9"], level: "private", why: ["externalIPs 10.0.0.5, 192.168.1.9 in private ranges"] },
    { type: "ClusterIP", addresses: ["100.64.3.3", "fd00::5"], level: "private", why: ["externalIPs 100.64.3.3, fd00::5 in private ranges"] },
    { type: "ClusterIP", addresses: ["203.0.113.10"], level: "public", why: ["externalIPs 203.0.113.10 not in a private range"] },
    { type: "ClusterIP", addresses: ["10.0.0.5", "198.51.100.1"], level: "public", why: ["externalIPs 198.51.100.1 not in a private range"] },
    { type: "NodePort", addresses: ["10.0.0.5"], level: "private", why: ["externalIPs 10.0.0.5 in private ranges"] },
  ])("$type with $addresses → $level", ({ type, addresses, level, why }) => {
    const reach = reachOf(withExternalIps(type, addresses));
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why }).toEqual({ level, levelLine: 7, why });
    expect(reach.entryPoints.map((entryPoint) => entryPoint.key)).toEqual(["TCP/80"]);
  });

  it("the highest source wins: a private LoadBalancer with a public external IP is public", () => {
    const reach = reachOf(`apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    networking.gke.io/load-balancer-type: Internal
spec:
  type: LoadBalancer
  externalIPs: ["198.51.100.1"]
  ports: [{ port: 80 }]
`);
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why }).toEqual({
      level: "public",
      levelLine: 9,
      why: ["externalIPs 198.51.100.1 not in a private range"],
    });
  });

  it("equal sources are all named, the type's line first", () => {
    const reach = reachOf(withExternalIps("LoadBalancer", ["198.51.100.1"]));
    expect({ level: reach.level, levelLine: reach.levelLine, why: reach.why }).toEqual({
      level: "public",
      levelLine: 6,
      why: ["type: LoadBalancer without an internal-LB annotation", "externalIPs 198.51.100.1 not in a private range"],
    });
  });

  it.each([
    ["ExternalName", "spec:\n  type: ExternalName\n  externalName: x.example.com\n  externalIPs: [\"198.51.100.1\"]\n"],
    ["headless", "spec:\n  clusterIP: None\n  externalIPs: [\"198.51.100.1\"]\n  ports: [{ port: 80 }]\n"],
  ])("%s Services open nothing on their external IPs", (_name, spec) => {
    expect(reachOf(`apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${spec}`).level).toBe("cluster");
  });
});

describe("serviceReach: entry points", () => {
  it("has no entry points at cluster level", () => {
    const reach = reachOf("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{ port: 80 }]\n");
    expect(reach.entryPoints).toEqual([]);
  });

  it("NodePort: the nodePort when given, else the port; protocol defaults to TCP", () => {
    const reach = reachOf(`apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
  - name: http
    port: 80
    nodePort: 30080
  - port: 53
    protocol: udp
`);
    expect(reach.entryPoints).toEqual([
      { key: "TCP/30080", kind: "port", protocol: "TCP", port: 30080, servicePort: 80, portName: "http", tls: false, line: 8 },
      { key: "UDP/53", kind: "port", protocol: "UDP", port: 53, servicePort: 53, tls: false, line: 11 },
    ]);
  });

  it("LoadBalancer: the port the load balancer listens on, not its node ports", () => {
    const reach = reachOf(`apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  ports:
  - name: https
    port: 443
    nodePort: 31443
    targetPort: 8443
`);
    expect(reach.entryPoints).toEqual([
      { key: "TCP/443", kind: "port", protocol: "TCP", port: 443, servicePort: 443, portName: "https", tls: false, line: 8 },
    ]);
  });

  const tlsCase = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
${annotations}
spec:
  type: LoadBalancer
  ports:
  - name: http
    port: 80
  - name: https
    port: 443
  - name: admin
    port: 8443
`;

  it.each([
    ["AWS certificate, no ssl-ports: every port", `    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:1:certificate/x`, [true, true, true]],
    [
      "AWS certificate, ssl-ports by number",
      `    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:1:certificate/x\n    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "443, 8443"`,
      [false, true, true],
    ],
    [
      "AWS certificate, ssl-ports by name",
      `    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:1:certificate/x\n    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: https`,
      [false, true, false],
    ],
    [
      "AWS certificate, ssl-ports *",
      `    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:1:certificate/x\n    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "*"`,
      [true, true, true],
    ],
    ["AWS ssl-ports without a certificate", `    service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "443"`, [false, false, false]],
    ["DigitalOcean certificate: tls-ports default 443", `    service.beta.kubernetes.io/do-loadbalancer-certificate-id: "1234-5678"`, [false, true, false]],
    [
      "DigitalOcean certificate with tls-ports",
      `    service.beta.kubernetes.io/do-loadbalancer-certificate-id: "1234-5678"\n    service.beta.kubernetes.io/do-loadbalancer-tls-ports: "8443"`,
      [false, false, true],
    ],
    ["OCI ssl-ports", `    service.beta.kubernetes.io/oci-load-balancer-ssl-ports: "443,8443"`, [false, true, true]],
    ["no TLS annotation", `    example.com/team: web`, [false, false, false]],
  ])("%s", (_name, annotations, expected) => {
    expect(reachOf(tlsCase(annotations)).entryPoints.map((entryPoint) => entryPoint.tls)).toEqual(expected);
  });
});

describe("readReach", () => {
  it("reads core Services and Ingresses only", () => {
    const options = { internalClasses: [] };
    const knative = objectFromYaml("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: hello\n");
    const deployment = objectFromYaml("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n");
    const service = objectFromYaml("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n");
    const ingress = objectFromYaml("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec: {}\n");
    expect(readReach(knative, options)).toBeUndefined();
    expect(readReach(deployment, options)).toBeUndefined();
    expect(readReach(service, options)?.level).toBe("node");
    expect(readReach(ingress, options)?.level).toBe("public");
  });
});
