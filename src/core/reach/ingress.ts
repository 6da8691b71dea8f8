/**
 * Ingress → Reach, as CONTRACT.md fixes it: `public` unless the class is internal (configured, AWS ALB
 * with its default internal scheme, GKE `gce-internal`) or an allow-list annotation restricts it. The
 * surface is every host + path, the default backend as the catch-all, each with the TLS of its host.
 * Reads networking.k8s.io/v1 and the older v1beta1 shapes (`serviceName`/`servicePort`, `spec.backend`).
 */
import { isRestrictive, splitList } from "../cidr.js";
import { annotationsOf, asList, asRecord, nonEmptyString } from "../fields.js";
import type { AllowList, EntryPoint, ManifestObject, Reach } from "../model.js";
import type { ReachOptions } from "./index.js";
import { CATCH_ALL_HOST, normalizeHost, tlsCoversHost } from "./tls.js";

/** The class annotation that predates `spec.ingressClassName`; read only when the field is absent. */
export const INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/**
 * AWS Load Balancer Controller: its ALBs are internal unless `scheme: internet-facing`.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#scheme
 */
export const ALB_CLASS = "alb";
export const ALB_SCHEME_ANNOTATION = "alb.ingress.kubernetes.io/scheme";
/**
 * An ALB with `certificate-arn` listens on HTTPS (its default listen-ports become `[{"HTTPS": 443}]`), so
 * every host of the Ingress is served with TLS. With explicit listen-ports, only when they include HTTPS.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#certificate-arn
 */
export const ALB_CERTIFICATE_ANNOTATION = "alb.ingress.kubernetes.io/certificate-arn";
export const ALB_LISTEN_PORTS_ANNOTATION = "alb.ingress.kubernetes.io/listen-ports";
/** GKE's internal Application Load Balancer class. https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balance-ingress */
export const GCE_INTERNAL_CLASS = "gce-internal";
/**
 * GKE Ingress can serve TLS from Google-managed or pre-shared certificates without any `spec.tls`
 * (Polaris reports these as missing TLS: FairwindsOps/polaris#629). They apply to every host.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/managed-certs
 */
export const GKE_CERTIFICATE_ANNOTATIONS: readonly string[] = [
  "networking.gke.io/managed-certificates",
  "ingress.gcp.kubernetes.io/pre-shared-cert",
];

/**
 * Allow-list annotations, comma-separated CIDRs, in the order read: ingress-nginx reads
 * `allowlist-source-range` and falls back to its legacy alias `whitelist-source-range`.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#allowlist-source-range
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#inbound-cidrs
 */
export const ALB_INBOUND_CIDRS_ANNOTATION = "alb.ingress.kubernetes.io/inbound-cidrs";
export const ALLOW_LIST_ANNOTATIONS: readonly string[] = [
  "nginx.ingress.kubernetes.io/allowlist-source-range",
  "nginx.ingress.kubernetes.io/whitelist-source-range",
  ALB_INBOUND_CIDRS_ANNOTATION,
];

/** The path of an entry point whose rule names none (a host-only rule, the default backend). */
const ROOT_PATH = "/";


/** `spec.ingressClassName`, else the legacy annotation; undefined when neither names a class. */
function readClass(object: ManifestObject, annotations: Map<string, string>): { name: string; line: number } | undefined {
  const fromSpec = nonEmptyString(asRecord(object.body["spec"])["ingressClassName"]);
  if (fromSpec !== undefined) return { name: fromSpec, line: object.rangeOf(["spec", "ingressClassName"]).line };
  const fromAnnotation = annotations.get(INGRESS_CLASS_ANNOTATION);
  if (fromAnnotation) {
    return { name: fromAnnotation, line: object.rangeOf(["metadata", "annotations", INGRESS_CLASS_ANNOTATION]).line };
  }
  return undefined;
}

/**
 * The first allow-list annotation set, in ALLOW_LIST_ANNOTATIONS order. An `alb` Ingress is served by
 * the AWS Load Balancer Controller, which reads only `inbound-cidrs`: an nginx allow-list left on it
 * restricts nothing, and must not hide an open `inbound-cidrs` either.
 */
function readAllowList(object: ManifestObject, annotations: Map<string, string>, className: string | undefined): AllowList | undefined {
  const keys = className?.toLowerCase() === ALB_CLASS ? [ALB_INBOUND_CIDRS_ANNOTATION] : ALLOW_LIST_ANNOTATIONS;
  for (const key of keys) {
    const cidrs = splitList(annotations.get(key) ?? "");
    if (cidrs.length > 0) return { cidrs, source: key, line: object.rangeOf(["metadata", "annotations", key]).line };
  }
  return undefined;
}

/** v1 `service.name` + `service.port.number|name`, or v1beta1 `serviceName` + `servicePort`. */
function readBackend(raw: unknown): EntryPoint["backend"] {
  const backend = asRecord(raw);
  const backendPort = (value: unknown): number | string | undefined => {
    if (typeof value === "number") return value;
    if (typeof value === "string" && value.trim() !== "") return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
    return undefined;
  };
  const result: NonNullable<EntryPoint["backend"]> = {};
  if (backend["service"] !== undefined) {
    const service = asRecord(backend["service"]);
    const port = asRecord(service["port"]);
    const name = nonEmptyString(service["name"]);
    const number = backendPort(port["number"]) ?? backendPort(port["name"]);
    if (name !== undefined) result.service = name;
    if (number !== undefined) result.port = number;
  } else {
    const name = nonEmptyString(backend["serviceName"]);
    const port = backendPort(backend["servicePort"]);
    if (name !== undefined) result.service = name;
    if (port !== undefined) result.port = port;
  }
  return result;
}

