/**
 * Expected reviews of the shared real-world corpus (/work/shared/corpus), written by reading each case
 * against CONTRACT.md, never by running the tool. docs/corpus-notes.md says, per case, how it was read
 * and where the contract left a choice.
 *
 * Every case here is reviewed with the default config. `objects` is exhaustive: an object the review
 * lists that is not here is a failure, and so is a rule id not named in `findings`.
 */
import type { ChangeKind, Classification, Conclusion, ErrorReason, Level, RuleId } from "../../src/core/model.js";

export interface ExpectedObject {
  /** `Kind/namespace/name`. */
  id: string;
  /** The head side's path (the base side's for a removed object), relative to that side's root. */
  file: string;
  /** Where the object's document (or List item) starts: the line of its first key. Given where checked. */
  line?: number;
  change: ChangeKind;
  classification: Classification;
  /** [base, head] */
  level: [Level, Level];
  /** Every rule that fires for the object, with the `new` flag its findings must carry. */
  findings: Partial<Record<RuleId, boolean>>;
}

export interface ExpectedError {
  file: string;
  reason: ErrorReason;
}

export interface ExpectedCase {
  /** `real/<case>` or `peers/<case>`. */
  name: string;
  conclusion: Conclusion;
  objects: ExpectedObject[];
  errors: ExpectedError[];
}

const PWT = "public-without-tls";
const PLB = "public-loadbalancer";
const WILD = "wildcard-host";
const NOCLASS = "ingress-class-missing";

