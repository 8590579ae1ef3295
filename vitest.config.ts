import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages are tested from their TypeScript sources (the "source" export condition),
  // so no build is needed before a test run.
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["{codegen,conformance,server}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
  },
});
