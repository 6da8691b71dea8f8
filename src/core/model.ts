/**
 * The shared vocabulary of the core: files in, parsed objects, their reach, findings, and the Report
 * every face renders. Pure types and a few constants; no I/O.
 *
 * CONTRACT.md fixes the names and values here (levels, classifications, rule ids, report shape).
 */

/** How far an object can be reached, lowest first. Order matters: classification compares ranks. */
export const LEVELS = ["none", "cluster", "node", "private", "public"] as const;
export type Level = (typeof LEVELS)[number];
/** A level an existing object can have (`none` means "absent on that side"). */
export type ExistingLevel = Exclude<Level, "none">;

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export const CLASSIFICATIONS = ["removed", "public", "internal", "widened", "narrowed", "unchanged"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const SEVERITIES = ["notice", "warning", "failure"] as const;
export type Severity = (typeof SEVERITIES)[number];
/** A severity a user can configure: `off` means the rule does not run. */
export type ConfiguredSeverity = Severity | "off";

export type Conclusion = "success" | "neutral" | "failure";
export type ChangeKind = "added" | "removed" | "modified";

export const RULE_IDS = [
  "nodeport",
  "public-loadbalancer",
  "public-without-tls",
  "tls-removed",
  "sensitive-port-exposed",
  "external-ips",
  "open-source-range",
  "wildcard-host",
  "ingress-class-missing",
  "externalname",
  "gateway-routes-from-all-namespaces",
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * The kinds whose reach the core reads (each in the API groups `EXPOSURE_API_VERSIONS` lists). Later:
 * NetworkPolicy.
 */
export const EXPOSURE_KINDS = [
  "Service",
  "Ingress",
  "Gateway",
  "HTTPRoute",
  "GRPCRoute",
  "TLSRoute",
  "TCPRoute",
  "UDPRoute",
  "VirtualService",
  "IngressRoute",
  "IngressRouteTCP",
  "Route",
] as const;
export type ExposureKind = (typeof EXPOSURE_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Input

/**
 * One file of a compared tree, as a face read it. The core never touches the file system: the CLI
 * reads disk or git, the app reads GitHub, and both hand the core these.
 */
export interface ManifestFile {
  /** Path relative to the tree's root, with `/`. */
  path: string;
  /** The file's text (UTF-8 decoded). Absent when the face already knows it cannot be read. */
  text?: string;
  /**
   * Set by a face that could not read the text: GitHub says binary; a blob too large to fetch; or
   * `unavailable`, a changed file the source could not give (GitHub answered `null` for the blob, a text
   * cut short, a read that kept failing). `unreadableDetail` then says what happened.
   */
  unreadable?: "binary" | "too-large" | "unavailable";
  /** What went wrong reading an `unavailable` file, for the error message. */
  unreadableDetail?: string;
  /** Size in bytes, when the face knows it without the text (used for `too-large` messages). */
  size?: number;
  /** Set on the output of a render target (src/render/): what produced it and where its lines come from. */
  rendered?: RenderedSource;
}

/** Where a line of the repository is: what a finding on a rendered object points at. */
export interface SourceLocation {
  file: string;
  line: number;
  /** The line's text, so a one-line fix of the rendered field can be carried over to it. */
  text?: string;
}

/**
 * What produced a rendered file (CONTRACT.md, "Rendered sources"). The file's `path` is the target
 * itself (it is not a file of the repository); `lines` maps lines of the rendered text to the line a
 * reviewer can change, and `origin` is the target's own document, the fallback for everything else.
 */
export interface RenderedSource {
  /** `HelmRelease/media/plex`, `helm:charts/web`, `Application/argocd/shop`, `kustomize:deploy/overlays/prod`. */
  target: string;
  /** The namespace objects without one are deployed to (the release namespace). */
  namespace: string;
  origin: SourceLocation;
  /** 1-based rendered line -> where it comes from; lines not listed fall back to `origin`. */
  lines: ReadonlyMap<number, SourceLocation>;
}

/**
 * What the render stage (src/render/) hands the review for both sides: the engines' output as files,
 * the repository files those targets read (not reviewed on their own), and what went wrong.
 */
export interface RenderedSides {
  base: ManifestFile[];
  head: ManifestFile[];
  /** Repository paths that are inputs of a target on that side (templates, values, patches, resources). */
  inputs: { base: ReadonlySet<string>; head: ReadonlySet<string> };
  /** `render` and `chart-unavailable` entries. */
  errors: ReviewError[];
  /** Targets that failed on a side: their objects there are unknown, not added or removed. */
  failed: { base: readonly string[]; head: readonly string[] };
}

// ---------------------------------------------------------------------------------------------
// Parsing

export const ERROR_REASONS = ["syntax", "template", "too-large", "binary", "duplicate", "render", "chart-unavailable", "unavailable"] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

/** A file (or one document of it) that could not be reviewed. Never a crash. */
export interface ReviewError {
  file: string;
  line?: number;
  reason: ErrorReason;
  message: string;
  /**
   * Which tree the file belongs to. Head-side syntax/size/binary errors affect the conclusion, and an
   * `unavailable` file on either side (its objects are unknown, so nothing about the change is known).
   */
  side: Side;
  /**
   * Head side: false when the base side's copy of the file was unreadable the same way (the same
   * broken document, or the same whole-file reason), so the change did not introduce it.
   */
  new?: boolean;
  /**
   * The objects (ids) this unreadable piece hides: present on the other side, in this file, and
   * spelled out by the broken piece, so they are neither added nor removed but unknown here.
   */
  hides?: string[];
  /** The piece holds git merge-conflict markers (at `line`): faces name them as such, not as bad YAML. */
  conflictMarkers?: boolean;
}

export type Side = "base" | "head";

/** A path into a manifest document, as keys and indexes: `["spec", "ports", 0, "nodePort"]`. */
export type FieldPath = readonly (string | number)[];

/** A single-line or multi-line range in a file, 1-based lines and columns. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * A Kubernetes object read from one document of a manifest file (or one item of a `List`).
 * `body` is the plain JSON value, merge keys resolved, as kubectl would see it.
 */
export interface ManifestObject {
  /** As written, e.g. `gateway.networking.k8s.io/v1`; the group tells same-named kinds apart. */
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /**
   * `kind/namespace/name`: the identity used to match base and head (`Gateway.<group>/namespace/name`
   * for a kind several API groups define; prefixed by the target for a rendered object; see objectId).
   */
  id: string;
  /** The render target that produced this object; absent for a written manifest. */
  target?: string;
  file: string;
  /** Line where the object's document (or List item) starts. */
  line: number;
  body: Record<string, unknown>;
  /**
   * The source range of the field at `path` (the value's range for scalars, the key's line for
   * collections); falls back to the nearest ancestor that exists, then to the object's own line.
   */
  rangeOf(path: FieldPath): SourceRange;
  /** The file's lines (0-based array), so a rule can build a one-line fix from the exact text. */
  sourceLines: readonly string[];
}

export interface ParsedFile {
  path: string;
  objects: ManifestObject[];
  errors: ReviewError[];
  /**
   * Each piece (document) that could not be read, when the rest of the file was. Absent when the
   * file as a whole was not read (binary, too large). Lets the review treat as unknown only the
   * objects a broken piece could have held, and say which ones on the error entry.
   */
  unreadablePieces?: UnreadablePiece[];
}

/** A document that could not be read on one side, with the error entry that reports it. */
export interface UnreadablePiece {
  text: string;
  /** The entry in `errors` for this piece; the review adds the ids of the objects it hides. */
  error: ReviewError;
  /** A template's names are not literal: it could hold any object of a kind it spells out. */
  template: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reach

/**
 * One way in: a port of a Service above `cluster`, or a host+path of an Ingress.
 * `key` is the identity used to compare surfaces across sides (`TCP/443`, `shop.example.com/api`).
 */
export interface EntryPoint {
  key: string;
  kind: "port" | "route";
  /** Port entry points: protocol, the externally reachable port, the Service port and its name. */
  protocol?: string;
  port?: number;
  servicePort?: number;
  portName?: string;
  /** Route entry points: host (`*` for the catch-all) and path (`/` when none is given). */
  host?: string;
  path?: string;
  /** Route entry points: the backend Service and port (number or name) this route sends traffic to (the first, when several). */
  backend?: Backend;
  /**
   * Every backend, when the entry point forwards to more than one (several `backendRefs`, weighted
   * destinations, a Traefik services list, OpenShift alternate backends): `backend` is the first.
   * Absent with one backend. Read both through `backendsOf`.
   */
  backends?: Backend[];
  tls: boolean;
  /**
   * Serves only a redirect to HTTPS (an Istio server with `tls.httpsRedirect`): nothing is served in
   * plain text, so `tls` is true; renderers may say "redirects to HTTPS".
   */
  redirectsToHttps?: boolean;
  /** Line of the field this entry point comes from (the port item, the host, the default backend). */
  line: number;
  /**
   * The level of this entry point when it is not the object's: a route attached to a public and a
   * private Gateway is `public`, but what it serves on the private Gateway is `private`. Rules about
   * one entry point judge it at `entryPoint.level ?? reach.level`.
   */
  level?: ExistingLevel;
  /** Gateway API: the listener (by name) that this entry point is, or is served on. */
  listener?: string;
  /** Gateway API route entry points: the Gateway (`namespace/name`) it is served on. */
  gateway?: string;
  /**
   * What an entry point binds besides its key (a listener's `HTTPS/443 shop.example.com`): listeners are
   * matched across sides by name, and the same name binding something else is a changed entry point.
   */
  binding?: string;
  /** The TLS of this entry point cannot be known (its Gateway is not in the tree): no TLS rule judges it. */
  tlsUnknown?: boolean;
  /**
   * It answers only with a redirect to https (a Gateway API `RequestRedirect` with `scheme: https` and
   * no backend): it serves no content, so plain HTTP there is not a finding.
   */
  redirectOnly?: boolean;
  /** A Gateway listener: which namespaces may attach routes (`allowedRoutes.namespaces.from`), and where. */
  routesFrom?: { from: "Same" | "All" | "Selector"; line: number };
}

/** A backend Service of a route entry point: its name and port (number or name), as written. */
export interface Backend {
  service?: string;
  port?: number | string;
}

/** Every backend of an entry point: `backends` when it has several, else its `backend`. */
export function backendsOf(entryPoint: Pick<EntryPoint, "backend" | "backends">): Backend[] {
  return entryPoint.backends ?? (entryPoint.backend ? [entryPoint.backend] : []);
}

/** The backend fields of an entry point forwarding to `backends` (in order, repeats dropped): the first, and all of them when several. */
export function backendFields(backends: readonly Backend[]): Pick<EntryPoint, "backend" | "backends"> {
  const seen = new Set<string>();
  const distinct = backends.filter((backend) => {
    const key = `${backend.service ?? ""}|${backend.port ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const [first] = distinct;
  if (first === undefined) return {};
  return distinct.length > 1 ? { backend: first, backends: distinct } : { backend: first };
}

export interface AllowList {
  cidrs: string[];
  /** Where it was read: `spec.loadBalancerSourceRanges` or an annotation name. */
  source: string;
  line: number;
}

export interface Reach {
  level: ExistingLevel;
  /** The line of the field that decides the level (`type: LoadBalancer`, the class, the annotation). */
  levelLine: number;
  /** Short human reasons for the level, e.g. "LoadBalancer with aws-load-balancer-internal". */
  why: string[];
  entryPoints: EntryPoint[];
  allowList?: AllowList;
  /** Service only: the type as written (or `ClusterIP` by default). */
  serviceType?: string;
  /** Ingress only: the class name, and where it was read; undefined when no class is named. */
  ingressClass?: { name: string; line: number };
  /**
   * What the level rests on that the tree could not show (a route's Gateway that is not in the tree,
   * taken as public); every finding about the object says so.
   */
  assumptions?: string[];
}

// ---------------------------------------------------------------------------------------------
// Rules and findings

/** A one-click fix: replace lines `startLine..endLine` of the head file with `replacement`. */
export interface Fix {
  startLine: number;
  endLine: number;
  /** The new text of those lines, without the trailing newline. May contain several lines. */
  replacement: string;
}

/** What a rule returns: no severity (the report step decides it) and no `new` flag. */
export interface RawFinding {
  rule: RuleId;
  line: number;
  /**
   * Set when `line` is a line of the base side's file (a deleted certificate annotation or `spec.tls`
   * entry): the cause of the finding is a line the change removed. Faces comment on the LEFT side.
   */
  side?: "base";
  message: string;
  /**
   * The risk in a few words, for titles: "Redis 6379 public via a new LoadBalancer". Names the object's
   * own facts (product, port, host); the object itself is named by whoever shows it.
   */
  headline?: string;
  recommendation: string;
  fix?: Fix;
  /**
   * The one entry point this finding is about (a host and path, a port, a listener), by a key stable
   * across the two sides: the finding is new unless the same rule fired on the base side with this key.
   * The message names the entry point already.
   */
  entryPoint?: string;
  /**
   * What a finding about the object as a whole covers (its ports, external addresses, open CIDRs), by
   * stable key with the label a reviewer reads: the finding is new when any of them is new, and then
   * says which (`public-loadbalancer` about a port added to an old public load balancer). Without
   * `entryPoint` or `covers`, the finding is keyed on the object alone.
   */
  covers?: { key: string; label: string }[];
}

export interface Finding extends RawFinding {
  /**
   * The file `line` is in, when it is not the object's own `file`: a rendered object's finding points at
   * the values file, HelmRelease, patch or template line that produced the field. Faces use
   * `finding.file ?? object.file`.
   */
  file?: string;
  severity: Severity;
  /**
   * False when the same rule fired for the same object and the same entry point on the base side (for a
   * finding with `covers`: on every entry point it covers).
   */
  new: boolean;
  /**
   * A finding with `covers` that the rule gave before about other entry points: the labels of those this
   * change adds (`TCP/8443`). Its message says them; a review comment's marker carries them, so a later
   * commit that adds yet another port gets a comment of its own.
   */
  newlyCovered?: string[];
}

export interface SuppressedFinding extends Finding {
  reason: string;
  /** Where the suppression came from: the config file or the object's annotation. */
  by: "config" | "annotation";
  /**
   * An annotation suppression that this change itself adds (the base object did not allow the rule):
   * a pull request silencing its own finding, which a reviewer should see as such.
   */
  addedByChange?: boolean;
  /** The head line of the annotation that suppresses it (annotation suppressions only). */
  suppressedAt?: number;
  /**
   * A suppression the change adds while `conclusion.addedSuppressions` is `count`: listed as suppressed,
   * but it still decides the conclusion as if it were not.
   */
  counted?: boolean;
}

/** One side of an object, as rules see it. */
export interface ObjectSide {
  object: ManifestObject;
  reach: Reach;
}

// ---------------------------------------------------------------------------------------------
// Report

/**
 * What an object that routes traffic makes reachable (CONTRACT.md "Exposure paths"): one backend
 * Service and port, and the workloads whose pod labels its selector matches, resolved on the object's
 * side of the change (head, else base).
 */
export interface Exposure {
  /** `namespace/name` of the Service. */
  service: string;
  /** The Service port; a port name when it could not be resolved to a number; absent when none is named. */
  port?: number | string;
  /** `Kind/namespace/name` of each workload whose pod template labels the Service selects. */
  workloads: string[];
  /** For a Gateway: the route attached to it that carries this traffic (`HTTPRoute/shop/store`). */
  route?: string;
  /**
   * For the path line, the way in: for a route, each gateway it is reached through at its level
   * (`Gateway infra/public`); for a gateway's entry, the gateway itself. Each with the ports of the
   * listeners or servers that really carry the route, TLS ports first (what clients use); none when
   * they are unknown (a gateway not in the tree).
   */
  via?: { label: string; ports: number[] }[];
  /** False when the Service is named but not on this side of the change (so its workloads are unknown). */
  found: boolean;
}

export interface ObjectReport {
  kind: string;
  /** The shown side's apiVersion (head, else base). */
  apiVersion: string;
  namespace: string;
  name: string;
  id: string;
  /** The render target of a rendered object (`HelmRelease/media/plex`); absent for a written manifest. */
  target?: string;
  file: string;
  line: number;
  change: ChangeKind;
  classification: Classification;
  level: { base: Level; head: Level };
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Reach on each side, for renderers that explain the change. */
  reach: { base?: Reach; head?: Reach };
  /** The base side's file when it differs from `file` (a moved and modified object). */
  baseFile?: string;
  /**
   * What changed in the exposure-relevant fields, one line each ("spec.type: ClusterIP → LoadBalancer"),
   * from a jsondiffpatch delta (src/core/delta.ts). Empty for added and removed objects.
   */
  changes: string[];
  /** What the object makes reachable, for every kind that routes traffic (src/core/exposes.ts). */
  exposes?: Exposure[];
  /**
   * The lines its document spans on each side (the base side's in `baseFile ?? file`), so a face can tell
   * whether a change touched the object at all.
   */
  span?: { base?: LineSpan; head?: LineSpan };
}

/** First and last line of a piece of a file, 1-based, inclusive. */
export interface LineSpan {
  line: number;
  endLine: number;
}

export interface Report {
  version: 1;
  conclusion: Conclusion;
  objects: ObjectReport[];
  errors: ReviewError[];
  /** Counts for summaries: files read per side, objects compared. */
  stats: { baseFiles: number; headFiles: number; objectsCompared: number };
}
