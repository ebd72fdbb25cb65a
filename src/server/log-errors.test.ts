import { Writable } from "node:stream";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseError } from "pg";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { serializeError } from "./log-errors";

function logLine(serializers: pino.LoggerOptions["serializers"], obj: object): string {
  let out = "";
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  pino({ serializers }, sink).error(obj, "failed");
  return out;
}

const duplicate = Object.assign(
  new DatabaseError('duplicate key value violates unique constraint "users_nickname"', 0, "error"),
  {
    code: "23505",
    detail: "Key (nickname)=(NickOfAda) already exists.",
  },
);
const failed = new DrizzleQueryError(
  'insert into "chat_messages" ("text", "nickname") values ($1, $2)',
  ["my phone is 555 0199", "NickOfAda"],
  duplicate,
);

describe("the logger's error serializer", () => {
  it("pino's default would log the SQL parameters (the reason for this serializer)", () => {
    expect(logLine(undefined, { err: failed })).toContain("my phone is 555 0199");
  });

  it("logs the SQL text, codes, stack frames and cause chain, never the parameters or row values", () => {
    const line = logLine({ err: serializeError }, { err: new Error("announce failed", { cause: failed }) });
    expect(line).not.toContain("555 0199");
    expect(line).not.toContain("NickOfAda");
    const parsed = JSON.parse(line).err;
    expect(parsed.message).toBe("announce failed");
    expect(parsed.cause).toMatchObject({
      type: "DrizzleQueryError",
      message: 'Failed query: insert into "chat_messages" ("text", "nickname") values ($1, $2)',
    });
    expect(parsed.cause.stack).toMatch(/^Error: Failed query: insert[^\n]*\n {4}at /);
    expect(parsed.cause.cause).toMatchObject({
      type: "DatabaseError",
      code: "23505",
      message: expect.stringContaining("duplicate key"),
    });
  });

  it("drops the input a class 22 error quotes", () => {
    const bad = Object.assign(new DatabaseError('invalid input syntax for type uuid: "secret-ish"', 0, "error"), {
      code: "22P02",
    });
    expect(JSON.stringify(serializeError(bad))).not.toContain("secret-ish");
  });
});