/** True when an annotation serves every host with TLS (ALB certificate on an HTTPS listener, GKE certificates). */
function annotationTls(annotations: Map<string, string>): boolean {
  if ((annotations.get(ALB_CERTIFICATE_ANNOTATION) ?? "") !== "") {
    const listenPorts = annotations.get(ALB_LISTEN_PORTS_ANNOTATION);
    if (listenPorts === undefined || listenPorts === "" || /https/i.test(listenPorts)) return true;
  }
  return GKE_CERTIFICATE_ANNOTATIONS.some((key) => (annotations.get(key) ?? "") !== "");
}

function routeEntryPoints(object: ManifestObject, annotations: Map<string, string>): EntryPoint[] {
  const spec = asRecord(object.body["spec"]);
  const allHostsTls = annotationTls(annotations);
  const tlsOf = (host: string) => allHostsTls || tlsCoversHost(spec["tls"], host);
  const entryPoints: EntryPoint[] = [];
  const route = (host: string, path: string, line: number, backend: EntryPoint["backend"]): EntryPoint => {
    const entryPoint: EntryPoint = { key: `${host}${path}`, kind: "route", host, path, tls: tlsOf(host), line };
    if (backend !== undefined) entryPoint.backend = backend;
    return entryPoint;
  };

  asList(spec["rules"]).forEach((raw, ruleIndex) => {
    const rule = asRecord(raw);
    const named = nonEmptyString(rule["host"]);
    const host = named === undefined ? CATCH_ALL_HOST : normalizeHost(named);
    const paths = asList(asRecord(rule["http"])["paths"]);
    const rulePath = ["spec", "rules", ruleIndex] as const;
    const hostLine = object.rangeOf([...rulePath, "host"]).line;
    // A rule that names neither host nor paths routes nothing.
    if (paths.length === 0) {
      if (named !== undefined) entryPoints.push(route(host, ROOT_PATH, hostLine, undefined));
      return;
    }
    paths.forEach((rawPath, pathIndex) => {
      const item = asRecord(rawPath);
      const path = nonEmptyString(item["path"]) ?? ROOT_PATH;
      // Findings about a named host point at the host; a catch-all rule at its path item.
      const line = named !== undefined ? hostLine : object.rangeOf([...rulePath, "http", "paths", pathIndex]).line;
      entryPoints.push(route(host, path, line, readBackend(item["backend"])));
    });
  });

  // `backend` is the extensions/v1beta1 and networking.k8s.io/v1beta1 name of `defaultBackend`.
  const defaultField = spec["defaultBackend"] !== undefined ? "defaultBackend" : spec["backend"] !== undefined ? "backend" : undefined;
  if (defaultField !== undefined) {
    entryPoints.push(route(CATCH_ALL_HOST, ROOT_PATH, object.rangeOf(["spec", defaultField]).line, readBackend(spec[defaultField])));
  }
  return entryPoints;
}

/** Reads an Ingress's reach. Never throws on odd or missing fields. */
export function ingressReach(object: ManifestObject, options: ReachOptions): Reach {
  const annotations = annotationsOf(object);
  const ingressClass = readClass(object, annotations);
  const className = ingressClass?.name;
  const allowList = readAllowList(object, annotations, className);
  const scheme = annotations.get(ALB_SCHEME_ANNOTATION)?.toLowerCase();
  const schemeLine = object.rangeOf(["metadata", "annotations", ALB_SCHEME_ANNOTATION]).line;
  const kindLine = object.rangeOf(["kind"]).line;

  const privateReasons: { line: number; why: string }[] = [];
  if (ingressClass && options.internalClasses.includes(ingressClass.name)) {
    privateReasons.push({ line: ingressClass.line, why: `ingress class ${ingressClass.name} is configured as internal` });
  }
  if (ingressClass && className?.toLowerCase() === ALB_CLASS && scheme !== "internet-facing") {
    privateReasons.push(
      scheme === "internal"
        ? { line: schemeLine, why: "alb.ingress.kubernetes.io/scheme: internal" }
        : { line: ingressClass.line, why: "AWS Load Balancer Controller (default scheme internal)" },
    );
  }
  if (ingressClass && className?.toLowerCase() === GCE_INTERNAL_CLASS) {
    privateReasons.push({ line: ingressClass.line, why: "ingress class gce-internal (GKE internal load balancer)" });
  }
  if (allowList && isRestrictive(allowList.cidrs)) {
    privateReasons.push({ line: allowList.line, why: `allow-list ${allowList.cidrs.join(", ")}` });
  }

  const publicReasons: { line: number; why: string }[] = [];
  if (privateReasons.length === 0) {
    if (className?.toLowerCase() === ALB_CLASS) {
      publicReasons.push({ line: schemeLine, why: "alb.ingress.kubernetes.io/scheme: internet-facing" });
    } else if (ingressClass) {
      publicReasons.push({ line: ingressClass.line, why: `ingress class ${ingressClass.name} is not an internal class` });
    } else {
      publicReasons.push({ line: kindLine, why: "no ingress class: the cluster's default controller serves it" });
    }
    if (allowList) {
      publicReasons.push({ line: allowList.line, why: `allow-list ${allowList.cidrs.join(", ")} admits every address` });
    }
  }

  const reasons = privateReasons.length > 0 ? privateReasons : publicReasons;
  const reach: Reach = {
    level: privateReasons.length > 0 ? "private" : "public",
    levelLine: (reasons[0] as { line: number }).line,
    why: reasons.map((reason) => reason.why),
    entryPoints: routeEntryPoints(object, annotations),
  };
  if (ingressClass) reach.ingressClass = ingressClass;
  if (allowList) reach.allowList = allowList;
  return reach;
}
