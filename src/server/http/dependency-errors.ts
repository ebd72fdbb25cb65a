import "server-only";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { DatabaseError } from "pg";
import { LivekitUnavailableError } from "../livekit/errors";

/**
 * Which thrown errors mean "a service we depend on failed" (Redis, Postgres, LiveKit): the route
 * answers 503 UNAVAILABLE, which the client may retry (instructions/safety-and-operations.md
 * "Every dependency failure is a 503"). Classified by type and code along the `.cause` chain,
 * never by searching message text: drizzle wraps every driver error in a DrizzleQueryError whose
 * message carries the SQL parameters (a chat text, a nickname), so a text search could be steered
 * by what a user typed, and a wrapper's message says nothing about the failure anyway.
 */

/** A dependency failure raised by this app itself (an overloaded queue, a deadline, a lost connection). */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: "redis" | "postgres" | "livekit",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DependencyUnavailableError";
  }
}

/** Node's network errnos: the service could not be reached or the connection broke. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ERR_SOCKET_CLOSED",
]);

/**
 * Postgres SQLSTATEs that say the server, not the query, is the problem: class 08 (connection
 * exception), 53 (insufficient resources: too many connections, out of memory or disk), 57
 * (operator intervention: 57014 statement_timeout or cancel, 57P01-57P05 shutdown, restart,
 * cannot connect now, idle session timeout), 58 (system error), plus 55P03 (lock_timeout),
 * 40001/40P01 (serialization failure, deadlock: retrying succeeds). Anything else (a constraint,
 * a syntax error) is a bug: 500.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^(08|53|57|58)/.test(code) || code === "55P03" || code === "40001" || code === "40P01";
}

/**
 * ioredis reports a lost or hung connection with classes where it has them (MaxRetriesPerRequestError,
 * redis-errors' AbortError for commands aborted by a close) and with bare `Error`s for the rest;
 * these are the fixed messages of those bare errors in ioredis 5 (Redis.js, Command.js), compared
 * whole, only on a bare Error, never searched for inside other text.
 */
const IOREDIS_BARE_ERRORS = new Set([
  "Connection is closed.",
  "Command timed out",
  "Stream isn't writeable and enableOfflineQueue options is false",
]);
const IOREDIS_CLASSES = new Set(["MaxRetriesPerRequestError", "AbortError", "ClusterAllFailedError"]);

/**
 * Redis replies that mean the server cannot serve now (loading, busy script, read-only replica,
 * out of memory, cluster down), by the reply's error code (its first word).
 */
const REDIS_UNAVAILABLE_REPLIES = new Set([
  "LOADING",
  "BUSY",
  "MASTERDOWN",
  "READONLY",
  "OOM",
  "TRYAGAIN",
  "CLUSTERDOWN",
  "NOREPLICAS",
]);

/** Every error on the `.cause` chain (and AggregateError members), each once, at most 16. */
export function causeChain(error: unknown): unknown[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const e = queue.shift();
    if (e === undefined || e === null || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof Error) {
      if (e.cause !== undefined) queue.push(e.cause);
      if (e instanceof AggregateError) queue.push(...e.errors);
    }
  }
  return [...seen];
}

function isDependencyLink(e: unknown, wrappedByDrizzle: boolean): boolean {
  if (!(e instanceof Error)) return false;
  if (e instanceof DependencyUnavailableError || e instanceof LivekitUnavailableError) return true;
  if (e instanceof DatabaseError) return typeof e.code === "string" && isUnavailableSqlState(e.code);
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (IOREDIS_CLASSES.has(e.constructor.name)) return true;
  if (e.constructor.name === "ReplyError") return REDIS_UNAVAILABLE_REPLIES.has(e.message.split(" ", 1)[0]!);
  if (Object.getPrototypeOf(e) === Error.prototype && code === undefined) {
    if (IOREDIS_BARE_ERRORS.has(e.message)) return true;
    // drizzle wraps what the pg driver threw: the server's answers are DatabaseErrors (above);
    // a bare Error from the driver is its transport failing (connection terminated, query read
    // timeout, no pool slot within connectionTimeoutMillis, client not queryable)
    if (wrappedByDrizzle) return true;
  }
  return false;
}

/** True when the error (or anything on its cause chain) is a failure of Redis, Postgres or LiveKit. */
export function isDependencyFailure(error: unknown): boolean {
  const chain = causeChain(error);
  return chain.some((e, i) => isDependencyLink(e, i > 0 && chain.slice(0, i).some((w) => w instanceof DrizzleQueryError)));
}
