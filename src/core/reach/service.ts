/**
 * Service → Reach, as CONTRACT.md "Reach levels" and "Entry points and surface" fix it: the type gives
 * the base level, cloud annotations and source ranges can make a LoadBalancer `private`, external IPs
 * add a level of their own, and the highest source wins.
 */
import { isPrivateAddress, isRestrictive, splitList } from "../cidr.js";
import { annotationsOf, asRecord, portNumber } from "../fields.js";
import type { AllowList, EntryPoint, ExistingLevel, ManifestObject, Reach } from "../model.js";
import { levelRank } from "../model.js";

// ---------------------------------------------------------------------------------------------
// Annotation and field names

/**
 * Internal-LB annotations of the cloud providers, with the values that mean "internal" (compared
 * case-insensitively). The Kubernetes docs list them under "Internal load balancer":
 * https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer
 */
interface InternalAnnotation {
  key: string;
  /** Short name used in `why`. */
  cloud: string;
  isInternal(value: string): boolean;
}

const equalsIgnoringCase = (expected: string) => (value: string) => value.toLowerCase() === expected;

/**
 * The in-tree AWS provider treats any non-empty value except "false" as internal; old manifests wrote
 * `0.0.0.0/0` here, which still means internal, not "open".
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-internal
 */
export const AWS_INTERNAL_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-internal";
/** AWS Load Balancer Controller: `internal` | `internet-facing`; its default is internal. */
export const AWS_SCHEME_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-scheme";
/**
 * AWS Load Balancer Controller takes a Service when its type annotation is `external` (or the older
 * `nlb-ip`) or when `spec.loadBalancerClass` names it; the in-tree provider keeps `nlb` and unset.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
 */
export const AWS_LB_TYPE_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type";
export const AWS_LBC_TYPES: readonly string[] = ["external", "nlb-ip"];
export const AWS_LBC_CLASS = "service.k8s.aws/nlb";

export const INTERNAL_ANNOTATIONS: readonly InternalAnnotation[] = [
  {
    key: AWS_INTERNAL_ANNOTATION,
    cloud: "AWS",
    isInternal: (value) => value !== "" && value.toLowerCase() !== "false",
  },
  { key: AWS_SCHEME_ANNOTATION, cloud: "AWS Load Balancer Controller", isInternal: equalsIgnoringCase("internal") },
  // GKE: https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balancing
  { key: "networking.gke.io/load-balancer-type", cloud: "GKE", isInternal: equalsIgnoringCase("internal") },
  // The legacy GKE key; istio 1.0 manifests wrote "internal" in lower case, hence the case-insensitive compare.
  { key: "cloud.google.com/load-balancer-type", cloud: "GKE", isInternal: equalsIgnoringCase("internal") },
  // AKS: https://learn.microsoft.com/azure/aks/internal-lb
  { key: "service.beta.kubernetes.io/azure-load-balancer-internal", cloud: "Azure", isInternal: equalsIgnoringCase("true") },
  // OCI: https://docs.oracle.com/iaas/Content/ContEng/Tasks/contengcreatingloadbalancers-subtopic.htm
  { key: "service.beta.kubernetes.io/oci-load-balancer-internal", cloud: "OCI", isInternal: equalsIgnoringCase("true") },
  // OpenStack: https://github.com/kubernetes/cloud-provider-openstack (expose-applications-using-loadbalancer-type-service.md)
  {
    key: "service.beta.kubernetes.io/openstack-internal-load-balancer",
    cloud: "OpenStack",
    isInternal: equalsIgnoringCase("true"),
  },
  // IBM Cloud: https://cloud.ibm.com/docs/containers?topic=containers-cs_network_planning
  {
    key: "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
    cloud: "IBM Cloud",
    isInternal: equalsIgnoringCase("private"),
  },
  // Alibaba Cloud: https://www.alibabacloud.com/help/ack/serverless-kubernetes/user-guide/use-annotations-to-configure-load-balancing
  {
    key: "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
    cloud: "Alibaba Cloud",
    isInternal: equalsIgnoringCase("intranet"),
  },
];

