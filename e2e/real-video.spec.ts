import { AccessToken } from "livekit-server-sdk";
import { E2E } from "./env";
import {
  currentSessionId,
  expect,
  expectPartner,
  matchingStatus,
  matchPair,
  screenshot,
  sendChat,
  start,
  test,
} from "./fixtures";
import { joinRoomOutsideTheApp, signalRefusal } from "./intruder";
import { expectSeesPartner, inboundMedia } from "./media";

/**
 * Real media through the real LiveKit server (scripts/livekit.sh): fake cameras and microphones,
 * one browser context per person, the app instance wired to that server and its webhooks.
 */
test.use({ baseURL: E2E.videoAppUrl });

/** The video app's count of matches that became calls (both joined, told by LiveKit's webhooks). */
async function sessionsActivated(): Promise<number> {
  const response = await fetch(`${E2E.videoAppUrl}/api/metrics`, { headers: { authorization: `Bearer ${E2E.metricsToken}` } });
  const line = (await response.text()).split("\n").find((l) => l.startsWith("moodmatch_sessions_activated_total "));
  if (!line) throw new Error("no moodmatch_sessions_activated_total in /api/metrics");
  return Number(line.split(" ")[1]);
}

test("matched strangers see and hear each other; the session turns active from the real participant_joined webhooks", async ({
  guest,
}) => {
  const activatedBefore = await sessionsActivated();
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  await expectSeesPartner(ben.page, "Ana");
  await expect(ana.page.getByTestId("video-problem")).toHaveCount(0);
  await expect.poll(sessionsActivated, { timeout: 10_000 }).toBe(activatedBefore + 1);

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

test("mic and camera off on one side show as off on the other, and come back", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ben.page, "Ana");

  await ana.page.getByRole("button", { name: "Mic on" }).click();
  await expect(ben.page.getByTestId("partner-mic-off")).toHaveText("Ana's microphone is off");
  await ana.page.getByRole("button", { name: "Camera on" }).click();
  await expect(ben.page.getByTestId("partner-camera-off")).toHaveText("Ana turned their camera off.");
  await expect(ben.page.getByLabel("Ana's camera")).toHaveCount(0);
  await screenshot(ben.page, "real-call-partner-camera-off");

  await ana.page.getByRole("button", { name: "Camera off" }).click();
  await ana.page.getByRole("button", { name: "Mic off" }).click();
  await expect(ben.page.getByTestId("partner-mic-off")).toHaveCount(0);
  await expect(ben.page.getByTestId("partner-camera-off")).toHaveCount(0);
  await expectSeesPartner(ben.page, "Ana");
});

test("a third participant cannot enter a call, even with a valid pass for its room", async ({ guest, browser }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await expectSeesPartner(ana.page, "Ben");
  const status = await matchingStatus(ana.page);
  if (status.status !== "in_session") throw new Error("Ana is not in a call");

  // A pass the app would never mint (it only signs members' tokens): the room's own cap must hold.
  const pass = new AccessToken(E2E.livekitKey, E2E.livekitSecret, { identity: "intruder", ttl: "5m" });
  pass.addGrant({ roomJoin: true, room: status.session.roomName, canPublish: true, canSubscribe: true });
  const token = await pass.toJwt();
  const intruder = await browser.newContext();
  try {
    expect(await joinRoomOutsideTheApp(await intruder.newPage(), E2E.realLivekit.url, token)).not.toBe("connected");
  } finally {
    await intruder.close();
  }
  // Why: the pass is good and the room exists (LiveKit's own validation says so), yet the signal
  // join is refused — the room is capped at its two people (the server logs "room has exceeded
  // its max participants"; over the wire it only answers 500).
  const validation = await fetch(`${E2E.realLivekit.http}/rtc/validate?access_token=${encodeURIComponent(token)}`);
  expect({ status: validation.status, body: await validation.text() }).toEqual({ status: 200, body: "success" });
  expect((await signalRefusal(E2E.realLivekit.http, token)).status).toBe(500);
  // The call itself is untouched.
  expect(await currentSessionId(ben)).toBe(status.session.id);
  await expectSeesPartner(ben.page, "Ana");
});
