/** src/server/livekit/rooms.ts against the LiveKit double. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LivekitUnavailableError } from "@/server/livekit/errors";
import { createLivekitRooms, type LivekitRooms } from "@/server/livekit/rooms";
import { startLivekitDouble, type LivekitDouble } from "@test/support/livekit-double";

const credentials = { apiKey: "APIsess", apiSecret: "sess-secret-sess-secret-sess-secret" };
let double: LivekitDouble;
let rooms: LivekitRooms;

beforeAll(async () => {
  double = await startLivekitDouble(credentials);
  rooms = createLivekitRooms({ apiUrl: double.url, ...credentials });
});
afterAll(() => double.close());
beforeEach(() => double.reset());

describe("createLivekitRooms", () => {
  it("creates mm_<sessionId> with the session settings", async () => {
    const before = Date.now();
    const info = await rooms.createSessionRoom("s1");
    expect(info).toMatchObject({ name: "mm_s1", numParticipants: 0 });
    expect(info.sid).toMatch(/^RM_/);
    expect(typeof info.creationTime).toBe("number");
    expect(info.creationTime).toBeGreaterThanOrEqual(before - 1000);

    const room = double.rooms.get("mm_s1")!;
    expect(room).toMatchObject({ maxParticipants: 2, emptyTimeout: 60, departureTimeout: 15 });
    expect(JSON.parse(room.metadata)).toEqual({ sessionId: "s1" });
  });

  it("creating twice is harmless (same room)", async () => {
    const first = await rooms.createSessionRoom("s2");
    const second = await rooms.createSessionRoom("s2");
    expect(second.sid).toBe(first.sid);
    expect(double.rooms.size).toBe(1);
  });

  it("deletes a room, and counts an already missing room as deleted", async () => {
    await rooms.createSessionRoom("s3");
    await expect(rooms.deleteRoom("mm_s3")).resolves.toBe(true);
    expect(double.rooms.has("mm_s3")).toBe(false);
    await expect(rooms.deleteRoom("mm_s3")).resolves.toBe(true);
    expect(double.calls.filter((c) => c.method === "DeleteRoom").map((c) => c.status)).toEqual([200, 404]);
  });

  it("lists only mm_* rooms, with numbers instead of bigints", async () => {
    await rooms.createSessionRoom("s4");
    await rooms.createSessionRoom("s5");
    double.addParticipant("mm_s5", "u1");
    double.addParticipant("mm_s5", "u2");
    // A room some other tool made on the same server.
    double.rooms.set("lobby", { ...double.rooms.get("mm_s4")!, name: "lobby", participants: new Map() });

    const listed = await rooms.listSessionRooms();
    expect(listed.map((r) => r.name).sort()).toEqual(["mm_s4", "mm_s5"]);
    const s5 = listed.find((r) => r.name === "mm_s5")!;
    expect(s5.numParticipants).toBe(2);
    expect(typeof s5.creationTime).toBe("number");
    expect(s5.creationTime).toBe(double.rooms.get("mm_s5")!.creationTime);
  });

  it("wraps wrong credentials in LivekitUnavailableError with a hint", async () => {
    const wrong = createLivekitRooms({ apiUrl: double.url, apiKey: credentials.apiKey, apiSecret: "nope" });
    const error = await wrong.createSessionRoom("s6").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivekitUnavailableError);
    expect(error).toMatchObject({ status: 401, code: "unauthenticated", operation: "CreateRoom mm_s6" });
    expect((error as Error).message).toMatch(/LIVEKIT_API_KEY/);
    // A failing delete is not "not found": it must not be reported as done.
    await expect(wrong.deleteRoom("mm_s6")).rejects.toBeInstanceOf(LivekitUnavailableError);
    await expect(wrong.listSessionRooms()).rejects.toMatchObject({ status: 401 });
  });

  it("wraps an unreachable server in LivekitUnavailableError", async () => {
    const stopped = await startLivekitDouble(credentials);
    const url = stopped.url;
    await stopped.close();
    const gone = createLivekitRooms({ apiUrl: url, ...credentials, requestTimeoutSeconds: 2 });
    const error = await gone.deleteRoom("mm_x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivekitUnavailableError);
    expect(error).toMatchObject({ status: undefined });
    expect((error as Error).message).toMatch(/unreachable/);
  });

  it("accepts a ws:// URL like LIVEKIT_URL", async () => {
    const viaWs = createLivekitRooms({ apiUrl: double.wsUrl, ...credentials });
    await expect(viaWs.createSessionRoom("s7")).resolves.toMatchObject({ name: "mm_s7" });
  });
});
