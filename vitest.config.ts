import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{codegen,conformance,server}/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
  },
});
