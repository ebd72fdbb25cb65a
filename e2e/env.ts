/** One place for the e2e stack's addresses and the production-like environment of the app under test. */
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const livekitPort = Number(process.env.E2E_LIVEKIT_PORT ?? 7881);
const livekitKey = "e2e-key";
const livekitSecret = "e2e-secret-that-is-long-enough-for-livekit-0123456789";
const appUrl = `http://127.0.0.1:${appPort}`;
const dataDir = `/tmp/moodmatch-e2e-${appPort}`;
/** A second app instance wired to the real LiveKit server (real media): e2e/real-video.spec.ts. */
const videoAppPort = Number(process.env.E2E_VIDEO_APP_PORT ?? 3101);
const realLivekitPort = Number(process.env.E2E_REAL_LIVEKIT_PORT ?? 7890);
const videoAppUrl = `http://127.0.0.1:${videoAppPort}`;

export const E2E = {
  appPort,
  appUrl,
  livekitPort,
  livekitKey,
  livekitSecret,
  livekitUrl: `ws://127.0.0.1:${livekitPort}`,
  livekitHttp: `http://127.0.0.1:${livekitPort}`,
  // Production refuses an ADMIN_TOKEN shorter than 32 characters (src/server/env.ts).
  adminToken: "e2e-admin-token-0123456789abcdef0123456789",
  metricsToken: "e2e-metrics-token",
  cronSecret: "e2e-cron-secret",
  dataDir,
  videoAppPort,
  videoAppUrl,
  videoDataDir: `/tmp/moodmatch-e2e-${videoAppPort}`,
  realLivekit: {
    port: realLivekitPort,
    rtcPort: realLivekitPort + 2,
    tcpPort: realLivekitPort + 1,
    url: `ws://127.0.0.1:${realLivekitPort}`,
    http: `http://127.0.0.1:${realLivekitPort}`,
    webhookUrl: `${videoAppUrl}/api/livekit/webhooks`,
  },
  serverEnv: {
    NODE_ENV: "production",
    APP_URL: appUrl,
    AUTH_SECRET: "e2e-auth-secret-0123456789abcdef0123456789abcdef",
    SINGLE_INSTANCE: "1",
    DATA_DIR: dataDir,
    LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`,
    LIVEKIT_API_KEY: livekitKey,
    LIVEKIT_API_SECRET: livekitSecret,
    ADMIN_TOKEN: "e2e-admin-token-0123456789abcdef0123456789",
    CRON_SECRET: "e2e-cron-secret",
    METRICS_TOKEN: "e2e-metrics-token",
    LOG_LEVEL: "warn",
    // Every test signs in fresh guests from 127.0.0.1.
    SIGNIN_LIMIT: "1000",
  } as Record<string, string>,
};

/** The video app: same settings, its own data, the real LiveKit server. */
export const VIDEO_APP_ENV: Record<string, string> = {
  ...E2E.serverEnv,
  APP_URL: videoAppUrl,
  DATA_DIR: E2E.videoDataDir,
  LIVEKIT_URL: E2E.realLivekit.url,
};

/**
 * Debian's Chromium with a fake camera and microphone, as the browser tests and `bench:call` run
 * it: 15 fps fake camera saves CPU; loopback ICE candidates are how the local SFU is reached.
 */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream=fps=15",
    "--allow-loopback-in-peer-connection",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
  ],
};
