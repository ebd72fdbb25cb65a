import { REFLECTION_MIN_CALL_MS } from "../src/lib/reflections";
import { E2E } from "./env";
import { currentSessionId, expect, expectPartner, matchPair, pageApi, screenshot, test, type Guest } from "./fixtures";
import { expectSeesPartner } from "./media";

/**
 * Calling a friend again, through the real LiveKit server: two strangers both say "again" after a
 * call, then one calls the other from the Friends list; a declined call tells the caller, an
 * accepted one puts both in a call where they see each other.
 */
test.use({ baseURL: E2E.videoAppUrl });

async function becomeFriends(ana: Guest, ben: Guest) {
  await matchPair(ana, ben);
  const sessionId = await currentSessionId(ana);
  await ana.page.waitForTimeout(REFLECTION_MIN_CALL_MS + 1_000);
  await ana.page.getByRole("button", { name: "Stop" }).click();
  for (const guest of [ana, ben]) {
    const reflected = await pageApi(guest.page, "POST", "/api/reflections", { sessionId, vibe: 5, outcome: "again" });
    expect(reflected.status).toBe(201);
  }
  // back to the start page on both sides, where the Friends list is
  for (const guest of [ana, ben]) await guest.page.reload();
}

test("strangers who both said again: a declined call tells the caller, an accepted one is a call where they see each other", async ({
  guest,
}) => {
  test.setTimeout(REFLECTION_MIN_CALL_MS + 90_000);
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await becomeFriends(ana, ben);

  const friends = ana.page.getByTestId("friends");
  await expect(friends.getByRole("listitem")).toContainText("Online now");
  await friends.getByRole("button", { name: "Call Ben" }).click();
  await expect(ana.page.getByTestId("outgoing-call")).toContainText("Calling Ben…");
  const ringing = ben.page.getByTestId("incoming-call");
  await expect(ringing).toContainText("Ana is calling you");
  await screenshot(ben.page, "friend-call-ringing");
  await ringing.getByRole("button", { name: "Decline" }).click();
  await expect(ana.page.getByTestId("call-notice")).toContainText("Ben can't talk right now.");
  await expect(ana.page.getByTestId("outgoing-call")).toHaveCount(0);

  await ana.page.getByTestId("call-notice").getByRole("button", { name: "OK" }).click();
  await friends.getByRole("button", { name: "Call Ben" }).click();
  await ben.page.getByRole("button", { name: "Accept call from Ana" }).click();
  await expectPartner(ana, ben);
  await expectPartner(ben, ana);
  await expectSeesPartner(ana.page, "Ben");
  await expectSeesPartner(ben.page, "Ana");
  await expect(ana.page.getByTestId("outgoing-call")).toHaveCount(0);
});
