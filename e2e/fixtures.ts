import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  test as base,
  expect,
  request as playwrightRequest,
  type APIRequestContext,
  type BrowserContext,
  type Page,
} from "@playwright/test";
import type { EnqueueInput, StatusView } from "../src/lib/schemas";
import { E2E } from "./env";
import { watchPeerConnections } from "./media";

/**
 * Shared e2e fixtures:
 * - `guest(nickname)`: a fresh browser context (its own cookies = its own person) signed in as a
 *   guest through the landing page, on the video-chat page.
 * - `apiGuest(nickname)`: a signed-in HTTP-only person (no browser) for cheap extra partners.
 * - `rtcAttempts()`: what the LiveKit double saw the browsers try.
 * Everyone created leaves the queue/call at the end of the test, so tests never see each other's
 * people.
 */

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = path.join(__dirname, "screenshots");

export interface Guest {
  nickname: string;
  userId: string;
  context: BrowserContext;
  page: Page;
}

export interface ApiGuest {
  nickname: string;
  userId: string;
  http: APIRequestContext;
  enqueue(input?: Partial<EnqueueInput>): Promise<{ status: number; body: unknown }>;
  status(): Promise<StatusView>;
}

export interface RtcAttempt {
  kind: "websocket" | "validate";
  path: string;
  identity: string | null;
  room: string | null;
  tokenValid: boolean;
  status: number;
  error: string;
}

interface GuestOptions {
  viewport?: { width: number; height: number };
  /** Runs in every page of the guest before the app's scripts: stands in for another browser's feature set. */
  initScript?: () => void;
}

interface Fixtures {
  guest: (nickname: string, options?: GuestOptions) => Promise<Guest>;
  apiGuest: (nickname: string) => Promise<ApiGuest>;
  rtcAttempts: () => Promise<RtcAttempt[]>;
}

/** The same-origin fetch the page itself would make (keeps the Origin check honest). */
export async function pageApi<T = unknown>(
  page: Page,
  method: "GET" | "POST",
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { method, url, body },
  );
}

export async function matchingStatus(page: Page): Promise<StatusView> {
  return (await pageApi<StatusView>(page, "GET", "/api/matching/status")).body;
}

export async function signInThroughLanding(page: Page, nickname: string) {
  await page.goto("/");
  await page.getByLabel("Nickname (optional)").fill(nickname);
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.waitForURL("**/video-chat");
  await expect(page.getByRole("button", { name: /^Start/ })).toBeVisible();
}

export const test = base.extend<Fixtures>({
  guest: async ({ browser, baseURL }, use) => {
    const created: Guest[] = [];
    await use(async (nickname, options) => {
      const context = await browser.newContext({
        baseURL: baseURL ?? E2E.appUrl,
        viewport: options?.viewport ?? DESKTOP,
        permissions: ["camera", "microphone"],
        reducedMotion: "reduce",
      });
      await watchPeerConnections(context);
      if (options?.initScript) await context.addInitScript(options.initScript);
      const page = await context.newPage();
      await signInThroughLanding(page, nickname);
      const session = (await pageApi<{ user?: { id?: string } }>(page, "GET", "/api/auth/session")).body;
      const userId = session.user?.id;
      if (!userId) throw new Error(`no user id in the session of ${nickname}`);
      const guest = { nickname, userId, context, page };
      created.push(guest);
      return guest;
    });
    for (const guest of created) {
      await guest.page.goto("/").catch(() => {});
      await pageApi(guest.page, "POST", "/api/matching/end", {}).catch(() => {});
      await guest.context.close();
    }
  },

  apiGuest: async ({}, use) => {
    const created: ApiGuest[] = [];
    await use(async (nickname) => {
      const http = await playwrightRequest.newContext({ baseURL: E2E.appUrl });
      const { csrfToken } = (await (await http.get("/api/auth/csrf")).json()) as { csrfToken: string };
      await http.post("/api/auth/callback/guest", { form: { csrfToken, nickname, json: "true" } });
      const session = (await (await http.get("/api/auth/session")).json()) as { user?: { id?: string } };
      if (!session.user?.id) throw new Error(`API sign-in failed for ${nickname}`);
      const guest: ApiGuest = {
        nickname,
        userId: session.user.id,
        http,
        async enqueue(input: Partial<EnqueueInput> = { mood: "random", mode: "any" }) {
          const response = await http.post("/api/matching/enqueue", { data: input });
          return { status: response.status(), body: await response.json() };
        },
        async status() {
          return (await (await http.get("/api/matching/status")).json()) as StatusView;
        },
      };
      created.push(guest);
      return guest;
    });
    for (const guest of created) {
      await guest.http.post("/api/matching/end", { data: {} }).catch(() => {});
      await guest.http.dispose();
    }
  },

  rtcAttempts: async ({}, use) => {
    await use(async () => {
      const response = await fetch(`${E2E.livekitHttp}/_double/rtc-attempts`);
      if (!response.ok) throw new Error(`double answered ${response.status}`);
      return (await response.json()) as RtcAttempt[];
    });
  },
});

export { expect };

// ---- page helpers -----------------------------------------------------------------------------

export async function start(guest: Guest) {
  await guest.page.getByRole("button", { name: /^Start/ }).click();
}

export async function expectWaiting(guest: Guest) {
  await expect(guest.page.getByRole("heading", { name: "Looking for someone…" })).toBeVisible();
}

export async function expectPartner(guest: Guest, partner: { nickname: string }) {
  await expect(guest.page.getByTestId("partner-name")).toHaveText(partner.nickname);
}

export async function currentSessionId(guest: Guest): Promise<string> {
  const status = await matchingStatus(guest.page);
  if (status.status !== "in_session") throw new Error(`${guest.nickname} is ${status.status}, not in a session`);
  return status.session.id;
}

/** The guest's LiveKit identity in their current call: a per-session pseudonym (read from the token the app hands out). */
export async function livekitIdentity(guest: Guest): Promise<string> {
  const { body } = await pageApi<{ livekit: { token: string } }>(guest.page, "GET", "/api/matching/session");
  const claims = JSON.parse(Buffer.from(body.livekit.token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string };
  if (claims.sub === guest.userId) throw new Error("the LiveKit identity is the user id: partners would see it");
  return claims.sub;
}

/** Both start and end up in one call together (the first waits, the second matches). */
export async function matchPair(a: Guest, b: Guest) {
  await start(a);
  await expectWaiting(a);
  await start(b);
  await expectPartner(a, b);
  await expectPartner(b, a);
}

/** The chat box, opening the phone drawer first when needed. */
export async function chatInput(page: Page) {
  const toggle = page.getByRole("button", { name: /^Chat/ });
  if (await toggle.isVisible()) await toggle.click();
  return page.getByRole("textbox", { name: "Message" });
}

export async function sendChat(page: Page, text: string) {
  const input = await chatInput(page);
  await input.fill(text);
  await input.press("Enter");
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The same state at desktop and phone sizes, then back to the page's own size. */
export async function screenshotBoth(page: Page, name: string) {
  const original = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(original);
}
