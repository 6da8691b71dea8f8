/**
 * Finding render targets in hand-written trees: what is a target, its id, release, namespace, source,
 * inputs and values layers (with the lines that set each value).
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_CONFIG, type Config } from "../../src/config/schema.js";
import { findTargets, fluxReleaseName, substitute, type Target } from "../../src/render/targets.js";

function targetsOf(files: Record<string, string>, render: Partial<Config["render"]> = {}, repositoryUrl?: string): Map<string, Target> {
  const texts = new Map(Object.entries(files));
  const found = findTargets({ paths: [...texts.keys()], texts }, { config: { ...DEFAULT_CONFIG.render, ...render }, ...(repositoryUrl ? { repositoryUrl } : {}) });
  return new Map(found.map((target) => [target.id, target]));
}

const HELM_REPOSITORY = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: bjw-s
  namespace: flux-system
spec:
  url: https://bjw-s.github.io/helm-charts
`;

const PLEX = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: plex
spec:
  chart:
    spec:
      chart: app-template
      version: 3.5.1
      sourceRef:
        kind: HelmRepository
        name: bjw-s
        namespace: flux-system
  values:
    service:
      main:
        type: LoadBalancer
        ports:
          http:
            port: 32400
    ingress:
      main:
        hosts:
          - host: \${PLEX_HOST:=plex.example.com}
`;

describe("Flux HelmRelease", () => {
  const targets = targetsOf({
    "kubernetes/flux/repositories/bjw-s.yaml": HELM_REPOSITORY,
    "kubernetes/apps/media/kustomization.yaml": "namespace: media\nresources:\n  - ./plex\n",
    "kubernetes/apps/media/plex/kustomization.yaml": "resources:\n  - helmrelease.yaml\n",
    "kubernetes/apps/media/plex/helmrelease.yaml": PLEX,
  });

  it("is a target named by its deployed namespace (the kustomization's) and name", () => {
    expect([...targets.keys()].sort()).toEqual(["HelmRelease/media/plex", "kustomize:kubernetes/apps/media"]);
    const plex = targets.get("HelmRelease/media/plex")!;
    expect(plex.origin).toMatchObject({ file: "kubernetes/apps/media/plex/helmrelease.yaml", line: 1 });
    expect(plex.namespace).toBe("media");
    expect(plex.problem).toBeUndefined();
  });

  it("fetches its chart from the HelmRepository found elsewhere in the tree, at the pinned version", () => {
    const plex = targets.get("HelmRelease/media/plex")!;
    expect(plex.helm).toMatchObject({
      chart: { kind: "remote", ref: { repository: "https://bjw-s.github.io/helm-charts", chart: "app-template", version: "3.5.1" } },
      release: "plex",
      namespace: "media",
    });
  });

  it("reads its own file, its source and the kustomization that gives it a namespace", () => {
    expect([...targets.get("HelmRelease/media/plex")!.inputs].sort()).toEqual([
      "kubernetes/apps/media/kustomization.yaml",
      "kubernetes/apps/media/plex/helmrelease.yaml",
      "kubernetes/flux/repositories/bjw-s.yaml",
    ]);
  });

  it("takes spec.values as the last layer, each leaf at its line, ${VAR:=x} as x", () => {
    const layer = targets.get("HelmRelease/media/plex")!.helm!.values.at(-1)!;
    expect(JSON.parse(layer.text!)).toEqual({
      service: { main: { type: "LoadBalancer", ports: { http: { port: 32400 } } } },
      ingress: { main: { hosts: [{ host: "plex.example.com" }] } },
    });
    expect(layer.leaves.map((leaf) => [leaf.path, leaf.value, leaf.at.line])).toEqual([
      ["service.main.type", "LoadBalancer", 17],
      ["service.main.ports.http.port", 32400, 20],
      ["ingress.main.hosts[0].host", "plex.example.com", 24],
    ]);
    expect(layer.leaves[0]!.at).toEqual({ file: "kubernetes/apps/media/plex/helmrelease.yaml", line: 17, text: "        type: LoadBalancer" });
  });
});

describe("Flux release names and substitutions", () => {
  it("uses spec.releaseName, else [targetNamespace-]name, shortened as helm-controller does", () => {
    const release = (spec: string) =>
      targetsOf({
        "repo.yaml": HELM_REPOSITORY,
        "hr.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: shop\nspec:\n${spec}  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: bjw-s\n        namespace: flux-system\n`,
      }).get("HelmRelease/shop/web")!.helm!;
    expect(release("")).toMatchObject({ release: "web", namespace: "shop" });
    expect(release("  targetNamespace: prod\n")).toMatchObject({ release: "prod-web", namespace: "prod" });
    expect(release("  targetNamespace: prod\n  releaseName: storefront\n")).toMatchObject({ release: "storefront", namespace: "prod" });
    expect(release("")).toMatchObject({ chart: { ref: { version: "*" } } });
  });

  it("shortens a name over 53 characters to 40, a dash and 12 hex digits of its SHA-256", () => {
    const long = "a-very-long-target-namespace-and-a-very-long-release-name";
    expect(fluxReleaseName(long)).toMatch(/^a-very-long-target-namespace-and-a-very--[0-9a-f]{12}$/);
    expect(fluxReleaseName(long)).toHaveLength(53);
    expect(fluxReleaseName("short")).toBe("short");
  });

  it("leaves ${VAR} as written and takes the default of ${VAR:=x}", () => {
    expect(substitute("${SECRET_DOMAIN}")).toBe("${SECRET_DOMAIN}");
    expect(substitute("plex.${SECRET_DOMAIN:=example.com}")).toBe("plex.example.com");
  });
});

describe("HelmRelease sources", () => {
  it("reads chartRef to an OCIRepository as registry + chart name + tag", () => {
    const targets = targetsOf({
      "oci.yaml": "apiVersion: source.toolkit.fluxcd.io/v1beta2\nkind: OCIRepository\nmetadata:\n  name: app-template\n  namespace: media\nspec:\n  url: oci://ghcr.io/bjw-s/helm/app-template\n  ref:\n    tag: 3.5.1\n",
      "hr.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: plex\n  namespace: media\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: app-template\n",
    });
    expect(targets.get("HelmRelease/media/plex")!.helm!.chart).toEqual({
      kind: "remote",
      ref: { repository: "oci://ghcr.io/bjw-s/helm", chart: "app-template", version: "3.5.1" },
    });
  });

  it("renders a GitRepository chart of this repository from the tree, and not as a default target too", () => {
    const files = {
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "charts/web/values.yaml": "service:\n  type: ClusterIP\n",
      "charts/web/templates/service.yaml": "kind: Service\n",
      "git.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: self\n  namespace: flux-system\nspec:\n  url: https://github.com/acme/shop\n",
      "hr.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef:\n        kind: GitRepository\n        name: self\n        namespace: flux-system\n",
    };
    const ours = targetsOf(files, {}, "git@github.com:acme/shop.git");
    expect([...ours.keys()]).toEqual(["HelmRelease/shop/web"]);
    const web = ours.get("HelmRelease/shop/web")!;
    expect(web.helm!.chart).toEqual({ kind: "local", dir: "charts/web" });
    expect(web.inputs.has("charts/web/templates/service.yaml")).toBe(true);
    expect(web.helm!.values[0]!.leaves.map((leaf) => `${leaf.at.file}:${leaf.at.line} ${leaf.path}`)).toEqual(["charts/web/values.yaml:2 service.type"]);

    const theirs = targetsOf(files, {}, "https://github.com/acme/other");
    expect(theirs.get("HelmRelease/shop/web")!.problem).toEqual({
      reason: "chart-unavailable",
      message: "chart ./charts/web comes from another Git repository (https://github.com/acme/shop), which is not fetched",
    });
  });

  it("says when the source is not in the tree", () => {
    const targets = targetsOf({ "hr.yaml": PLEX });
    expect(targets.get("HelmRelease/default/plex")!.problem).toEqual({
      reason: "chart-unavailable",
      message: "HelmRepository bjw-s is not in the tree; chart app-template cannot be fetched",
    });
  });

  it("reads valuesFrom ConfigMaps of the tree at their lines, skips Secrets, and flags a missing ConfigMap", () => {
    const hr = (valuesFrom: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: plex\n  namespace: media\nspec:\n  chart:\n    spec:\n      chart: app-template\n      sourceRef:\n        kind: HelmRepository\n        name: bjw-s\n        namespace: flux-system\n  valuesFrom:\n${valuesFrom}`;
    const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plex-values\n  namespace: media\ndata:\n  values.yaml: |\n    service:\n      main:\n        type: LoadBalancer\n";
    const targets = targetsOf({
      "repo.yaml": HELM_REPOSITORY,
      "cm.yaml": configMap,
      "hr.yaml": hr("    - kind: Secret\n      name: plex-secret\n    - kind: ConfigMap\n      name: plex-values\n"),
    });
    const plex = targets.get("HelmRelease/media/plex")!;
    expect(plex.problem).toBeUndefined();
    expect(plex.inputs.has("cm.yaml")).toBe(true);
    expect(plex.helm!.values).toHaveLength(1);
    expect(plex.helm!.values[0]!.leaves.map((leaf) => `${leaf.at.file}:${leaf.at.line} ${leaf.path}=${String(leaf.value)}`)).toEqual([
      "cm.yaml:10 service.main.type=LoadBalancer",
    ]);
    const missing = targetsOf({ "repo.yaml": HELM_REPOSITORY, "hr.yaml": hr("    - kind: ConfigMap\n      name: nowhere\n") });
    expect(missing.get("HelmRelease/media/plex")!.problem).toEqual({ reason: "render", message: "valuesFrom ConfigMap media/nowhere is not in the tree" });
  });
});

describe("Helm charts of the repository", () => {
  const files = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: storefront\nversion: 1.0.0\n",
    "charts/web/values.yaml": "service:\n  type: ClusterIP\n",
    "charts/web/values-prod.yaml": "service:\n  type: LoadBalancer\n",
    "charts/web/templates/service.yaml": "kind: Service\n",
    "charts/web/charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
  };

  it("is one default target per top chart (subcharts belong to it), released under the chart's name", () => {
    const targets = targetsOf(files);
    expect([...targets.keys()]).toEqual(["helm:charts/web"]);
    expect(targets.get("helm:charts/web")!.helm).toMatchObject({ chart: { kind: "local", dir: "charts/web" }, release: "storefront", namespace: "default" });
    expect(targets.get("helm:charts/web")!.origin).toEqual({ file: "charts/web/Chart.yaml", line: 1 });
  });

  it("follows render.helm entries instead, with their values files in order", () => {
    const targets = targetsOf(files, { helm: [{ chart: "charts/web", release: "web", namespace: "shop", values: ["charts/web/values-prod.yaml"] }] });
    const web = targets.get("helm:charts/web")!;
    expect(web.helm).toMatchObject({ release: "web", namespace: "shop" });
    expect(web.helm!.values.map((layer) => layer.leaves.map((leaf) => `${leaf.at.file}:${leaf.at.line}`))).toEqual([
      ["charts/web/values.yaml:2"],
      ["charts/web/values-prod.yaml:2"],
    ]);
    const missing = targetsOf(files, { helm: [{ chart: "charts/web", namespace: "shop", values: ["charts/web/values-gone.yaml"] }] });
    expect(missing.get("helm:charts/web")!.problem).toEqual({ reason: "render", message: "values file charts/web/values-gone.yaml is missing" });
  });
});

describe("Argo CD Application", () => {
  const app = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  destination:
    namespace: shop
  sources:
    - repoURL: https://charts.example.com
      chart: web
      targetRevision: 2.1.0
      helm:
        releaseName: storefront
        valueFiles:
          - $values/envs/prod/web.yaml
        valuesObject:
          service:
            type: LoadBalancer
        parameters:
          - name: ingress.enabled
            value: "true"
    - repoURL: https://github.com/acme/deploy.git
      ref: values
`;

  it("renders a Helm source with $ref value files of this repository, valuesObject, then parameters", () => {
    const targets = targetsOf({ "apps/shop.yaml": app, "envs/prod/web.yaml": "replicas: 2\n" }, {}, "https://github.com/acme/deploy");
    const shop = targets.get("Application/argocd/shop")!;
    expect(shop.problem).toBeUndefined();
    expect(shop.helm).toMatchObject({
      chart: { kind: "remote", ref: { repository: "https://charts.example.com", chart: "web", version: "2.1.0" } },
      release: "storefront",
      namespace: "shop",
    });
    expect(shop.inputs).toEqual(new Set(["apps/shop.yaml", "envs/prod/web.yaml"]));
    expect(shop.helm!.values.map((layer) => parse(layer.text!))).toEqual([{ replicas: 2 }, { service: { type: "LoadBalancer" } }, { ingress: { enabled: true } }]);
    expect(shop.helm!.values.flatMap((layer) => layer.leaves.map((leaf) => `${leaf.at.file}:${leaf.at.line} ${leaf.path}`))).toEqual([
      "envs/prod/web.yaml:1 replicas",
      "apps/shop.yaml:19 service.type",
      "apps/shop.yaml:22 ingress.enabled",
    ]);
  });

  it("makes a missing value file a render problem unless ignoreMissingValueFiles", () => {
    expect(targetsOf({ "apps/shop.yaml": app }, {}, "https://github.com/acme/deploy").get("Application/argocd/shop")!.problem).toEqual({
      reason: "render",
      message: "values file envs/prod/web.yaml is missing",
    });
    const ignoring = app.replace("        releaseName: storefront\n", "        releaseName: storefront\n        ignoreMissingValueFiles: true\n");
    expect(targetsOf({ "apps/shop.yaml": ignoring }, {}, "https://github.com/acme/deploy").get("Application/argocd/shop")!.problem).toBeUndefined();
  });

  it("is no target without a Helm source", () => {
    const plain = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: raw\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://github.com/acme/deploy\n    path: manifests\n";
    expect([...targetsOf({ "apps/raw.yaml": plain, "manifests/svc.yaml": "kind: Service\n" }).keys()]).toEqual([]);
  });
});

describe("Kustomize roots", () => {
  const service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
  const files = {
    "deploy/base/kustomization.yaml": "resources:\n  - service.yaml\ncomponents:\n  - ../components/tls\n",
    "deploy/base/service.yaml": service,
    "deploy/components/tls/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: tls.yaml\n",
    "deploy/components/tls/tls.yaml": "kind: Service\n",
    "deploy/overlays/prod/kustomization.yaml": "resources:\n  - ../../base\npatches:\n  - path: lb.yaml\n",
    "deploy/overlays/prod/lb.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n",
    "deploy/overlays/staging/kustomization.yaml": "namespace: staging\nresources:\n  - ../../base\n",
    "deploy/unused/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
  };

  it("are the kustomizations no other includes; bases and Components are not", () => {
    const targets = targetsOf(files);
    expect([...targets.keys()].sort()).toEqual(["kustomize:deploy/overlays/prod", "kustomize:deploy/overlays/staging"]);
    const prod = targets.get("kustomize:deploy/overlays/prod")!;
    expect([...prod.inputs].sort()).toEqual([
      "deploy/base/kustomization.yaml",
      "deploy/base/service.yaml",
      "deploy/components/tls/kustomization.yaml",
      "deploy/components/tls/tls.yaml",
      "deploy/overlays/prod/kustomization.yaml",
      "deploy/overlays/prod/lb.yaml",
    ]);
    expect(prod.kustomize).toMatchObject({ dir: "deploy/overlays/prod", patches: ["deploy/overlays/prod/lb.yaml", "deploy/components/tls/tls.yaml"], mayExpose: true });
    expect(targets.get("kustomize:deploy/overlays/staging")!.namespace).toBe("staging");
  });

  it("refuse a remote base unless render.remoteBases, and a path above the repository", () => {
    const remote = { "k/kustomization.yaml": "resources:\n  - https://github.com/acme/base//deploy?ref=v1\n  - svc.yaml\n", "k/svc.yaml": service };
    expect(targetsOf(remote).get("kustomize:k")!.problem).toEqual({ reason: "render", message: "remote base https://github.com/acme/base//deploy?ref=v1 is not fetched (render.remoteBases is false)" });
    expect(targetsOf(remote, { remoteBases: true }).get("kustomize:k")!.problem).toBeUndefined();
    const escape = { "k/kustomization.yaml": "resources:\n  - ../../../etc/passwd\n" };
    expect(targetsOf(escape).get("kustomize:k")!.problem).toEqual({ reason: "render", message: "k/kustomization.yaml refers to ../../../etc/passwd, outside the repository" });
  });

  it("render a Flux Kustomization's path into its targetNamespace, and so do the HelmReleases inside", () => {
    const targets = targetsOf({
      ...files,
      "clusters/prod/apps.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  path: ./deploy/base\n  targetNamespace: shop\n",
      "deploy/base/hr.yaml": PLEX,
      "repo.yaml": HELM_REPOSITORY,
    });
    expect(targets.get("kustomize:deploy/base")).toMatchObject({ namespace: "shop", kustomize: { namespace: "shop" } });
    expect(targets.get("kustomize:deploy/base")!.inputs.has("clusters/prod/apps.yaml")).toBe(true);
    // hr.yaml is not a resource of deploy/base, so it keeps its own (default) namespace.
    expect(targets.has("HelmRelease/default/plex")).toBe(true);
  });

  it("skip rendering a root none of whose inputs could expose anything", () => {
    const targets = targetsOf({ "apps/plex/kustomization.yaml": "resources:\n  - hr.yaml\n", "apps/plex/hr.yaml": PLEX, "repo.yaml": HELM_REPOSITORY });
    expect(targets.get("kustomize:apps/plex")!.kustomize!.mayExpose).toBe(false);
  });
});

describe("Flux Kustomization paths without a kustomization file", () => {
  it("get the kustomization kustomize-controller generates: every manifest below, a nested kustomization's folder instead of its files", () => {
    const flux = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\nspec:\n  path: ./apps/web\n  targetNamespace: web\n";
    const targets = targetsOf({
      "clusters/home/web.yaml": flux,
      "apps/web/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
      "apps/web/deep/er/deployment.yml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      "apps/web/README.md": "not a manifest",
      "apps/web/extra/kustomization.yaml": "resources:\n  - admin.yaml\n",
      "apps/web/extra/admin.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: admin\n",
    });
    expect([...targets.keys()]).toEqual(["kustomize:apps/web"]);
    const target = targets.get("kustomize:apps/web")!;
    expect(target.origin).toMatchObject({ file: "clusters/home/web.yaml", line: 1 });
    expect(target.namespace).toBe("web");
    expect(target.kustomize!.generated).toEqual([
      {
        path: "apps/web/kustomization.yaml",
        text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "./service.yaml"\n  - "./deep/er/deployment.yml"\n  - "./extra"\n',
      },
    ]);
    expect([...target.inputs].sort()).toEqual(["apps/web/deep/er/deployment.yml", "apps/web/extra/admin.yaml", "apps/web/extra/kustomization.yaml", "apps/web/service.yaml", "clusters/home/web.yaml"]);
  });
});
