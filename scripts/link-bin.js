// After `npm ci` in a checkout, put the command where an installed package would have it
// (node_modules/.bin/exposure-review), so scripts and hooks call it the same way in both cases.
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";

if (existsSync("node_modules")) {
  mkdirSync("node_modules/.bin", { recursive: true });
  rmSync("node_modules/.bin/exposure-review", { force: true });
  symlinkSync("../../bin/exposure-review.js", "node_modules/.bin/exposure-review");
  chmodSync("bin/exposure-review.js", 0o755);
}
