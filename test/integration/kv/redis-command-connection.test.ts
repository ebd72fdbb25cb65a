import Redis, { type RedisOptions } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { COMMAND_OPTIONS, failUnansweredOnClose } from "@/server/redis";
import { TEST_REDIS_URL, uniqueNamespace } from "@test/support/services";

const admin = new Redis(TEST_REDIS_URL);
afterAll(async () => {
  await admin.quit();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** INCR, then keep the server busy for 150 ms so the reply is still due when the socket drops. */
const SLOW_INCR = `
redis.call('INCR', KEYS[1])
local t0 = redis.call('TIME')
repeat local t = redis.call('TIME') until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 150000
return 1`;

/** Sends SLOW_INCR, drops the client's socket while it runs, and reports how often it ran. */
async function runsAfterDrop(options: RedisOptions, failFast = true) {
  const key = `${uniqueNamespace("resend")}:n`;
  const client = new Redis(TEST_REDIS_URL, { ...options, retryStrategy: () => 20 });
  client.on("error", () => {});
  if (failFast) failUnansweredOnClose(client);
  try {
    await client.ping();
    const outcome = client.eval(SLOW_INCR, 1, key).then(
      () => "answered",
      () => "failed",
    );
    await sleep(40);
    const droppedAt = performance.now();
    client.stream.destroy();
    const result = await outcome;
    const settledAfterMs = performance.now() - droppedAt;
    await sleep(300);
    return {
      result,
      runs: Number(await admin.get(key)),
      beforeCommandTimeout: settledAfterMs < COMMAND_OPTIONS.commandTimeout! / 2,
    };
  } finally {
    client.disconnect();
    await admin.del(key);
  }
}

describe("the shared Redis command connection", () => {
  it("fails a command that was on the wire when the connection dropped, at once, instead of running it again", async () => {
    expect(await runsAfterDrop(COMMAND_OPTIONS)).toEqual({ result: "failed", runs: 1, beforeCommandTimeout: true });
  });

  it("(without failing it at once it would hang until the command timeout)", async () => {
    expect(await runsAfterDrop(COMMAND_OPTIONS, false)).toEqual({ result: "failed", runs: 1, beforeCommandTimeout: false });
  });

  it("(ioredis's default resends it, so it would have run twice)", async () => {
    expect(await runsAfterDrop({ ...COMMAND_OPTIONS, autoResendUnfulfilledCommands: true }, false)).toMatchObject({
      result: "answered",
      runs: 2,
    });
  });
});
