/**
 * src/server/livekit/rooms.ts against the LiveKit double, for what only the double shows (its
 * call log, an unreachable server). Creating, deleting and listing are in contract.test.ts, on
 * both the real server and the double.
 */
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
    expect(error).toMatchObject({ status: 401, operation: "CreateRoom mm_s6" });
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
