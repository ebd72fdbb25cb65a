import { defineConfig, devices } from "@playwright/test";
import { E2E } from "./e2e/env";

/**
 * Browser tests run Debian's Chromium (Playwright cannot download browsers here) with fake
 * camera/microphone, against a production build (`next start`) on its embedded defaults
 * (PGlite, in-process store) and the LiveKit test double.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: E2E.appUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    permissions: ["camera", "microphone"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
      command: `npx tsx test/support/livekit-double-server.ts --port ${E2E.livekitPort} --key ${E2E.livekitKey} --secret ${E2E.livekitSecret}`,
      url: `http://127.0.0.1:${E2E.livekitPort}/_double/rooms`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `rm -rf ${E2E.dataDir} && npx next start -p ${E2E.appPort} -H 127.0.0.1`,
      url: `${E2E.appUrl}/api/health?ready=1`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: E2E.serverEnv,
    },
  ],
});
