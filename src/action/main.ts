/**
 * The Action's entry (action.yml `runs.main`, bundled into action/main.mjs): the runner's environment
 * and stdout in, the exit code out.
 */
import { runAction } from "../action.js";

process.exitCode = await runAction({ env: process.env, write: (text) => process.stdout.write(text) });
