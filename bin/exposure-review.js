#!/usr/bin/env node
// The installed command: a face over the compiled CLI (built by `npm run build`, run by `prepare`).
// `main` turns every error into an exit code; this catch is for the import itself failing (a broken
// install), which is ours too: exit 3.
try {
  const { main } = await import("../dist/cli.js");
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  });
} catch (error) {
  process.stderr.write(`exposure-review: internal error (exit 3): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 3;
}
