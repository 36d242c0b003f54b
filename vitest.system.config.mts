import path from "node:path";
import { defineConfig } from "vitest/config";

// System tests: real `npm start` processes from the production build in .next-e2e, with PostgreSQL and the S3
// server of scripts/services. scripts/check.sh runs them in the build lane, after the build.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["system/**/*.test.ts"],
    environment: "node",
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
