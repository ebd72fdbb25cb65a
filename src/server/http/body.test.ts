import { describe, expect, it } from "vitest";
import { enqueueInputSchema, emptyInputSchema } from "@/lib/schemas";
import { MAX_BODY_BYTES, readJsonBody } from "./body";
import { AppError } from "./errors";

const post = (body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) =>
  new Request("http://app.test/api/x", { method: "POST", body, headers });

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("readJsonBody", () => {
  it("parses and normalises valid input", async () => {
    const body = await readJsonBody(
      post(JSON.stringify({ mood: "chill", interests: ["Music", "music", " Go "] })),
      enqueueInputSchema,
    );
    expect(body).toEqual({ mood: "chill", interests: ["music", "go"] });
  });

  it("treats an empty body as {}", async () => {
    await expect(readJsonBody(post(null, {}), emptyInputSchema)).resolves.toEqual({});
  });

  it("rejects malformed JSON with 400 INVALID_INPUT", async () => {
    const err = await failure(readJsonBody(post("{nope"), enqueueInputSchema));
    expect([err.status, err.code]).toEqual([400, "INVALID_INPUT"]);
  });

  it("rejects schema violations with the issues as details", async () => {
    const err = await failure(readJsonBody(post(JSON.stringify({ mood: "angry" })), enqueueInputSchema));
    expect(err.code).toBe("INVALID_INPUT");
    expect(err.details).toEqual([expect.objectContaining({ path: ["mood"] })]);
  });

  it("rejects unknown fields such as a smuggled user id", async () => {
    const err = await failure(readJsonBody(post(JSON.stringify({ userId: "someone-else" })), emptyInputSchema));
    expect(err.code).toBe("INVALID_INPUT");
  });

  it("rejects a non-JSON content type with 415", async () => {
    const err = await failure(
      readJsonBody(post("mood=chill", { "content-type": "application/x-www-form-urlencoded" }), enqueueInputSchema),
    );
    expect([err.status, err.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  it("rejects bodies over 16 KiB with 413, declared or streamed", async () => {
    const big = JSON.stringify({ mood: "chill", pad: "x".repeat(MAX_BODY_BYTES) });
    expect((await failure(readJsonBody(post(big), enqueueInputSchema))).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = new Request("http://app.test/x", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect((await failure(readJsonBody(chunked, enqueueInputSchema))).code).toBe("PAYLOAD_TOO_LARGE");
  });
});
