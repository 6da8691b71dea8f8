#!/usr/bin/env node
// The installed command: a face over the compiled CLI (built by `npm run build`, run by `prepare`).
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
});
