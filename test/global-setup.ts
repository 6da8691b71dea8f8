/**
 * The CLI tests run the installed command (`bin/exposure-review.js` → `dist/`) as a user would, so
 * `dist/` must be the code under test, not whatever an earlier build left.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}
