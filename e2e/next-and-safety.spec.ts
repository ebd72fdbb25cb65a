import {
  expect,
  expectPartner,
  expectWaiting,
  matchPair,
  matchingStatus,
  screenshotBoth,
  start,
  test,
  type Guest,
} from "./fixtures";

/** Both wait in the queue at the same time and stay unmatched across several matcher ticks. */
async function expectNotMatchedTogether(a: Guest, b: Guest) {
  await expectWaiting(a);
  await expectWaiting(b);
  // The matcher re-evaluates waiting people at least every second; give it a few rounds.
  await a.page.waitForTimeout(3_000);
  expect((await matchingStatus(a.page)).status).toBe("waiting");
  expect((await matchingStatus(b.page)).status).toBe("waiting");
}

test("Next re-queues the skipper, tells the partner, and the skipped pair never meets again", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  const cy = await guest("Cy");
  await matchPair(ana, ben);

  await ana.page.keyboard.press("Escape"); // Esc = Next
  await expectWaiting(ana);
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
  await screenshotBoth(ben.page, "partner-left");

  await ben.page.getByRole("button", { name: /Find the next person/ }).click();
  await expectNotMatchedTogether(ana, ben);

  await start(cy);
  await expectPartner(cy, ana); // Ana waited longest
  await expectPartner(ana, cy);
  await expectWaiting(ben);
});

test("Stop returns to the start screen and the partner is told", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);

  await ana.page.getByRole("button", { name: "Stop" }).click();
  await expect(ana.page.getByRole("button", { name: /^Start/ })).toBeVisible();
  expect((await matchingStatus(ana.page)).status).toBe("idle");
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
});

test("Block ends the call at once and the pair is never matched again", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  const cy = await guest("Cy");
  await matchPair(ana, ben);

  await ana.page.getByRole("button", { name: "Block" }).click();
  await expect(ana.page.getByTestId("call-ended")).toContainText("You blocked Ben.");
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
  await screenshotBoth(ana.page, "blocked");

  await ana.page.getByRole("button", { name: /Find the next person/ }).click();
  await ben.page.getByRole("button", { name: /Find the next person/ }).click();
  await expectNotMatchedTogether(ana, ben);

  await start(cy);
  await expectPartner(cy, ana);
  await expectWaiting(ben);
});

test("Report asks what happened, ends the call and blocks the pair", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);

  await ana.page.getByRole("button", { name: "Report", exact: true }).click();
  const dialog = ana.page.getByRole("dialog", { name: "Report Ben" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Report and leave" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Pick what happened first.");
  await dialog.getByLabel("Spam or advertising").check();
  await dialog.getByLabel("Details (optional)").fill("kept posting links");
  await screenshotBoth(ana.page, "report-dialog");
  await dialog.getByRole("button", { name: "Report and leave" }).click();
  await expect(dialog).toBeHidden();
  await expect(ana.page.getByTestId("call-ended")).toContainText("we got your report");
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
});

test("auto-next re-queues by itself a few seconds after the partner leaves", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);

  await ana.page.getByRole("button", { name: "Stop" }).click();
  const ended = ben.page.getByTestId("call-ended");
  await expect(ended).toContainText("Ana left.");
  await ended.getByLabel(/Auto-next/).check();
  await expectWaiting(ben);
  // The setting sticks for the next time.
  expect(await ben.page.evaluate(() => localStorage.getItem("mm:auto-next"))).toBe("true");
});