/** Kubernetes reads `spec.loadBalancerSourceRanges` first and this annotation only when the field is empty. */
export const SOURCE_RANGES_FIELD = "spec.loadBalancerSourceRanges";
export const SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

/**
 * AWS: the certificate turns listeners into TLS; `ssl-ports` limits which (numbers or names, `*` = all,
 * unset = all). https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#ssl-cert
 */
export const AWS_SSL_CERT_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
export const AWS_SSL_PORTS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
/**
 * DigitalOcean: a certificate (or TLS passthrough) applies to `tls-ports`, 443 when unset.
 * https://github.com/digitalocean/digitalocean-cloud-controller-manager/blob/master/docs/controllers/services/annotations.md
 */
export const DO_CERTIFICATE_ANNOTATION = "service.beta.kubernetes.io/do-loadbalancer-certificate-id";
export const DO_TLS_PASSTHROUGH_ANNOTATION = "service.beta.kubernetes.io/do-loadbalancer-tls-passthrough";
export const DO_TLS_PORTS_ANNOTATION = "service.beta.kubernetes.io/do-loadbalancer-tls-ports";
export const DO_DEFAULT_TLS_PORTS = "443";
/** OCI: the listed ports terminate TLS. */
export const OCI_SSL_PORTS_ANNOTATION = "service.beta.kubernetes.io/oci-load-balancer-ssl-ports";

const ALL_PORTS = "*";

// ---------------------------------------------------------------------------------------------
// Reading

/** One reason for a level, with the line of the field that gives it. */
interface LevelSource {
  level: ExistingLevel;
  line: number;
  why: string;
}


function annotationLine(object: ManifestObject, key: string): number {
  return object.rangeOf(["metadata", "annotations", key]).line;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string").map((item) => item.trim()) : [];
}

/** The Service's allow-list: the spec field when it has entries, else the annotation (as Kubernetes does). */
function readAllowList(object: ManifestObject, annotations: Map<string, string>): AllowList | undefined {
  const spec = asRecord(object.body["spec"]);
  const fromSpec = strings(spec["loadBalancerSourceRanges"]).filter((cidr) => cidr !== "");
  if (fromSpec.length > 0) {
    return { cidrs: fromSpec, source: SOURCE_RANGES_FIELD, line: object.rangeOf(["spec", "loadBalancerSourceRanges"]).line };
  }
  const fromAnnotation = splitList(annotations.get(SOURCE_RANGES_ANNOTATION) ?? "");
  if (fromAnnotation.length > 0) {
    return { cidrs: fromAnnotation, source: SOURCE_RANGES_ANNOTATION, line: annotationLine(object, SOURCE_RANGES_ANNOTATION) };
  }
  return undefined;
}

/**
 * The internal-LB annotations among `annotations` that say "internal", with a reason each. Shared with
 * the Gateway API reader, whose `spec.infrastructure.annotations` land on the Service it provisions.
 */
export function internalAnnotations(annotations: ReadonlyMap<string, string>): { key: string; why: string }[] {
  const scheme = annotations.get(AWS_SCHEME_ANNOTATION)?.toLowerCase();
  const found: { key: string; why: string }[] = [];
  for (const annotation of INTERNAL_ANNOTATIONS) {
    const value = annotations.get(annotation.key);
    if (value === undefined || !annotation.isInternal(value)) continue;
    // An explicit internet-facing scheme overrides the deprecated internal annotation in the AWS Load
    // Balancer Controller; with the two contradicting each other, assume the exposed one.
    if (annotation.key === AWS_INTERNAL_ANNOTATION && scheme === "internet-facing") continue;
    found.push({ key: annotation.key, why: `${annotation.cloud} internal load balancer (${shortKey(annotation.key)}: ${value})` });
  }
  return found;
}

