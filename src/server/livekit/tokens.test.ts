import { decodeJwt } from "jose";
import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { DEFAULT_JOIN_TOKEN_TTL_SECONDS, mintJoinToken } from "./tokens";

const credentials = { apiKey: "APIunit", apiSecret: "unit-secret-unit-secret-unit-secret" };
const request = { roomName: "mm_s1", identity: "user-1", name: "Nick", metadata: '{"mood":"chill"}' };

describe("mintJoinToken", () => {
  it("grants joining exactly one room with publish, subscribe and data", async () => {
    const jwt = await mintJoinToken(credentials, request);
    const claims = await new TokenVerifier(credentials.apiKey, credentials.apiSecret).verify(jwt);

    expect(claims.iss).toBe(credentials.apiKey);
    expect(claims.sub).toBe("user-1");
    expect(claims.name).toBe("Nick");
    expect(claims.metadata).toBe('{"mood":"chill"}');
    expect(claims.video).toEqual({
      roomJoin: true,
      room: "mm_s1",
      canPublish: true,
      canPublishSources: ["camera", "microphone"],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
  });

  it("never carries admin grants", async () => {
    const video = decodeJwt(await mintJoinToken(credentials, request)).video as Record<string, unknown>;
    for (const grant of ["roomCreate", "roomAdmin", "roomList", "roomRecord", "ingressAdmin", "hidden", "recorder", "agent"]) {
      expect(video[grant], grant).toBeUndefined();
    }
  });

  it("expires after ttlSeconds (default one hour)", async () => {
    const byDefault = decodeJwt(await mintJoinToken(credentials, request));
    expect(byDefault.exp! - byDefault.nbf!).toBe(DEFAULT_JOIN_TOKEN_TTL_SECONDS);
    const short = decodeJwt(await mintJoinToken(credentials, { ...request, ttlSeconds: 120 }));
    expect(short.exp! - short.nbf!).toBe(120);
  });

  it("is rejected by a verifier with another secret", async () => {
    const jwt = await mintJoinToken(credentials, request);
    await expect(new TokenVerifier(credentials.apiKey, "another-secret").verify(jwt)).rejects.toThrow();
  });

  it("refuses to mint without a room or identity, or with a bad ttl", async () => {
    await expect(mintJoinToken(credentials, { ...request, roomName: "" })).rejects.toThrow(/roomName/);
    await expect(mintJoinToken(credentials, { ...request, identity: "" })).rejects.toThrow(/identity/);
    await expect(mintJoinToken(credentials, { ...request, ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    await expect(mintJoinToken(credentials, { ...request, ttlSeconds: 1.5 })).rejects.toThrow(/ttlSeconds/);
  });
});
