import type { Request } from "@playwright/test";
import { E2E } from "./env";
import { expect, matchPair, test, type Guest } from "./fixtures";
import { expectSeesPartner } from "./media";

/**
 * The on-device nudity guard on the real LiveKit server: the real model (nsfwjs MobileNetV2,
 * bundled by the app) loads with no request to any other host and finds the fake camera clean;
 * with an injected classifier result the partner's video is blurred at once and Report sends
 * reason `nudity` with the scores — the only time scores leave the browser.
 */
test.use({ baseURL: E2E.videoAppUrl });

interface GuardStats {
  backend: string | null;
  loadMs: number | null;
  samples: { partner: number; self: number };
  inferMs: number;
  grabMs: number;
  last: { partner?: Record<string, number>; self?: Record<string, number> };
  error: string | null;
}
const guardStats = (guest: Guest) =>
  guest.page.evaluate(() => (window as unknown as { __mmGuardStats?: GuardStats }).__mmGuardStats ?? null);

/** Every request the context makes, pages and workers alike. */
function recordRequests(guest: Guest): Request[] {
  const seen: Request[] = [];
  guest.context.on("request", (r) => seen.push(r));
  return seen;
}
const allowed = [E2E.videoAppUrl, E2E.realLivekit.http, E2E.realLivekit.url];

test("the real model loads from the app alone and classifies the fake cameras as not nudity", async ({ guest }) => {
  test.setTimeout(180_000);
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  const requests = recordRequests(ana);
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await expect
    .poll(
      async () => {
        const s = await guardStats(ana);
        return s ? Math.min(s.samples.partner, s.samples.self) : 0;
      },
      // one classification of each proves the model loads and runs
      { timeout: 110_000 },
    )
    .toBeGreaterThanOrEqual(1);
  const stats = (await guardStats(ana))!;
  console.log(`guard: ${JSON.stringify(stats)}`);
  expect(stats.error).toBeNull();
  // the WebAssembly backend (≈ 0.1 s a frame here), not the ≈ 30× slower plain-JS fallback
  expect(stats.backend).toBe("wasm");
  for (const target of ["partner", "self"] as const) {
    const s = stats.last[target]!;
    expect(s.porn! + s.hentai!, `${target}: ${JSON.stringify(s)}`).toBeLessThan(0.8);
  }
  await expect(ana.page.getByTestId("guard-notice")).toHaveCount(0);
  await expect(ana.page.getByRole("alert").filter({ hasText: "may be showing nudity" })).toHaveCount(0);
  const outside = requests.map((r) => r.url()).filter((url) => !allowed.some((origin) => url.startsWith(origin)));
  expect(outside).toEqual([]);
  // the model came from the app's own bundle (the worker's chunks), and no request carried a frame or a score
  expect(requests.some((r) => r.url().startsWith(`${E2E.videoAppUrl}/_next/static/`) && r.url().includes(".js"))).toBe(true);
  expect(requests.some((r) => r.url().startsWith(`${E2E.videoAppUrl}/_next/static/`) && r.url().endsWith(".wasm"))).toBe(true);
  expect(requests.filter((r) => /porn|hentai/.test(r.postData() ?? ""))).toEqual([]);
  const blur = await ana.page.evaluate(() => (window as unknown as { __mmBlurStats?: unknown }).__mmBlurStats);
  console.log(`blur: ${JSON.stringify(blur)}`);
});

test("an explicit result on two samples in a row blurs the partner at once; Report sends reason nudity with the scores", async ({
  guest,
}) => {
  test.setTimeout(120_000);
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  // Ana's classifier says "explicit" for the partner from now on; her own camera stays clean.
  await ana.page.evaluate(() => {
    (window as unknown as { __mmGuardScores: (t: string) => Record<string, number> }).__mmGuardScores = (target) =>
      target === "partner"
        ? { drawing: 0.01, hentai: 0.04, neutral: 0.03, porn: 0.9, sexy: 0.02 }
        : { drawing: 0.01, hentai: 0, neutral: 0.98, porn: 0.01, sexy: 0 };
  });
  const requests = recordRequests(ana);
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await expect(ana.page.getByTestId("guard-notice")).toBeVisible({ timeout: 15_000 });
  const samples = (await guardStats(ana))!.samples.partner;
  expect(samples).toBeGreaterThanOrEqual(2);
  await expect(ana.page.getByLabel("Ben's camera")).toHaveClass(/remote-video--guarded/);
  expect(await ana.page.getByLabel("Ben's camera").evaluate((v) => getComputedStyle(v).filter)).toContain("blur");
  // Nothing was sent about it before the user chose to report.
  expect(requests.filter((r) => /porn|hentai/.test(r.postData() ?? ""))).toEqual([]);

  const report = ana.page.waitForRequest((r) => r.url().endsWith("/api/reports") && r.method() === "POST");
  await ana.page.getByRole("button", { name: "Report Ben" }).click();
  const body = JSON.parse((await report).postData()!) as { reason: string; details: string };
  expect(body.reason).toBe("nudity");
  expect(body.details).toContain("porn 0.90");
  expect(body.details).toContain("2 samples in a row");
  await expect(ana.page.getByTestId("call-ended")).toBeVisible();
});

test("the own camera is checked before Reveal, and the sender is warned", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await ana.page.evaluate(() => {
    (window as unknown as { __mmGuardScores: (t: string) => Record<string, number> }).__mmGuardScores = (target) =>
      target === "self"
        ? { drawing: 0, hentai: 0.3, neutral: 0.1, porn: 0.6, sexy: 0 }
        : { drawing: 0, hentai: 0, neutral: 1, porn: 0, sexy: 0 };
  });
  await matchPair(ana, ben);
  await expect(ana.page.getByRole("alert").filter({ hasText: "Your camera may be showing nudity" })).toBeVisible({
    timeout: 15_000,
  });
  await expect(ana.page.getByTestId("guard-notice")).toHaveCount(0);
});
