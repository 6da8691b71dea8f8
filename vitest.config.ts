import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI and GitHub tests start processes and servers; two workers match the 2-core machines.
    maxWorkers: 2,
    testTimeout: 20_000,
    reporters: ["default", "./test/plain-summary-reporter.ts"],
  },
});
