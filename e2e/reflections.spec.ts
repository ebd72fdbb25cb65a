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
  const again = await pageApi<{ error: { code: string } }>(ana.page, "POST", "/api/reflections", { sessionId, vibe: 1, outcome: "pass" });
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
