import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep database-heavy files from starving each other. The UI
    // scale test measures wall time, so \`npm test\` runs it alone afterwards.
    maxWorkers: 2,
  },
});
