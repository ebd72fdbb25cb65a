/**
 * Runs the LiveKit double as its own process for e2e tests and benchmarks:
 *
 *   npx tsx test/support/livekit-double-server.ts --port 7880 --key devkey --secret secret \
 *     [--host 127.0.0.1] [--webhook-url http://127.0.0.1:3000/api/livekit/webhooks]
 *
 * Prints `LIVEKIT_DOUBLE_READY <url>` once listening; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startLivekitDouble } from "./livekit-double";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "7880" },
    host: { type: "string", default: "127.0.0.1" },
    key: { type: "string", default: "devkey" },
    secret: { type: "string", default: "secret" },
    "webhook-url": { type: "string" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

async function main() {
  const double = await startLivekitDouble({
    apiKey: values.key,
    apiSecret: values.secret,
    port,
    host: values.host,
    webhookUrl: values["webhook-url"],
  });
  console.log(`LIVEKIT_DOUBLE_READY ${double.url}`);

  let stopping = false;
  async function stop() {
    if (stopping) return;
    stopping = true;
    await double.flushWebhooks();
    await double.close();
    process.exit(0);
  }
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

// No top-level await: tsx runs this file as CommonJS (the package is not "type": "module").
main().catch((error: unknown) => {
  console.error("livekit double failed to start:", error);
  process.exit(1);
});
