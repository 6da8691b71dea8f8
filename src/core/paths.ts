import type { Config } from "../config/schema.js";
import { globMatcher } from "./glob.js";

/**
 * Which paths are manifests, by the config's `paths.include` / `paths.exclude` globs. A pull request
 * names the paths, so matching is linear in the path (src/core/glob.ts), never a backtracking regular
 * expression. Dotfiles count (`.k8s/web.yaml`): manifests often live in hidden folders.
 */
export function manifestPathFilter(paths: Config["paths"]): (path: string) => boolean {
  const include = globMatcher(paths.include);
  const exclude = paths.exclude.length > 0 ? globMatcher(paths.exclude) : () => false;
  return (path) => include(path) && !exclude(path);
}
