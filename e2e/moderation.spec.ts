import { expect, request, test, type APIRequestContext } from "@playwright/test";
import { E2E } from "./env";

/** A scripted guest over the API (no browser): sign in, then JSON calls with the cookie jar. */
async function apiGuest(nickname: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: E2E.appUrl });
  const { csrfToken } = await (await ctx.get("/api/auth/csrf")).json();
  const res = await ctx.post("/api/auth/callback/guest", { form: { csrfToken, nickname, json: "true" }, maxRedirects: 0 });
  expect(res.status()).toBeLessThan(400);
  return ctx;
}

test("moderator sees an open report with its chat context and bans the reported user", async ({ page }) => {
  const reporter = await apiGuest("Reporter");
  const offender = await apiGuest("Offender");
  expect((await (await reporter.post("/api/matching/enqueue", { data: { mode: "any", mood: "random" } })).json()).status).toBe(
    "waiting",
  );
  const matched = await (await offender.post("/api/matching/enqueue", { data: { mode: "any", mood: "random" } })).json();
  expect(matched.status).toBe("in_session");
  const sessionId = matched.session.id;
  await offender.post("/api/chat/messages", { data: { sessionId, text: "a line the moderator must see" } });
  const report = await reporter.post("/api/reports", { data: { sessionId, reason: "harassment", details: "kept insulting me" } });
  expect(report.status()).toBe(201);

  await page.goto("/admin");
  await page.getByLabel("Admin token").fill("wrong-token");
  await page.getByRole("button", { name: "Open the moderation queue" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("not accepted");

  await page.getByLabel("Admin token").fill(E2E.adminToken);
  await page.getByRole("button", { name: "Open the moderation queue" }).click();
  const item = page.getByRole("listitem", { name: "Report: harassment against Offender" });
  await expect(item).toBeVisible();
  await expect(item).toContainText("a line the moderator must see");
  await expect(item).toContainText("kept insulting me");
  await page.screenshot({ path: "e2e/screenshots/moderation-desktop.png", fullPage: true });

  await item.getByRole("button", { name: "Ban 1 day" }).click();
  await expect(page.locator("main").getByRole("status")).toContainText("Offender is banned");
  await expect(item).toHaveCount(0);

  const refused = await offender.post("/api/matching/enqueue", { data: {} });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toMatch(/suspended/);
  await reporter.post("/api/matching/end", { data: {} });
});
