import { DESKTOP, expect, PHONE, screenshot, screenshotBoth, signInThroughLanding, test } from "./fixtures";

test("the landing page explains the product and signs a guest in", async ({ browser }) => {
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: "reduce" });
  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("stranger");
  await expect(page.getByText("18+ only.")).toBeVisible();
  await screenshotBoth(page, "landing");

  // The chat page needs a session: without one it sends you to sign in first.
  await page.goto("/video-chat");
  await expect(page).toHaveURL(/\/\?next=%2Fvideo-chat$/);

  await signInThroughLanding(page, "Ana");
  await expect(page.getByLabel("Nickname")).toHaveValue("Ana");
  await expect(page.getByRole("radio", { name: /Surprise me/ })).toBeChecked();
  await expect(page.getByLabel("Your camera preview")).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Camera" })).toBeVisible();
  await screenshotBoth(page, "prejoin");
  await context.close();
});

test("pre-join: mood, interests and a rename by signing in again keep the same identity", async ({ guest }) => {
  const ana = await guest("Ana");
  const { page } = ana;
  await page.getByText("Chill").click();
  await expect(page.getByRole("radio", { name: /Chill/ })).toBeChecked();

  const interests = page.getByLabel(/^Interests/);
  await interests.fill("Music");
  await interests.press("Enter");
  await interests.fill("hiking,");
  await expect(page.getByRole("list", { name: "Your interests" }).getByRole("listitem")).toHaveText([/music/, /hiking/]);
  await page.getByRole("button", { name: "Remove hiking" }).click();
  await expect(page.getByRole("list", { name: "Your interests" }).getByRole("listitem")).toHaveText([/music/]);

  await page.getByLabel("Nickname").fill("Anabel");
  await page.getByRole("button", { name: /^Start/ }).click();
  await expect(page.getByRole("heading", { name: "Looking for someone…" })).toBeVisible();
  const session = await page.evaluate(() => fetch("/api/auth/session").then((r) => r.json()));
  expect(session.user.id).toBe(ana.userId);
  expect(session.user.name).toBe("Anabel");
  await expect(page.getByTestId("queue-status")).toContainText("in line");
  await screenshotBoth(page, "queue");

  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("button", { name: /^Start/ })).toBeVisible();
  // Preferences are remembered on this device.
  await page.reload();
  await expect(page.getByRole("radio", { name: /Chill/ })).toBeChecked();
  await expect(page.getByRole("list", { name: "Your interests" }).getByRole("listitem")).toHaveText([/music/]);
  await page.setViewportSize(PHONE);
  await screenshot(page, "prejoin-chill-phone");
});
