import { DrizzleQueryError } from "drizzle-orm/errors";
import { encode } from "next-auth/jwt";
import { DatabaseError } from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { emptyInputSchema } from "@/lib/schemas";
import { getEnv } from "../env";
import { getServices } from "../services";
import { AppError, errors } from "./errors";
import { route } from "./route";

const url = "http://localhost:3000/api/test";

async function sessionCookie(sub: string) {
  const token = await encode({ token: { sub, name: "Ada" }, secret: getEnv().authSecret });
  return `next-auth.session-token=${token}`;
}

describe("route()", () => {
  const whoami = route({ auth: "user" }, async ({ user }) => ({ id: user.id }));
  // A signed-in request is checked against bans through the app's services: boot the embedded
  // ones (PGlite and its migrations, seconds on a busy machine) before, not inside, a test.
  beforeAll(async () => void (await getServices()), 60_000);

  it("answers 401 JSON with the error shape and a request id without a session", async () => {
    const res = await whoami(new Request(url));
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await res.json();
    expect(body.error.code).toBe("UNAUTHENTICATED");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("takes the user id from the session cookie only", async () => {
    const res = await whoami(new Request(url, { headers: { cookie: await sessionCookie("user-1") } }));
    expect(await res.json()).toEqual({ id: "user-1" });
    const forged = await whoami(new Request(url, { headers: { cookie: "next-auth.session-token=forged" } }));
    expect(forged.status).toBe(401);
  });

  it("tells the route's own time in Server-Timing, on answers and on errors", async () => {
    const slow = route({ auth: "public" }, async () => {
      await new Promise((r) => setTimeout(r, 30));
      return { ok: true };
    });
    const timing = (res: Response) => Number(/^app;dur=(\d+(\.\d)?)$/.exec(res.headers.get("server-timing") ?? "")?.[1]);
    expect(timing(await slow(new Request(url)))).toBeGreaterThanOrEqual(29);
    expect(timing(await whoami(new Request(url)))).toBeGreaterThanOrEqual(0);
  });

  it("keeps a sane incoming request id", async () => {
    const res = await whoami(new Request(url, { headers: { "x-request-id": "req-12345678" } }));
    expect(res.headers.get("x-request-id")).toBe("req-12345678");
  });

  it("maps AppErrors, including Retry-After, and hides unexpected errors behind 500 INTERNAL", async () => {
    const cooldown = route({ auth: "public" }, async () => {
      throw errors.cooldown(Date.now() + 61_000);
    });
    const res = await cooldown(new Request(url));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(60);
    expect((await res.json()).error.details.retryAfterMs).toBeGreaterThan(59_000);

    const boom = route({ auth: "public" }, async () => {
      throw new Error("secret internals");
    });
    const internal = await boom(new Request(url));
    expect(internal.status).toBe(500);
    expect(JSON.stringify(await internal.json())).not.toContain("secret internals");
  });

  it("maps connection failures of dependencies to 503 UNAVAILABLE", async () => {
    const down = route({ auth: "public" }, async () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    });
    expect((await down(new Request(url))).status).toBe(503);
  });

  it("maps a dependency failure wrapped by drizzle (the pg error on .cause) to 503 UNAVAILABLE with the error shape", async () => {
    const shutdown = Object.assign(new DatabaseError("terminating connection due to administrator command", 0, "error"), {
      code: "57P01",
    });
    const down = route({ auth: "public" }, async () => {
      throw new DrizzleQueryError("select 1", [], shutdown);
    });
    const res = await down(new Request(url));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json()).error).toMatchObject({ code: "UNAVAILABLE", details: { retryAfterMs: 5000 } });
  });

  it("checks bearer secrets in constant time and refuses when unconfigured", async () => {
    const cron = route({ auth: { bearer: () => "s3cret", name: "the cron" } }, async () => ({ ok: true }));
    expect((await cron(new Request(url))).status).toBe(401);
    expect((await cron(new Request(url, { headers: { authorization: "Bearer wrong" } }))).status).toBe(401);
    expect((await cron(new Request(url, { headers: { authorization: "Bearer s3cret" } }))).status).toBe(200);
    const off = route({ auth: { bearer: () => undefined, name: "the admin API" } }, async () => ({}));
    expect((await off(new Request(url, { headers: { authorization: "Bearer x" } }))).status).toBe(403);
  });

  it("refuses cross-site mutations before reading the body", async () => {
    const mutate = route({ auth: "public", body: emptyInputSchema }, async () => ({ ok: true }));
    const res = await mutate(
      new Request(url, { method: "POST", headers: { origin: "https://evil.example", host: "localhost:3000" }, body: "{}" }),
    );
    expect(res.status).toBe(403);
  });

  it("AppError statuses follow the contract", () => {
    expect(new AppError("ALREADY_IN_SESSION", "x").status).toBe(409);
    expect(new AppError("MAINTENANCE", "x").status).toBe(503);
    expect(new AppError("PAYLOAD_TOO_LARGE", "x").status).toBe(413);
  });
});
