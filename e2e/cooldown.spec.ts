import { E2E } from "./env";
import { expect, expectPartner, screenshotBoth, start, test } from "./fixtures";

/**
 * More than SKIP_FREE skips in 10 minutes earns a cooldown. Partners are HTTP-only guests so
 * the many matches stay cheap; each one is met once and skipped.
 */
test("skipping too many people shows the cooldown countdown", async ({ guest, apiGuest }) => {
  const skipFree = Number(E2E.serverEnv.SKIP_FREE ?? 10);
  test.setTimeout(60_000 + skipFree * 8_000);
  const ana = await guest("Ana");
  const cooldown = ana.page.getByTestId("cooldown");

  for (let round = 0; round <= skipFree + 1; round++) {
    const partner = await apiGuest(`Partner${round}`);
    const answer = await partner.enqueue();
    expect(answer.status).toBe(200);
    if (round === 0) await start(ana);
    await expectPartner(ana, partner);
    await ana.page.getByRole("button", { name: /^Next/ }).click();
    await expect(cooldown.or(ana.page.getByRole("heading", { name: "Looking for someone…" })).first()).toBeVisible();
    if (await cooldown.isVisible()) break;
  }

  await expect(cooldown).toContainText("You skipped a lot of people in a short time.");
  await expect(cooldown).toContainText(/\d+:\d\d/);
  const status = await ana.page.evaluate(() => fetch("/api/matching/status").then((r) => r.json()));
  expect(Date.parse(status.cooldownUntil)).toBeGreaterThan(Date.now());
  // The page agrees with the server: not "looking for someone", and Start waits for the countdown.
  if (status.status === "idle") {
    await expect(ana.page.getByRole("button", { name: /You can start again in \d+:\d\d/ })).toBeDisabled();
  }
  await expect(ana.page.getByRole("heading", { name: "Looking for someone…" })).toBeHidden();
  await screenshotBoth(ana.page, "cooldown");
});
