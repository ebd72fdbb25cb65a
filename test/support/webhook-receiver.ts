/**
 * A tiny webhook endpoint for LiveKit integration tests: verifies each raw delivery with
 * src/server/livekit/webhooks.ts (as the app's route does) and keeps what it accepted and refused.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebhookSignatureError } from "@/server/livekit/errors";
import { createWebhookVerifier, type LivekitWebhookEvent } from "@/server/livekit/webhooks";

export interface WebhookReceiver {
  /** http://127.0.0.1:port/api/livekit/webhooks */
  url: string;
  received: LivekitWebhookEvent[];
  /** Error names of refused deliveries. */
  rejected: string[];
  /** The first accepted event matching `match`, waiting up to `timeoutMs` for it. */
  waitFor(match: (event: LivekitWebhookEvent) => boolean, what: string, timeoutMs?: number): Promise<LivekitWebhookEvent>;
  clear(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(credentials: { apiKey: string; apiSecret: string }): Promise<WebhookReceiver> {
  const verifier = createWebhookVerifier(credentials);
  const received: LivekitWebhookEvent[] = [];
  const rejected: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      verifier.verify(Buffer.concat(chunks).toString("utf8"), req.headers.authorization ?? null).then(
        (event) => {
          received.push(event);
          res.writeHead(200).end("ok");
        },
        (error: Error) => {
          rejected.push(error.name);
          res.writeHead(error instanceof WebhookSignatureError ? 401 : 400).end(error.message);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/livekit/webhooks`,
    received,
    rejected,
    async waitFor(match, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; received ${received.map((e) => e.event).join(", ") || "nothing"}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    clear() {
      received.length = 0;
      rejected.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
