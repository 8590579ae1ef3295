import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages are tested from their TypeScript sources (the "@mcpemails/source" export condition),
  // so no build is needed before a test run.
  resolve: { conditions: ["@mcpemails/source"] },
  ssr: { resolve: { conditions: ["@mcpemails/source"] } },
  test: {
    include: ["{codegen,conformance,server}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    testTimeout: 60_000,
  },
});
