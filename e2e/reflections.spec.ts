import { REFLECTION_MIN_CALL_MS } from "../src/lib/reflections";
import { currentSessionId, expect, matchPair, pageApi, screenshot, test } from "./fixtures";

test("after a call of 20 s or more both get a reflection card: one sends it, once; the other skips", async ({ guest }) => {
  test.setTimeout(REFLECTION_MIN_CALL_MS + 60_000);
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  const sessionId = await currentSessionId(ana);
  // No card during the call.
  await ana.page.waitForTimeout(REFLECTION_MIN_CALL_MS + 1_000);
  await expect(ana.page.getByTestId("reflection-card")).toHaveCount(0);

  await ana.page.getByRole("button", { name: "Stop" }).click();
  const card = ana.page.getByTestId("reflection-card");
  await expect(card).toContainText("How was your chat with Ben?");
  const send = card.getByRole("button", { name: "Send" });
  await expect(send).toBeDisabled(); // a vibe and an outcome first
  await card.getByRole("radio", { name: "5: Amazing" }).check({ force: true });
  await card.getByRole("radio", { name: "I'd talk again" }).check({ force: true });
  await card.getByRole("button", { name: "Kind" }).click();
  await expect(card.getByRole("button", { name: "Kind" })).toHaveAttribute("aria-pressed", "true");
  await screenshot(ana.page, "reflection");
  await send.click();
  await expect(card).toContainText("Thanks");
  await expect(card).toHaveCount(0);
  // Recorded: a second one for the same call is refused.
  const again = await pageApi<{ error: { code: string } }>(ana.page, "POST", "/api/reflections", {
    sessionId,
    vibe: 1,
    outcome: "pass",
  });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe("CONFLICT");

  const benCard = ben.page.getByTestId("reflection-card");
  await expect(benCard).toContainText("How was your chat with Ana?");
  await benCard.getByRole("button", { name: "Skip" }).click();
  await expect(benCard).toHaveCount(0);
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
});

test("a short call gets no reflection card", async ({ guest }) => {
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await matchPair(ana, ben);
  await ana.page.getByRole("button", { name: "Stop" }).click();
  await expect(ben.page.getByTestId("call-ended")).toContainText("Ana left.");
  await ana.page.waitForTimeout(1_000);
  await expect(ana.page.getByTestId("reflection-card")).toHaveCount(0);
  await expect(ben.page.getByTestId("reflection-card")).toHaveCount(0);
});

test("both say they'd talk again: they become friends, see each other online, and either can unfriend", async ({ guest }) => {
  test.setTimeout(REFLECTION_MIN_CALL_MS + 60_000);
  const ana = await guest("Ana");
  const ben = await guest("Ben");
  await expect(ana.page.getByTestId("friends")).toContainText("When you and someone both say");
  await matchPair(ana, ben);
  await ana.page.waitForTimeout(REFLECTION_MIN_CALL_MS + 1_000);
  await ana.page.getByRole("button", { name: "Stop" }).click();

  for (const [me, them] of [
    [ana, ben],
    [ben, ana],
  ] as const) {
    const card = me.page.getByTestId("reflection-card");
    await expect(card).toContainText(`How was your chat with ${them.nickname}?`);
    await card.getByRole("radio", { name: "4: Good" }).check({ force: true });
    await card.getByRole("radio", { name: "I'd talk again" }).check({ force: true });
    await card.getByRole("button", { name: "Send" }).click();
  }
  await expect(ben.page.getByTestId("reflection-card")).toContainText("Ana is now in your friends");

  await ana.page.reload();
  const friends = ana.page.getByTestId("friends");
  await expect(friends.getByRole("listitem")).toHaveCount(1);
  await expect(friends.getByRole("listitem")).toContainText("Ben");
  await expect(friends.getByRole("listitem")).toContainText("Online now");
  await screenshot(ana.page, "friends");

  ana.page.once("dialog", (dialog) => void dialog.accept());
  await friends.getByRole("button", { name: "Unfriend Ben" }).click();
  await expect(friends.getByRole("listitem")).toHaveCount(0);
  await expect(friends).toContainText("When you and someone both say");
});
