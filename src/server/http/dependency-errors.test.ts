import { DrizzleQueryError } from "drizzle-orm/errors";
import { MaxRetriesPerRequestError } from "ioredis/built/errors";
import { ReplyError } from "ioredis";
import { DatabaseError } from "pg";
import { describe, expect, it } from "vitest";
import { LivekitUnavailableError } from "../livekit/errors";
import { causeChain, DependencyUnavailableError, isDependencyFailure } from "./dependency-errors";

const sqlState = (code: string, message = "x") => Object.assign(new DatabaseError(message, 0, "error"), { code });
const wrapped = (cause: unknown, params: unknown[] = ["hello"]) =>
  new DrizzleQueryError('insert into "chat" values ($1)', params, cause as Error);
const errno = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe("isDependencyFailure", () => {
  it("walks drizzle's wrapper to the pg error: the server's SQLSTATE decides", () => {
    expect(isDependencyFailure(wrapped(sqlState("57P01")))).toBe(true); // admin shutdown
    expect(isDependencyFailure(wrapped(sqlState("57014")))).toBe(true); // statement_timeout
    expect(isDependencyFailure(wrapped(sqlState("08006")))).toBe(true);
    expect(isDependencyFailure(wrapped(sqlState("53300")))).toBe(true); // too many connections
    expect(isDependencyFailure(wrapped(sqlState("23505")))).toBe(false); // a bug, not an outage
    expect(isDependencyFailure(wrapped(sqlState("42601")))).toBe(false);
  });

  it("a bare driver error under drizzle is the transport failing; network errnos anywhere on the chain", () => {
    expect(isDependencyFailure(wrapped(new Error("Connection terminated unexpectedly")))).toBe(true);
    expect(isDependencyFailure(wrapped(new Error("Query read timeout")))).toBe(true);
    expect(isDependencyFailure(wrapped(errno("ECONNREFUSED")))).toBe(true);
    const dualStack = Object.assign(new AggregateError([errno("ECONNREFUSED"), errno("ECONNREFUSED")]), { code: "ECONNREFUSED" });
    expect(isDependencyFailure(wrapped(dualStack))).toBe(true);
    expect(isDependencyFailure(new Error("fetch failed", { cause: errno("ECONNRESET") }))).toBe(true);
    expect(isDependencyFailure(wrapped(new TypeError("bad value")))).toBe(false);
  });

  it("never reads the wrapper's message: a user's text in the parameters cannot make (or hide) an outage", () => {
    expect(isDependencyFailure(wrapped(sqlState("23505"), ["Connection is closed."]))).toBe(false);
    expect(isDependencyFailure(new Error("Connection terminated unexpectedly"))).toBe(false); // not from the driver
    expect(isDependencyFailure(new Error("Connection is closed. or is it"))).toBe(false);
  });

  it("knows ioredis's failures: its classes, its bare connection errors, and replies that mean the server cannot serve", () => {
    expect(isDependencyFailure(new MaxRetriesPerRequestError(2))).toBe(true);
    expect(isDependencyFailure(new Error("Connection is closed."))).toBe(true);
    expect(isDependencyFailure(new Error("Command timed out"))).toBe(true);
    expect(isDependencyFailure(new ReplyError("LOADING Redis is loading the dataset in memory"))).toBe(true);
    expect(isDependencyFailure(new ReplyError("ERR user_script:1: Script attempted to access nonexistent global variable"))).toBe(
      false,
    );
  });

  it("knows this app's own: LiveKit unavailable and DependencyUnavailableError, also as a cause", () => {
    expect(isDependencyFailure(new LivekitUnavailableError("CreateRoom", { message: "unreachable" }))).toBe(true);
    expect(isDependencyFailure(new Error("outer", { cause: new DependencyUnavailableError("redis", "lost") }))).toBe(true);
    expect(isDependencyFailure(new Error("boom"))).toBe(false);
    expect(isDependencyFailure("a string")).toBe(false);
  });

  it("survives cycles", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(causeChain(a)).toHaveLength(2);
    expect(isDependencyFailure(a)).toBe(false);
  });
});
