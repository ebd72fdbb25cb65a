import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@/": fileURLToPath(new URL("./src/", import.meta.url)),
  "@test/": fileURLToPath(new URL("./test/", import.meta.url)),
  // `server-only` throws outside React Server Components; tests run server code directly.
  "server-only": fileURLToPath(new URL("./test/support/server-only-shim.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          env: { LOG_LEVEL: "silent" },
          include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          env: {
            CRON_SECRET: "test-cron-secret",
            ADMIN_TOKEN: "test-admin-token",
            METRICS_TOKEN: "test-metrics-token",
            LOG_LEVEL: "error",
          },
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration files share Redis and Postgres; run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
