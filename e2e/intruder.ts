import { request } from "node:http";
import { createRequire } from "node:module";
import type { Page } from "@playwright/test";

/**
 * Someone holding a LiveKit token who is not one of the call's two people, knocking on the real
 * server directly (not through the app).
 */

/** Connects with livekit-client (its browser bundle) from a page outside the app: "connected" or the client's error. */
export async function joinRoomOutsideTheApp(page: Page, url: string, token: string): Promise<string> {
  // livekit-client's "require" entry is its browser UMD bundle (global LivekitClient).
  await page.addScriptTag({ path: createRequire(__filename).resolve("livekit-client") });
  return page.evaluate(
    async ({ url, token }) => {
      const { Room } = (window as unknown as { LivekitClient: typeof import("livekit-client") }).LivekitClient;
      const room = new Room();
      try {
        await room.connect(url, token);
        await room.disconnect();
        return "connected";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    { url, token },
  );
}

/**
 * The signalling upgrade the client would make, answered by the server itself: a browser only
 * sees "websocket error", the HTTP status before the upgrade (401 bad pass, 404 no room, 500 a
 * refused join) tells more.
 */
export function signalRefusal(httpUrl: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${httpUrl}/rtc?access_token=${encodeURIComponent(token)}&auto_subscribe=1&protocol=16`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "bW9vZG1hdGNoLWUyZS1rZXk=",
      },
      timeout: 15_000,
    });
    req.on("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 101, body: "" });
    });
    req.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("the signal request timed out")));
    req.on("error", reject);
    req.end();
  });
}
