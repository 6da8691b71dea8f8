/**
 * Repositories in the shape GitOps users keep them, generated for the realistic tests and the bench:
 *
 * - `homeOpsRepository`: the home-ops pattern (onedr0p's template and its many forks): one Flux
 *   HelmRepository for bjw-s charts, and per app a Flux Kustomization (`ks.yaml`) whose path holds a
 *   kustomization.yaml and a HelmRelease of app-template. A pull request changes some of the
 *   HelmReleases: the first makes its Service a LoadBalancer, the others bump the image tag (what
 *   Renovate sends most), so the findings do not grow with the number of changed releases.
 * - `overlaysRepository`: one Kustomize base and N overlays; the change makes some overlays patch the
 *   Service to a LoadBalancer.
 *
 * The charts themselves are real (../shared/charts, served on 127.0.0.1 by the tests' Helm repository).
 */

/** The app-template version GitOps repositories pin, packaged in ../shared/charts. */
export const APP_TEMPLATE_VERSION = "3.5.1";

export interface GeneratedRepository {
  base: Map<string, string>;
  head: Map<string, string>;
  /** Paths whose text differs (or that exist on one side only). */
  changedPaths: string[];
}

const appName = (index: number) => `app-${String(index).padStart(2, "0")}`;

/**
 * A HelmRelease of app-template as home-ops writes it. Its Service's `type` sits on line 28 and the
 * image tag on line 24 (tests point at these lines).
 */
export function appTemplateRelease(name: string, options: { tag?: string; serviceType?: string; ingressHost?: string } = {}): string {
  const lines = [
    "---",
    "# yaml-language-server: $schema=https://raw.githubusercontent.com/bjw-s/helm-charts/main/charts/other/app-template/schemas/helmrelease-helm-v2.schema.json",
    "apiVersion: helm.toolkit.fluxcd.io/v2",
    "kind: HelmRelease",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    "  interval: 30m",
    "  chart:",
    "    spec:",
    "      chart: app-template",
    `      version: ${APP_TEMPLATE_VERSION}`,
    "      sourceRef:",
    "        kind: HelmRepository",
    "        name: bjw-s",
    "        namespace: flux-system",
    "  values:",
    "    controllers:",
    `      ${name}:`,
    "        containers:",
    "          app:",
    "            image:",
    `              repository: ghcr.io/onedr0p/${name}`,
    `              tag: ${options.tag ?? "1.0.0"}`,
    "    service:",
    "      app:",
    `        controller: ${name}`,
    ...(options.serviceType ? [`        type: ${options.serviceType}`] : []),
    "        ports:",
    "          http:",
    "            port: 8080",
  ];
  if (options.ingressHost) {
    lines.push(
      "    ingress:",
      "      app:",
      "        className: external",
      "        hosts:",
      `          - host: ${options.ingressHost}`,
      "            paths:",
      "              - path: /",
      "                service:",
      "                  identifier: app",
      "                  port: http",
    );
  }
  return `${lines.join("\n")}\n`;
}

function changed(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): string[] {
  return [...new Set([...base.keys(), ...head.keys()])].filter((path) => base.get(path) !== head.get(path)).sort();
}

/**
 * `apps` HelmReleases in namespace `namespace`, of which the first `changedApps` change in the head.
 * `chartsUrl` is the Helm repository serving app-template (with a trailing slash).
 */
export function homeOpsRepository(options: {
  apps: number;
  changedApps: number;
  chartsUrl: string;
  namespace?: string;
  /** What the first changed release gets (default: its Service becomes a LoadBalancer). */
  firstChange?: Parameters<typeof appTemplateRelease>[1];
}): GeneratedRepository {
  const namespace = options.namespace ?? "media";
  const base = new Map<string, string>();
  base.set(
    "kubernetes/flux/repositories/helm/bjw-s.yaml",
    `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: bjw-s\n  namespace: flux-system\nspec:\n  interval: 2h\n  url: ${options.chartsUrl}\n`,
  );
  const names = Array.from({ length: options.apps }, (_, index) => appName(index));
  base.set(
    `kubernetes/apps/${namespace}/kustomization.yaml`,
    `---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources:\n${names.map((name) => `  - ./${name}/ks.yaml`).join("\n")}\n`,
  );
  for (const name of names) {
    const dir = `kubernetes/apps/${namespace}/${name}`;
    base.set(
      `${dir}/ks.yaml`,
      `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  targetNamespace: ${namespace}\n  path: ./${dir}/app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: home-kubernetes\n  interval: 30m\n`,
    );
    base.set(`${dir}/app/kustomization.yaml`, "---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\n");
    base.set(`${dir}/app/helmrelease.yaml`, appTemplateRelease(name));
  }
  const head = new Map(base);
  names.slice(0, options.changedApps).forEach((name, index) => {
    head.set(`kubernetes/apps/${namespace}/${name}/app/helmrelease.yaml`, appTemplateRelease(name, index === 0 ? (options.firstChange ?? { serviceType: "LoadBalancer" }) : { tag: "1.1.0" }));
  });
  return { base, head, changedPaths: changed(base, head) };
}

/**
 * One base (Deployment + ClusterIP Service) and `overlays` overlays, each in namespace `<prefix>-<n>`;
 * the first `changedOverlays` patch the Service to a LoadBalancer in the head.
 */
export function overlaysRepository(options: { overlays: number; changedOverlays: number; prefix?: string }): GeneratedRepository {
  const prefix = options.prefix ?? "shop";
  const base = new Map<string, string>();
  base.set("deploy/base/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n  - service.yaml\n");
  base.set(
    "deploy/base/deployment.yaml",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels:\n      app: shop\n  template:\n    metadata:\n      labels:\n        app: shop\n    spec:\n      containers:\n        - name: shop\n          image: ghcr.io/acme/shop:1.0.0\n          ports:\n            - containerPort: 8080\n",
  );
  base.set("deploy/base/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  selector:\n    app: shop\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n");
  const overlay = (index: number, patched: boolean) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${prefix}-${index}\nresources:\n  - ../../base\n${patched ? "patches:\n  - path: public.yaml\n" : ""}`;
  const head = new Map(base);
  for (let index = 0; index < options.overlays; index++) {
    const dir = `deploy/overlays/region-${String(index).padStart(2, "0")}`;
    base.set(`${dir}/kustomization.yaml`, overlay(index, false));
    if (index < options.changedOverlays) {
      head.set(`${dir}/kustomization.yaml`, overlay(index, true));
      head.set(`${dir}/public.yaml`, "apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  type: LoadBalancer\n");
    } else head.set(`${dir}/kustomization.yaml`, overlay(index, false));
  }
  return { base, head, changedPaths: changed(base, head) };
}
