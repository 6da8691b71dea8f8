import picomatch from "picomatch";
import type { Config } from "../config/schema.js";

/**
 * Which paths are manifests, by the config's `paths.include` / `paths.exclude` globs.
 * Dotfiles count (`.k8s/web.yaml`): manifests often live in hidden folders.
 */
export function manifestPathFilter(paths: Config["paths"]): (path: string) => boolean {
  const include = picomatch(paths.include, { dot: true });
  const exclude = paths.exclude.length > 0 ? picomatch(paths.exclude, { dot: true }) : () => false;
  return (path) => include(path) && !exclude(path);
}
