import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cleanupRoute from "@/app/api/cron/cleanup/route";
import * as enqueueRoute from "@/app/api/matching/enqueue/route";
import { configureRoomPrefix, DEFAULT_ROOM_PREFIX } from "@/server/livekit/room-names";
import { createLivekitRooms } from "@/server/livekit/rooms";
import { apiRequest, createHarness, LK, type Harness } from "@test/support/harness";

/**
 * Two deployments on one LiveKit project: each names its rooms with its own prefix and its cleanup
 * cron deletes only its own orphans (instructions/safety-and-operations.md "LiveKit room prefix").
 * Real Redis and Postgres, the LiveKit double as the shared project.
 */
let h: Harness;

beforeAll(async () => {
  configureRoomPrefix("deploy-a");
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
  configureRoomPrefix(DEFAULT_ROOM_PREFIX);
});

const cron = () =>
  cleanupRoute.POST(
    new Request("http://localhost:3000/api/cron/cleanup", {
      method: "POST",
      headers: { authorization: "Bearer test-cron-secret" },
    }),
  );

describe("LIVEKIT_ROOM_PREFIX", () => {
  it("the cron leaves another deployment's rooms alone and still cleans its own", async () => {
    // Deployment B, same LiveKit project, its own prefix: a live call of theirs and a legacy room.
    const other = createLivekitRooms({ apiUrl: h.livekit.url, ...LK, roomPrefix: "deploy-b" });
    const theirs = await other.createSessionRoom("theirlive1");
    const legacy = await createLivekitRooms({ apiUrl: h.livekit.url, ...LK, roomPrefix: "mm" }).createSessionRoom("legacy1");
    // Deployment A: a live session and an orphan room.
    const a = await h.newUser();
    const b = await h.newUser();
    await enqueueRoute.POST(apiRequest(a, "/api/matching/enqueue", { method: "POST", body: {} }));
    const matched = await (await enqueueRoute.POST(apiRequest(b, "/api/matching/enqueue", { method: "POST", body: {} }))).json();
    expect(matched.session.roomName).toBe(`deploy-a_${matched.session.id}`);
    const orphan = await h.deps.rooms.createSessionRoom("orphan1");
    expect(orphan.name).toBe("deploy-a_orphan1");

    h.clock.advance(61_000); // past the room grace
    for (const u of [a, b]) await h.deps.store.touch(u.id, h.clock.now); // A's call is still going on
    const res = await cron();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ran: true, orphanRooms: 1 });
    expect(h.livekit.rooms.has(orphan.name)).toBe(false);
    expect(h.livekit.rooms.has(matched.session.roomName)).toBe(true);
    expect(h.livekit.rooms.has(theirs.name)).toBe(true);
    expect(h.livekit.rooms.has(legacy.name)).toBe(true);
    expect((await h.deps.rooms.listSessionRooms()).map((r) => r.name)).toEqual([matched.session.roomName]);
  });
});