/** Why a LoadBalancer is `private`; empty when it is public. */
function internalLoadBalancerSources(
  object: ManifestObject,
  annotations: Map<string, string>,
  allowList: AllowList | undefined,
): LevelSource[] {
  const spec = asRecord(object.body["spec"]);
  const scheme = annotations.get(AWS_SCHEME_ANNOTATION)?.toLowerCase();
  const sources: LevelSource[] = internalAnnotations(annotations).map(({ key, why }) => ({
    level: "private",
    line: annotationLine(object, key),
    why,
  }));
  const lbClass = typeof spec["loadBalancerClass"] === "string" ? spec["loadBalancerClass"].trim() : "";
  const lbType = annotations.get(AWS_LB_TYPE_ANNOTATION)?.toLowerCase() ?? "";
  const servedByAwsController = lbClass === AWS_LBC_CLASS || AWS_LBC_TYPES.includes(lbType);
  if (servedByAwsController && scheme === undefined) {
    sources.push({
      level: "private",
      line: lbClass === AWS_LBC_CLASS ? object.rangeOf(["spec", "loadBalancerClass"]).line : annotationLine(object, AWS_LB_TYPE_ANNOTATION),
      why: "AWS Load Balancer Controller (default scheme internal)",
    });
  }
  if (allowList && isRestrictive(allowList.cidrs)) {
    sources.push({ level: "private", line: allowList.line, why: `allow-list ${allowList.cidrs.join(", ")}` });
  }
  return sources;
}

/** `service.beta.kubernetes.io/azure-load-balancer-internal` → `azure-load-balancer-internal`, for `why`. */
function shortKey(key: string): string {
  return key.slice(key.indexOf("/") + 1);
}

/** Why a LoadBalancer is `public`: the type, plus what looked like a restriction but is not one. */
function publicLoadBalancerSources(annotations: Map<string, string>, allowList: AllowList | undefined, typeLine: number): LevelSource[] {
  const sources: LevelSource[] = [{ level: "public", line: typeLine, why: "type: LoadBalancer without an internal-LB annotation" }];
  if (annotations.get(AWS_SCHEME_ANNOTATION)?.toLowerCase() === "internet-facing") {
    sources.push({ level: "public", line: typeLine, why: "aws-load-balancer-scheme: internet-facing" });
  }
  if (allowList) {
    sources.push({ level: "public", line: typeLine, why: `allow-list ${allowList.cidrs.join(", ")} admits every address` });
  }
  return sources;
}

function externalIpSource(object: ManifestObject): LevelSource | undefined {
  const spec = asRecord(object.body["spec"]);
  const addresses = strings(spec["externalIPs"]).filter((address) => address !== "");
  if (addresses.length === 0) return undefined;
  const line = object.rangeOf(["spec", "externalIPs"]).line;
  const publicAddresses = addresses.filter((address) => !isPrivateAddress(address));
  if (publicAddresses.length > 0) {
    return { level: "public", line, why: `externalIPs ${publicAddresses.join(", ")} not in a private range` };
  }
  return { level: "private", line, why: `externalIPs ${addresses.join(", ")} in private ranges` };
}

/** Whether the Service port `port` (named `name`) terminates TLS at the load balancer. */
function portHasTls(annotations: Map<string, string>, port: number, name: string | undefined): boolean {
  const listed = (value: string) => {
    const entries = splitList(value);
    return entries.includes(ALL_PORTS) || entries.includes(String(port)) || (name !== undefined && entries.includes(name));
  };
  if ((annotations.get(AWS_SSL_CERT_ANNOTATION) ?? "") !== "") {
    const sslPorts = annotations.get(AWS_SSL_PORTS_ANNOTATION);
    if (sslPorts === undefined || sslPorts === "" || listed(sslPorts)) return true;
  }
  const doCertificate = (annotations.get(DO_CERTIFICATE_ANNOTATION) ?? "") !== "";
  const doPassthrough = annotations.get(DO_TLS_PASSTHROUGH_ANNOTATION)?.toLowerCase() === "true";
  if ((doCertificate || doPassthrough) && splitList(annotations.get(DO_TLS_PORTS_ANNOTATION) || DO_DEFAULT_TLS_PORTS).includes(String(port))) {
    return true;
  }
  return listed(annotations.get(OCI_SSL_PORTS_ANNOTATION) ?? "");
}