export const EXPECTED: ExpectedCase[] = [
  // ------------------------------------------------------------------------------------------ peers
  {
    name: "peers/checkov-nginx-ingress-snippet",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/app-ingress",
        file: "annotation1-FAILED.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        // `paths` is a sibling of `http: null`: the rule has no host + path pair, so no entry point.
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "peers/checkov-tiller-services-list",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/flask-svc",
        file: "tiller-services.yaml",
        line: 3,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
      // Two items share this identity: each definition is reviewed and listed at its own line.
      ...[23, 46].map(
        (line): ExpectedObject => ({
          id: "Service/kube-system/tiller-deploy",
          file: "tiller-services.yaml",
          line,
          change: "added",
          classification: "internal",
          level: ["none", "cluster"],
          findings: {},
        }),
      ),
    ],
    errors: [{ file: "tiller-services.yaml", reason: "duplicate" }],
  },
  {
    name: "peers/kubelinter-dangling-ingress",
    conclusion: "failure",
    objects: [
      ["Service", "dont-fire", 2],
      ["Ingress", "dont-fire", 13],
      ["Ingress", "dont-fire-named-port", 27],
      ["Ingress", "dont-fire-defaultbackend", 41],
      ["Ingress", "dont-fire-resource", 52],
      ["Ingress", "missing-service", 66],
      ["Service", "bad-port", 80],
      ["Ingress", "bad-port", 90],
    ].map(([kind, name, line]) =>
      kind === "Service"
        ? {
            id: `Service/default/${name}`,
            file: "dangling-ingress.yml",
            line: line as number,
            change: "added" as const,
            classification: "internal" as const,
            level: ["none", "cluster"] as [Level, Level],
            findings: {},
          }
        : {
            id: `Ingress/default/${name}`,
            file: "dangling-ingress.yml",
            line: line as number,
            change: "added" as const,
            classification: "public" as const,
            level: ["none", "public"] as [Level, Level],
            findings: { [PWT]: true, [WILD]: true, [NOCLASS]: true },
          },
    ),
    errors: [],
  },
  {
    name: "peers/kubelinter-exposed-services",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/dont-fire",
        file: "exposed-services.yml",
        line: 2,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
      {
        id: "Service/default/app",
        file: "exposed-services.yml",
        line: 14,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubelinter-helm-service-template",
    conclusion: "success",
    objects: [],
    errors: [{ file: "service.yaml", reason: "template" }],
  },
  {
    name: "peers/kubescape-appgw-ingress-tls-other-host",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/aspnetapp",
        file: "ingress.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-azure-internal-false-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/rmq-external-service",
        file: "svc.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true, "sensitive-port-exposed": true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-azure-internal-lb",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/rmq-external-service",
        file: "svc.yaml",
        line: 1,
        change: "added",
        classification: "widened",
        level: ["none", "private"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-dashboard-lb-443",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/repro-c0021/dashboard-svc-a",
        file: "service-a.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-exposure-ingress-no-tls",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/my-ingress",
        file: "ingress.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-exposure-lb-service",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/my-service",
        file: "service.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-exposure-nodeport",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/ns1/my-service",
        file: "service.yaml",
        line: 1,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescape-ingress-tls-ok",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/example-ingress-tls",
        file: "ingress.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [NOCLASS]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-ingress-issue363-invalid-paths",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/testspace/app-ingress",
        file: "ingress_issue363.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [NOCLASS]: true },
      },
      {
        id: "Service/testspace/app-service",
        file: "ingress_issue363.yaml",
        line: 20,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-ingress-issue388-no-http",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/testspace/app-ingress",
        file: "ingress_issue388.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [NOCLASS]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-ingress-v1-invalid-backend",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/whatever",
        file: "ingress-v1-invalid-backend.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [NOCLASS]: true },
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-ingress-v1-targets-service",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/testspace/app-ingress",
        file: "ingress-networkingv1-targets-service.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true, [NOCLASS]: true },
      },
      {
        id: "Service/testspace/app-service",
        file: "ingress-networkingv1-targets-service.yaml",
        line: 17,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-ingress-v1beta1-extensions",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/testspace/app-ingress",
        file: "ingress-targets-service.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true, [NOCLASS]: true },
      },
      {
        id: "Service/testspace/app-service",
        file: "ingress-targets-service.yaml",
        line: 15,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "peers/kubescore-service-externalname",
    conclusion: "success",
    objects: [
      {
        id: "Service/site/wp-site",
        file: "service-externalname.yaml",
        line: 1,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: { externalname: true },
      },
    ],
    errors: [],
  },
  ...(["clusterip", "default"] as const).map(
    (variant): ExpectedCase => ({
      name: `peers/kubescore-service-type-${variant}`,
      conclusion: "success",
      objects: [
        {
          id: "Service/foospace/node-port-service",
          file: `service-type-${variant}.yaml`,
          line: 1,
          change: "added",
          classification: "internal",
          level: ["none", "cluster"],
          findings: {},
        },
      ],
      errors: [],
    }),
  ),
  {
    name: "peers/kubescore-service-type-nodeport",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/foospace/node-port-service",
        file: "service-type-nodeport.yaml",
        line: 1,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },

  // ------------------------------------------------------------------------------------------- real
  {
    name: "real/aks-store-ingress-quickstart-added",
    conclusion: "failure",
    objects: [
      ...(
        [
          ["rabbitmq", 58],
          ["order-service", 148],
          ["product-service", 207],
          ["store-front", 276],
        ] as const
      ).map(
        ([name, line]): ExpectedObject => ({
          id: `Service/default/${name}`,
          file: "aks-store-ingress-quickstart.yaml",
          line,
          change: "added",
          classification: "internal",
          level: ["none", "cluster"],
          findings: {},
        }),
      ),
      {
        id: "Ingress/default/store-front",
        file: "aks-store-ingress-quickstart.yaml",
        line: 288,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/aks-store-lbs-to-clusterip",
    conclusion: "failure",
    objects: [
      ...(
        [
          ["mongodb", 25],
          ["rabbitmq", 67],
          ["ai-service", 117],
          ["order-service", 166],
          ["makeline-service", 213],
        ] as const
      ).map(
        ([name, line]): ExpectedObject => ({
          id: `Service/default/${name}`,
          file: "aks-store-all-in-one.yaml",
          line,
          change: "modified",
          classification: "internal",
          level: ["public", "cluster"],
          findings: {},
        }),
      ),
      {
        id: "Service/default/store-admin",
        file: "aks-store-all-in-one.yaml",
        line: 295,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    // The base side defines Service/default/store-front twice, identically, in the one file: equal
    // copies need no duplicate entry, and dropping one of them changes nothing.
    errors: [],
  },
  {
    name: "real/aks-store-mongodb-to-documentdb",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/documentdb",
        file: "aks-store-all-in-one.yaml",
        line: 51,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
      {
        id: "Service/default/mongodb",
        file: "aks-store-all-in-one.yaml",
        line: 52,
        change: "removed",
        classification: "removed",
        level: ["cluster", "none"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/aks-store-rewrite-services",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/redis",
        file: "aks-store-all-in-one.yaml",
        line: 104,
        change: "removed",
        classification: "removed",
        level: ["public", "none"],
        findings: {},
      },
      {
        id: "Service/default/makeline-service",
        file: "aks-store-all-in-one.yaml",
        line: 166,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
      {
        id: "Service/default/virtual-worker",
        file: "aks-store-all-in-one.yaml",
        line: 240,
        change: "removed",
        classification: "removed",
        level: ["public", "none"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/alb-2048-files-merged",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/2048-game/2048-ingress",
        file: "docs/examples/2048/2048-ingress.yaml",
        line: 1,
        change: "removed",
        classification: "removed",
        level: ["public", "none"],
        findings: {},
      },
      {
        id: "Service/2048-game/service-2048",
        file: "docs/examples/2048/2048-service.yaml",
        line: 1,
        change: "removed",
        classification: "removed",
        level: ["node", "none"],
        findings: {},
      },
      {
        id: "Service/game-2048/service-2048",
        file: "docs/examples/2048/2048_full.yaml",
        line: 29,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
      {
        id: "Ingress/game-2048/ingress-2048",
        file: "docs/examples/2048/2048_full.yaml",
        line: 43,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/alb-echoserver-host-removed",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/echoserver/echoserver",
        file: "docs/examples/echoservice/echoserver-ingress.yaml",
        line: 1,
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        // CONTRACT.md (amended): `new` per entry point; the catch-all serving plain HTTP is a new entry point.
        findings: { [PWT]: true, [WILD]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/alb-grpc-redirect-path-removed",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/grpcserver/grpcserver",
        file: "docs/examples/grpc/grpcserver-ingress.yaml",
        line: 1,
        change: "modified",
        classification: "narrowed",
        level: ["public", "public"],
        findings: { [PWT]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/alb-ingress-apiversion-v1",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/echoserver/echoserver",
        file: "docs/examples/echoservice/echoserver-ingress.yaml",
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PWT]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/boutique-lb-port-named",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/frontend-external",
        file: "kubernetes-manifests/frontend.yaml",
        line: 66,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PLB]: false, [PWT]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/boutique-lb-port-swapped",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/frontend-external",
        file: "kubernetes-manifests/frontend.yaml",
        line: 65,
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        // CONTRACT.md (amended): `new` per entry point; port 80 is new on the public load balancer.
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/boutique-redis-moved-assistant-removed",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/shoppingassistantservice",
        file: "kubernetes-manifests/shoppingassistantservice.yaml",
        change: "removed",
        classification: "removed",
        level: ["cluster", "none"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/eks-alb-ingress-externaldns-added",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/ui/ui-retailstore-com",
        file: "manifests/modules/exposing/ingress/external-dns/ingress.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/gke-guestbook-frontend-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/frontend",
        file: "guestbook/frontend-service.yaml",
        line: 1,
        change: "modified",
        classification: "public",
        level: ["cluster", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/gke-ilb-annotation-key-migrated",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/foo",
        file: "services/single-cluster/internal-lb-service/internal-lb-service.yaml",
        // The file opens with a license comment and a blank line; the document's first key is line 15.
        line: 15,
        change: "modified",
        classification: "unchanged",
        level: ["private", "private"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/gke-ingress-moved-annotations-renamed",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/frontend",
        file: "autopilot/networking-tutorial/kubernetes-manifests.yaml",
        line: 34,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        // The GKE managed certificate serves TLS on the load balancer for every host.
        findings: { [WILD]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/gke-multicluster-ilb-merged",
    conclusion: "success",
    objects: [
      {
        id: "Service/multi-cluster-demo/whereami",
        file: "services/multi-cluster/ilb/app.yaml",
        line: 36,
        change: "removed",
        classification: "removed",
        level: ["cluster", "none"],
        findings: {},
      },
      {
        id: "Service/multi-cluster-demo/wheraami-ilb",
        file: "services/multi-cluster/ilb/app.yaml",
        line: 36,
        change: "modified",
        classification: "unchanged",
        level: ["private", "private"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/gke-secure-ingress-hosts-templated",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/secure-ingress",
        file: "ingress/secure-ingress/secure-ingress.yaml",
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        // TLS from the GKE managed certificate `foobar-certificate`.
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/guestbook-allinone-frontend-nodeport",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/frontend",
        file: "guestbook/all-in-one/guestbook-all-in-one.yaml",
        line: 98,
        change: "modified",
        classification: "widened",
        level: ["cluster", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  { name: "real/guestbook-go-json-to-yaml", conclusion: "success", objects: [], errors: [] },
  {
    name: "real/guestbook-redis-slave-renamed",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/redis-replica",
        file: "guestbook/all-in-one/guestbook-all-in-one.yaml",
        line: 46,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
      {
        id: "Service/default/redis-slave",
        file: "guestbook/all-in-one/guestbook-all-in-one.yaml",
        line: 46,
        change: "removed",
        classification: "removed",
        level: ["cluster", "none"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/guestbook-ui-lb-removed-tabs",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/guestbook-ui",
        file: "guestbook/guestbook-ui-svc.yaml",
        line: 1,
        change: "modified",
        classification: "internal",
        level: ["public", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  { name: "real/guestbook-ui-whitespace-only", conclusion: "success", objects: [], errors: [] },
  {
    name: "real/helm-sockshop-ingress-templated",
    conclusion: "success",
    objects: [],
    errors: [{ file: "deploy/kubernetes/helm-chart/templates/ingress.yaml", reason: "template" }],
  },
  {
    name: "real/ingress-nginx-aws-elb-redirect-port",
    conclusion: "success",
    objects: [
      {
        id: "Service/ingress-nginx/ingress-nginx-controller",
        file: "deploy/static/provider/aws/deploy-tls-termination.yaml",
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PLB]: false, [PWT]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/ingress-nginx-client-certs-host-swap",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/nginx-test",
        file: "docs/examples/auth/client-certs/ingress.yaml",
        line: 1,
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        findings: { [NOCLASS]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/ingress-nginx-docs-class-added",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/cookie-samesite-none",
        file: "docs/examples/affinity/cookie/ingress-samesite.yaml",
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PWT]: false },
      },
      {
        id: "Ingress/default/cookie-samesite-strict",
        file: "docs/examples/affinity/cookie/ingress-samesite.yaml",
        line: 27,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PWT]: false },
      },
      {
        id: "Ingress/docker-registry/docker-registry",
        file: "docs/examples/docker-registry/ingress-without-tls.yaml",
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PWT]: false },
      },
      {
        id: "Ingress/default/nginx-test",
        file: "docs/examples/tls-termination/ingress.yaml",
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/ingress-nginx-grpc-example-removed",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/default/fortune-ingress",
        file: "docs/examples/grpc/ingress.yaml",
        line: 1,
        change: "removed",
        classification: "removed",
        level: ["public", "none"],
        findings: {},
      },
      {
        id: "Service/default/fortune-teller-service",
        file: "docs/examples/grpc/svc.yaml",
        line: 1,
        change: "removed",
        classification: "removed",
        level: ["cluster", "none"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/ingress-nginx-kind-nodeport-to-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/ingress-nginx/ingress-nginx-controller",
        file: "deploy/static/provider/kind/deploy.yaml",
        line: 335,
        change: "modified",
        classification: "public",
        level: ["node", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
      {
        id: "Service/ingress-nginx/ingress-nginx-controller-admission",
        file: "deploy/static/provider/kind/deploy.yaml",
        line: 367,
        change: "modified",
        classification: "unchanged",
        level: ["cluster", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/ingress-nginx-multi-tls-broken-yaml",
    conclusion: "neutral",
    objects: [],
    errors: [{ file: "docs/examples/multi-tls/multi-tls.yaml", reason: "syntax" }],
  },
  {
    name: "real/ingress-nginx-release-tabs-break-configmap",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/ingress-nginx/ingress-nginx-controller-admission",
        file: "deploy/static/provider/aws/deploy-tls-termination.yaml",
        change: "modified",
        classification: "unchanged",
        level: ["cluster", "cluster"],
        findings: {},
      },
      {
        id: "Service/ingress-nginx/ingress-nginx-controller",
        file: "deploy/static/provider/aws/deploy-tls-termination.yaml",
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PLB]: false, [PWT]: false },
      },
    ],
    errors: [{ file: "deploy/static/provider/aws/deploy-tls-termination.yaml", reason: "syntax" }],
  },
  {
    name: "real/minio-clusterip-to-loadbalancer",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/minio-service",
        file: "storage/minio-distributed/minio-distributed-service.yaml",
        line: 1,
        change: "modified",
        classification: "public",
        level: ["cluster", "public"],
        findings: { [PLB]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/nginx-aws-elb-to-nlb-annotations",
    conclusion: "success",
    objects: [
      {
        id: "Service/nginx-ingress/nginx-ingress",
        file: "deployments/service/loadbalancer-aws-elb.yaml",
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: { [PLB]: false, [PWT]: false },
      },
    ],
    errors: [],
  },
  {
    name: "real/nginx-examples-class-annotation-to-field",
    conclusion: "success",
    objects: [
      ["app-protect-waf/cafe-ingress.yaml", "cafe-ingress", {}],
      ["mergeable-ingress-types/cafe-master.yaml", "cafe-ingress-master", {}],
      ["mergeable-ingress-types/coffee-minion.yaml", "cafe-ingress-coffee-minion", { [PWT]: false }],
      ["mergeable-ingress-types/tea-minion.yaml", "cafe-ingress-tea-minion", { [PWT]: false }],
    ].map(
      ([file, name, findings]): ExpectedObject => ({
        id: `Ingress/default/${name as string}`,
        file: `examples/ingress-resources/${file as string}`,
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["public", "public"],
        findings: findings as ExpectedObject["findings"],
      }),
    ),
    errors: [],
  },
  {
    name: "real/nginx-ts-externalname-added",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/externalname-service",
        file: "examples/custom-resources/externalname-services/transport-server/externalname-svc.yaml",
        line: 1,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: { externalname: true },
      },
      {
        id: "Service/external-ns/secure-app-external-backend-svc",
        file: "examples/custom-resources/externalname-services/transport-server/secure-app-external.yaml",
        line: 40,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/podinfo-ingress-host-swap",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/podinfo",
        file: "deploy/istio/podinfo-ing.yaml",
        line: 1,
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        // CONTRACT.md (amended): `new` per entry point; podinfo.co.uk is a new plaintext host.
        findings: { [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/podinfo-ingress-moved-to-namespace",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/podinfo",
        file: "deploy/istio/podinfo-ing.yaml",
        line: 1,
        change: "removed",
        classification: "removed",
        level: ["public", "none"],
        findings: {},
      },
      {
        id: "Service/default/podinfo",
        file: "deploy/istio/podinfo-svc.yaml",
        line: 2,
        change: "removed",
        classification: "removed",
        level: ["node", "none"],
        findings: {},
      },
      {
        id: "Ingress/test/podinfo",
        file: "deploy/istio-v1alpha3/ing.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/podinfo-istio-ingress-nodeport-added",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/podinfo",
        file: "deploy/istio/podinfo-ing.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true },
      },
      {
        id: "Service/default/podinfo",
        file: "deploy/istio/podinfo-svc.yaml",
        line: 2,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/podinfo-skaffold-clusterip-to-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/default/podinfo",
        file: "deploy/skaffold/test/service.yaml",
        line: 1,
        change: "modified",
        classification: "public",
        level: ["cluster", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/rook-dashboard-ingress-tls-added",
    conclusion: "success",
    objects: [
      {
        id: "Ingress/rook-ceph/rook-ceph-mgr-dashboard",
        file: "cluster/examples/kubernetes/ceph/dashboard-ingress-https.yaml",
        // Lines 1-7 are a comment; the document's first key is line 8.
        line: 8,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/rook-demo-nodeport-externalip-added",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/rest",
        file: "demo/kubernetes/rook.yml",
        line: 1,
        change: "added",
        classification: "widened",
        level: ["none", "private"],
        findings: { nodeport: true, "external-ips": true },
      },
    ],
    errors: [],
  },
  {
    name: "real/selenium-hub-nodeport-ports-added",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/selenium-hub",
        file: "staging/selenium/selenium-hub-svc.yaml",
        line: 1,
        change: "modified",
        classification: "widened",
        level: ["node", "node"],
        // CONTRACT.md (amended): `new` per entry point; ports 4443 and 4442 are new node ports.
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-carts-service-added",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/carts",
        file: "sock-shop/base/carts-svc.yaml",
        line: 2,
        change: "added",
        classification: "internal",
        level: ["none", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-complete-demo-syntax-error",
    conclusion: "neutral",
    objects: [],
    errors: [{ file: "deploy/kubernetes/complete-demo.yaml", reason: "syntax" }],
  },
  {
    name: "real/sockshop-frontend-lb-to-nodeport",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/sock-shop/front-end",
        file: "deploy/kubernetes/manifests/10-front-end-svc.yaml",
        line: 2,
        change: "modified",
        classification: "narrowed",
        level: ["public", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-frontend-nodeport-to-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/sock-shop/front-end",
        file: "deploy/kubernetes/manifests/front-end-svc.yaml",
        line: 2,
        change: "modified",
        classification: "public",
        level: ["node", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-grafana-lb-to-nodeport",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/monitoring/grafana",
        file: "deploy/kubernetes/manifests-monitoring/22-grafana-svc.yaml",
        line: 1,
        change: "modified",
        classification: "narrowed",
        level: ["public", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-grafana-nodeport-to-lb",
    conclusion: "failure",
    objects: [
      {
        id: "Service/monitoring/grafana",
        file: "deploy/kubernetes/manifests-monitoring/grafana-svc.yaml",
        line: 1,
        change: "modified",
        classification: "public",
        level: ["node", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sockshop-lb-replaced-by-ingress",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/front-end-ingress",
        file: "sock-shop/base/front-end-ingress.yaml",
        line: 2,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true },
      },
      {
        id: "Service/default/front-end",
        file: "sock-shop/base/front-end-svc.yaml",
        line: 2,
        change: "modified",
        classification: "internal",
        level: ["public", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/sourcegraph-frontend-nodeport-to-nginx-svc",
    conclusion: "neutral",
    objects: [
      {
        id: "Service/default/sourcegraph-frontend",
        file: "base/frontend/sourcegraph-frontend.Service.yaml",
        line: 1,
        change: "modified",
        classification: "internal",
        level: ["node", "cluster"],
        findings: {},
      },
      {
        id: "Service/default/nginx",
        file: "configure/nginx-svc/nginx.Service.yaml",
        line: 1,
        change: "added",
        classification: "widened",
        level: ["none", "node"],
        findings: { nodeport: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sourcegraph-ingress-host-to-catchall",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/default/sourcegraph-frontend",
        file: "base/frontend/sourcegraph-frontend.Ingress.yaml",
        line: 1,
        change: "modified",
        classification: "widened",
        level: ["public", "public"],
        // CONTRACT.md (amended): `new` per entry point; the catch-all serving plain HTTP is a new entry point.
        findings: { [PWT]: true, [WILD]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sourcegraph-ingress-nginx-added",
    conclusion: "failure",
    objects: [
      {
        id: "Ingress/prod/sourcegraph-frontend",
        file: "base/frontend/sourcegraph-frontend.Ingress.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PWT]: true, [WILD]: true },
      },
      {
        id: "Service/default/sourcegraph-frontend",
        file: "base/frontend/sourcegraph-frontend.Service.yaml",
        line: 1,
        change: "modified",
        classification: "narrowed",
        level: ["node", "node"],
        findings: { nodeport: false },
      },
      {
        id: "Service/ingress-nginx/ingress-nginx",
        file: "configure/ingress-nginx/cloud-generic.yaml",
        line: 1,
        change: "added",
        classification: "public",
        level: ["none", "public"],
        findings: { [PLB]: true, [PWT]: true },
      },
    ],
    errors: [],
  },
  {
    name: "real/sourcegraph-lang-ingresses-removed",
    conclusion: "success",
    objects: [
      ["go/lang-go.Ingress.yaml", "Ingress/default/lang-go", "public"],
      ["go/lang-go.Service.yaml", "Service/default/lang-go", "cluster"],
      ["typescript/lang-typescript.Ingress.yaml", "Ingress/default/lang-typescript", "public"],
      ["typescript/lang-typescript.Service.yaml", "Service/default/lang-typescript", "cluster"],
      ["typescript/npm-proxy.Service.yaml", "Service/default/npm-proxy", "cluster"],
    ].map(
      ([file, id, level]): ExpectedObject => ({
        id: id as string,
        file: `configure/lang/${file as string}`,
        line: 1,
        change: "removed",
        classification: "removed",
        level: [level as Level, "none"],
        findings: {},
      }),
    ),
    errors: [],
  },
  {
    name: "real/spark-webui-lb-to-clusterip",
    conclusion: "success",
    objects: [
      {
        id: "Service/default/spark-webui",
        file: "spark/spark-webui.yaml",
        line: 1,
        change: "modified",
        classification: "internal",
        level: ["public", "cluster"],
        findings: {},
      },
    ],
    errors: [],
  },
  {
    name: "real/voting-app-initial-services",
    conclusion: "neutral",
    objects: [
      ["db", "cluster"],
      ["redis", "cluster"],
      ["result", "node"],
      ["vote", "node"],
    ].map(
      ([name, level]): ExpectedObject => ({
        id: `Service/default/${name as string}`,
        file: `k8s-specifications/${name as string}-service.yaml`,
        line: 1,
        change: "added",
        classification: level === "node" ? "widened" : "internal",
        level: ["none", level as Level],
        findings: level === "node" ? { nodeport: true } : {},
      }),
    ),
    errors: [],
  },
  {
    name: "real/voting-app-namespace-added",
    conclusion: "neutral",
    objects: (
      [
        ["db", "cluster"],
        ["redis", "cluster"],
        ["result", "node"],
        ["vote", "node"],
      ] as const
    ).flatMap(([name, level]): ExpectedObject[] => [
      {
        id: `Service/default/${name}`,
        file: `k8s-specifications/${name}-service.yaml`,
        line: 1,
        change: "removed",
        classification: "removed",
        level: [level, "none"],
        findings: {},
      },
      {
        id: `Service/vote/${name}`,
        file: `k8s-specifications/${name}-service.yaml`,
        line: 1,
        change: "added",
        classification: level === "node" ? "widened" : "internal",
        level: ["none", level],
        findings: level === "node" ? { nodeport: true } : {},
      },
    ]),
    errors: [],
  },
  {
    name: "real/voting-app-nodeport-service-port",
    conclusion: "success",
    objects: ["result", "vote"].map(
      (name): ExpectedObject => ({
        id: `Service/default/${name}`,
        file: `k8s-specifications/${name}-service.yaml`,
        line: 1,
        change: "modified",
        classification: "unchanged",
        level: ["node", "node"],
        findings: { nodeport: false },
      }),
    ),
    errors: [],
  },
];
