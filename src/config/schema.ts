/**
 * `.github/exposure.yml`, as CONTRACT.md fixes it. The zod schema is the documentation: every field
 * has a description, which also lands in the committed JSON Schema (`schema/exposure.schema.json`)
 * that editors use to validate the file.
 */
import { z } from "zod";
import { RULE_IDS } from "../core/model.js";

export const SEVERITY_SETTING = z
  .enum(["off", "notice", "warning", "failure"])
  .describe("off: the rule does not run and is not listed; otherwise the severity of its findings.");

const ruleSeverities = Object.fromEntries(RULE_IDS.map((id) => [id, SEVERITY_SETTING.optional()])) as Record<
  (typeof RULE_IDS)[number],
  z.ZodOptional<typeof SEVERITY_SETTING>
>;

export const configSchema = z
  .strictObject({
    rules: z
      .strictObject(ruleSeverities)
      .default({})
      .describe("Severity per rule id (off | notice | warning | failure). Rules not named keep their default."),
    conclusion: z
      .strictObject({
        warnings: z
          .enum(["success", "neutral", "failure"])
          .default("neutral")
          .describe("The check conclusion when the worst counted finding is a warning."),
        preexisting: z
          .enum(["ignore", "count"])
          .default("ignore")
          .describe(
            "ignore: only findings new in this change decide the conclusion (older ones are shown as already present); count: every finding does.",
          ),
        addedSuppressions: z
          .enum(["allow", "count"])
          .default("allow")
          .describe(
            "allow: an exposure-review.io/allow annotation that the pull request itself adds silences the finding (it is still shown and commented on); count: such findings still decide the conclusion.",
          ),
      })
      .default({ warnings: "neutral", preexisting: "ignore", addedSuppressions: "allow" })
      .describe("How findings become the check's conclusion."),
    ingress: z
      .strictObject({
        internalClasses: z
          .array(z.string().min(1))
          .default([])
          .describe("Ingress classes whose controller is private (e.g. nginx-internal): their Ingresses are `private`."),
      })
      .default({ internalClasses: [] })
      .describe("What the review should know about the cluster's ingress controllers."),
    gateway: z
      .strictObject({
        internalClasses: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "GatewayClasses whose data plane is private (e.g. envoy-internal): their Gateways, and the routes attached to them, are `private`. Known internal classes of GKE and Amazon VPC Lattice need not be listed.",
          ),
        gateways: z
          .record(
            z.string().regex(/^[^/]+\/[^/]+$/, "expected namespace/name"),
            z.enum(["public", "private"]).describe("The level of this Gateway's listeners."),
          )
          .default({})
          .describe(
            'Levels of Gateways by "namespace/name": overrides what the Gateway in the tree says (teams run internal and external Gateways of one class), and gives the level of a Gateway the tree does not hold (else it is assumed public).',
          ),
      })
      .default({ internalClasses: [], gateways: {} })
      .describe("What the review should know about the cluster's Gateway API Gateways."),
    istio: z
      .strictObject({
        internalGateways: z
          .array(
            z
              .record(z.string().min(1), z.string())
              .describe("Labels of a private ingress gateway's pods, e.g. {istio: ilbgateway}."),
          )
          .default([])
          .describe(
            "Selectors of private Istio ingress gateways: an Istio Gateway whose spec.selector holds every label of an entry is `private`, and so are the VirtualServices bound only to it.",
          ),
      })
      .default({ internalGateways: [] })
      .describe("What the review should know about the Istio ingress gateways."),
    traefik: z
      .strictObject({
        internalEntryPoints: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "Traefik entry points that listen only on private addresses (e.g. internal, lan): an IngressRoute whose entryPoints are all listed is `private`.",
          ),
      })
      .default({ internalEntryPoints: [] })
      .describe("What the review should know about the Traefik entry points."),
    paths: z
      .strictObject({
        include: z
          .array(z.string().min(1))
          .default(["**/*.yaml", "**/*.yml", "**/*.json"])
          .describe("Glob patterns of manifest files to review, relative to the repository root."),
        exclude: z
          .array(z.string().min(1))
          .default([])
          .describe("Glob patterns of files never to review, even when they match `include`."),
      })
      .default({ include: ["**/*.yaml", "**/*.yml", "**/*.json"], exclude: [] })
      .describe("Which files are manifests."),
    render: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe("false: review written manifests only; Helm charts, HelmReleases, Applications and Kustomize roots are not rendered."),
        helm: z
          .array(
            z.strictObject({
              chart: z.string().min(1).describe("A chart directory of this repository (holding Chart.yaml), e.g. charts/web."),
              release: z.string().min(1).optional().describe("The release name (default: the chart's name)."),
              namespace: z.string().min(1).default("default").describe("The release namespace."),
              values: z
                .array(z.string().min(1))
                .default([])
                .describe("Values files of this repository, applied in order after the chart's values.yaml."),
            }),
          )
          .default([])
          .describe("How to render charts of this repository; a chart named here is rendered only as these entries say."),
        kustomize: z
          .array(z.string().min(1))
          .default([])
          .describe("Kustomize roots (directories) to render besides those found in the tree."),
        repositories: z
          .array(z.string().min(1))
          .default([])
          .describe(
            "URL prefixes of chart repositories on private addresses (an internal Helm repository or registry): charts are fetched from there too, over http as well.",
          ),
        remoteBases: z
          .boolean()
          .default(false)
          .describe("true: fetch remote Kustomize bases (git or http URLs); otherwise such a root is an error entry."),
        timeoutSeconds: z
          .number()
          .positive()
          .max(300)
          .default(20)
          .describe("Time limit shared by every render of one side (engines and chart fetches)."),
      })
      .default({ enabled: true, helm: [], kustomize: [], repositories: [], remoteBases: false, timeoutSeconds: 20 })
      .describe("Rendering Helm charts, Flux HelmReleases, Argo CD Applications and Kustomize roots, so what they deploy is reviewed."),
    drafts: z
      .boolean()
      .default(true)
      .describe("GitHub App only: review draft pull requests too (set false to wait until ready for review)."),
    suppressions: z
      .array(
        z.strictObject({
          rule: z
            .union([z.enum(RULE_IDS), z.literal("*")])
            .describe('A rule id, or "*" for every rule.'),
          object: z
            .string()
            .regex(/^[^/]+\/[^/]+\/[^/]+$/, "expected Kind/namespace/name (\"*\" matches within a part)")
            .describe('Kind/namespace/name; "*" matches within a part, e.g. Service/edge/* or */*/legacy-*.'),
          reason: z.string().min(1).describe("Why this is accepted; shown next to the suppressed finding."),
        }),
      )
      .default([])
      .describe("Accepted findings. A suppressed finding does not count toward the conclusion and is listed with its reason."),
  })
  .describe("exposure-review configuration (.github/exposure.yml). Every field is optional.");

/** The config file as a user writes it (everything optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The config with every default applied: what the core reads. */
export type Config = z.output<typeof configSchema>;
export type Suppression = Config["suppressions"][number];

export const DEFAULT_CONFIG: Config = configSchema.parse({});