/**
 * Each port as `protocol/port`. A NodePort Service is reached on its `nodePort` (the `port` when none is
 * given); every other type on its `port`: a LoadBalancer listens there, and external IPs too. The node
 * ports a LoadBalancer also allocates are not part of its surface: the load balancer is what the world
 * reaches, and the level already says more than `node`.
 */
function portEntryPoints(object: ManifestObject, type: string, annotations: Map<string, string>): EntryPoint[] {
  const spec = asRecord(object.body["spec"]);
  const ports = Array.isArray(spec["ports"]) ? (spec["ports"] as unknown[]) : [];
  const entryPoints: EntryPoint[] = [];
  ports.forEach((raw, index) => {
    const item = asRecord(raw);
    const servicePort = portNumber(item["port"]);
    if (servicePort === undefined) return;
    const nodePort = portNumber(item["nodePort"]);
    const port = type === "NodePort" ? (nodePort ?? servicePort) : servicePort;
    const protocol = typeof item["protocol"] === "string" && item["protocol"].trim() !== "" ? item["protocol"].trim().toUpperCase() : "TCP";
    const portName = typeof item["name"] === "string" && item["name"] !== "" ? item["name"] : undefined;
    const entryPoint: EntryPoint = {
      key: `${protocol}/${port}`,
      kind: "port",
      protocol,
      port,
      servicePort,
      tls: portHasTls(annotations, servicePort, portName),
      line: object.rangeOf(["spec", "ports", index]).line,
    };
    if (portName !== undefined) entryPoint.portName = portName;
    entryPoints.push(entryPoint);
  });
  return entryPoints;
}

/**
 * Reads a Service's reach. Never throws: missing or odd fields read as Kubernetes defaults them
 * (`type` ClusterIP, `protocol` TCP).
 */
export function serviceReach(object: ManifestObject): Reach {
  const spec = asRecord(object.body["spec"]);
  const annotations = annotationsOf(object);
  const type = typeof spec["type"] === "string" && spec["type"].trim() !== "" ? spec["type"].trim() : "ClusterIP";
  const typeLine = object.rangeOf(["spec", "type"]).line;
  const headless = typeof spec["clusterIP"] === "string" && spec["clusterIP"].trim() === "None";

  const sources: LevelSource[] = [];
  let allowList: AllowList | undefined;
  if (type === "LoadBalancer") {
    allowList = readAllowList(object, annotations);
    const internal = internalLoadBalancerSources(object, annotations, allowList);
    if (internal.length > 0) sources.push(...internal);
    else sources.push(...publicLoadBalancerSources(annotations, allowList, typeLine));
  } else if (type === "NodePort") {
    sources.push({ level: "node", line: typeLine, why: "type: NodePort opens the port on every node" });
  } else if (type === "ExternalName") {
    sources.push({ level: "cluster", line: typeLine, why: "type: ExternalName is a DNS alias inside the cluster" });
  } else if (headless) {
    sources.push({ level: "cluster", line: object.rangeOf(["spec", "clusterIP"]).line, why: "headless Service (clusterIP: None)" });
  } else {
    sources.push({ level: "cluster", line: typeLine, why: `type: ${type} is reachable only inside the cluster` });
  }
  // kube-proxy programs no rules for ExternalName or headless Services, so their external IPs open nothing.
  const externalIps = type === "ExternalName" || headless ? undefined : externalIpSource(object);
  if (externalIps) sources.push(externalIps);

  const top = Math.max(...sources.map((source) => levelRank(source.level)));
  const winners = sources.filter((source) => levelRank(source.level) === top);
  const level = (winners[0] as LevelSource).level;
  const reach: Reach = {
    level,
    levelLine: (winners[0] as LevelSource).line,
    why: winners.map((source) => source.why),
    entryPoints: level === "cluster" ? [] : portEntryPoints(object, type, annotations),
    serviceType: type,
  };
  if (allowList) reach.allowList = allowList;
  return reach;
}
