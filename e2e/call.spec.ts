import { E2E } from "./env";
import {
  chatInput,
  currentSessionId,
  expect,
  expectPartner,
  livekitIdentity,
  matchPair,
  PHONE,
  screenshot,
  screenshotBoth,
  sendChat,
  test,
} from "./fixtures";

test("two strangers meet, see each other's names and chat both ways with typing", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben", { viewport: PHONE });
  await matchPair(ana, ben);

  // Ana types: Ben (on a phone, chat in a drawer) sees the typing indicator, then the message.
  const anaInput = await chatInput(ana.page);
  await anaInput.pressSequentially("hel");
  const benInput = await chatInput(ben.page);
  await expect(ben.page.getByTestId("typing-indicator")).toHaveText("Ana is typing…");
  await anaInput.pressSequentially("lo Ben");
  await anaInput.press("Enter");
  await expect(ben.page.getByTestId("chat-log")).toContainText("hello Ben");
  await expect(ben.page.getByTestId("typing-indicator")).toHaveText("");

  await benInput.fill("hi Ana 👋");
  await benInput.press("Enter");
  await expect(ana.page.getByTestId("chat-log")).toContainText("hi Ana 👋");
  // My own message shows once, even though the server echoes it back as an event.
  await expect(ana.page.getByTestId("chat-log").getByText("hello Ben")).toHaveCount(1);
  await expect(ben.page.getByTestId("chat-log").getByText("hi Ana 👋")).toHaveCount(1);

  await screenshotBoth(ana.page, "call-chat");
  await screenshot(ben.page, "call-chat-drawer-phone");
});

test("media fails against the double: the video area says so with the URL, chat keeps working", async ({
  guest,
  rtcAttempts,
}) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  const sessionId = await currentSessionId(ana);
  const [anaIdentity, benIdentity] = [await livekitIdentity(ana), await livekitIdentity(ben)];

  const problem = ana.page.getByTestId("video-problem");
  await expect(problem).toContainText(`Couldn't reach the video server at ${E2E.livekitUrl}.`);
  await expect(problem.getByRole("button", { name: "Retry video" })).toBeVisible();

  const attempts = await rtcAttempts();
  const mine = attempts.filter((a) => a.room === `mm_${sessionId}` && a.identity === anaIdentity);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.every((a) => a.tokenValid)).toBe(true);
  expect(attempts.some((a) => a.room === `mm_${sessionId}` && a.identity === benIdentity)).toBe(true);

  // Retry makes a new attempt with the same room and identity.
  const before = mine.length;
  await problem.getByRole("button", { name: "Retry video" }).click();
  await expect(problem).toContainText("Couldn't reach the video server");
  await expect
    .poll(async () => (await rtcAttempts()).filter((a) => a.room === `mm_${sessionId}` && a.identity === anaIdentity).length)
    .toBeGreaterThan(before);

  await sendChat(ben.page, "can you see me?");
  await expect(ana.page.getByTestId("chat-log")).toContainText("can you see me?");
  await screenshotBoth(ana.page, "video-unreachable");
});

test("refreshing the page rejoins the same call with a fresh token", async ({ guest, rtcAttempts }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  const sessionId = await currentSessionId(ana);
  const anaIdentity = await livekitIdentity(ana);
  await sendChat(ben.page, "before the refresh");
  await expect(ana.page.getByTestId("chat-log")).toContainText("before the refresh");
  const attemptsBefore = (await rtcAttempts()).filter((a) => a.room === `mm_${sessionId}` && a.identity === anaIdentity).length;

  await ana.page.reload();
  await expectPartner(ana, ben);
  // The conversation so far comes back with the call.
  await expect(ana.page.getByTestId("chat-log")).toContainText("before the refresh");
  expect(await currentSessionId(ana)).toBe(sessionId);
  await expect(ana.page.getByTestId("video-problem")).toBeVisible();
  await expect
    .poll(async () => (await rtcAttempts()).filter((a) => a.room === `mm_${sessionId}` && a.identity === anaIdentity).length)
    .toBeGreaterThan(attemptsBefore);

  // Still the same conversation: chat flows both ways after the refresh.
  await sendChat(ana.page, "back again");
  await expect(ben.page.getByTestId("chat-log")).toContainText("back again");
});

test("a second tab steps aside until told to use it, then takes over", async ({ guest }) => {
  const ana = await guest("Ana");
  const second = await ana.context.newPage();
  await second.goto("/video-chat");
  await expect(second.getByRole("heading", { name: "MoodMatch is open in another tab" })).toBeVisible();
  await screenshot(second, "other-tab-desktop");

  await second.getByRole("button", { name: "Use here" }).click();
  await expect(second.getByRole("button", { name: /^Start/ })).toBeVisible();
  await expect(ana.page.getByRole("heading", { name: "MoodMatch is open in another tab" })).toBeVisible();
  await second.close();
});
