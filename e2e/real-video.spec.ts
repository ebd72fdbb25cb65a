import { E2E } from "./env";
import { expect, expectPartner, matchPair, screenshot, sendChat, start, test } from "./fixtures";
import { expectSeesPartner, inboundMedia } from "./media";

/**
 * Real media through the real LiveKit server (scripts/livekit.sh): fake cameras and microphones,
 * one browser context per person, the app instance wired to that server and its webhooks.
 */
test.use({ baseURL: E2E.videoAppUrl });

test("matched strangers see and hear each other", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await expectSeesPartner(ben.page, "Ana");
  await expect(ana.page.getByTestId("video-problem")).toHaveCount(0);

  await sendChat(ben.page, "I can see you!");
  await expect(ana.page.getByTestId("chat-log")).toContainText("I can see you!");
  await screenshot(ana.page, "real-call-desktop");
});

test("Next: both get new partners and the new partner's video flows; Stop ends the media", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  const cy = await guest("Cy");
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");

  await ana.page.getByRole("button", { name: "Next" }).click();
  await start(cy);
  await expectPartner(ana, cy);
  await expectSeesPartner(ana.page, "Cy");
  await expectSeesPartner(cy.page, "Ana");

  await cy.page.getByRole("button", { name: "Stop" }).click();
  await expect(cy.page.getByRole("button", { name: /^Start/ })).toBeVisible();
  await expect.poll(async () => (await inboundMedia(cy.page)).openConnections, { timeout: 10_000 }).toBe(0);
  await expect(ana.page.getByTestId("call-ended")).toContainText("Cy left.");
});

test("refreshing mid-call resumes the same session's video", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await ana.page.reload();
  await expectPartner(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await expectSeesPartner(ben.page, "Ana");
});

test("closing a browser without Stop: the partner is told from the real participant_left webhook", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ben.page, "Ana");
  await ana.context.close();
  // LiveKit notices the closed tab, then the app's departure grace (10 s) runs out.
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana lost the connection.", { timeout: 45_000 });
});
