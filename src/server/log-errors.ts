import "server-only";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseError } from "pg";

/**
 * The logger's `err` serializer (logger.ts): an error and its cause chain as plain JSON, without
 * the data a query carried. drizzle's DrizzleQueryError puts the SQL parameters (chat text,
 * nicknames, report details) in its message, its stack's first lines and its `params` field;
 * a pg DatabaseError's `detail`/`where` quote row values, and class 22 messages quote the input.
 * Logs keep the SQL text (placeholders only), the codes and the stack frames
 * (instructions/safety-and-operations.md "Every dependency failure is a 503").
 */

const DROPPED_FIELDS = new Set([
  "cause",
  "errors",
  "params",
  "detail",
  "where",
  "internalQuery",
  "internalPosition",
  "position",
  "hint",
]);
const MAX_DEPTH = 8;

export function serializeError(value: unknown): unknown {
  return scrub(value, 0);
}

function scrub(e: unknown, depth: number): unknown {
  if (!(e instanceof Error)) return e;
  const type = e.constructor?.name || e.name;
  if (depth > MAX_DEPTH) return { type, message: "[cause chain truncated]" };
  let message = e.message;
  if (e instanceof DrizzleQueryError) message = `Failed query: ${e.query}`;
  else if (e instanceof DatabaseError && typeof e.code === "string" && e.code.startsWith("22"))
    message = `invalid input value (SQLSTATE ${e.code})`;
  const out: Record<string, unknown> = { type, message, stack: withHead(e, `${e.name}: ${message}`) };
  for (const [key, field] of Object.entries(e)) {
    if (!DROPPED_FIELDS.has(key) && !(key in out)) out[key] = field;
  }
  if (e.cause !== undefined) out.cause = scrub(e.cause, depth + 1);
  if (e instanceof AggregateError) out.errors = e.errors.slice(0, 4).map((x) => scrub(x, depth + 1));
  return out;
}

/** The stack with its message lines (which repeat the message, parameters included) replaced. */
function withHead(e: Error, head: string): string | undefined {
  if (typeof e.stack !== "string") return undefined;
  const frames = e.stack.indexOf("\n    at ");
  return frames === -1 ? head : head + e.stack.slice(frames);
}
