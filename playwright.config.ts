import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM, E2E, VIDEO_APP_ENV } from "./e2e/env";

/**
 * Browser tests run Debian's Chromium (Playwright cannot download browsers here) with fake
 * camera/microphone, against a production build (`next start`) on its embedded defaults
 * (PGlite, in-process store) and the LiveKit test double; a second instance runs against the real
 * LiveKit server (scripts/livekit.sh) for the tests where two people must see each other.
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
    launchOptions: CHROMIUM,
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
    {
      command: `bash scripts/livekit.sh start --port ${E2E.realLivekit.port} --rtc-port ${E2E.realLivekit.rtcPort} --tcp-port ${E2E.realLivekit.tcpPort} --key ${E2E.livekitKey} --secret ${E2E.livekitSecret} --webhook ${E2E.realLivekit.webhookUrl}`,
      url: `${E2E.realLivekit.http}/`,
      reuseExistingServer: false,
      // The first run on a machine may build the server with Go.
      timeout: 600_000,
    },
    {
      command: `rm -rf ${E2E.videoDataDir} && npx next start -p ${E2E.videoAppPort} -H 127.0.0.1`,
      url: `${E2E.videoAppUrl}/api/health?ready=1`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: VIDEO_APP_ENV,
    },
  ],
});
