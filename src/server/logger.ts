import "server-only";
import pino from "pino";
import { getEnv } from "./env";
import { serializeError } from "./log-errors";

/** Structured JSON logs (one line per event) for the whole server; child loggers add context. */
export const logger = pino({
  level: getEnv().logLevel,
  base: { service: "moodmatch" },
  // errors without the SQL parameters drizzle puts in its messages (log-errors.ts)
  serializers: { err: serializeError },
  redact: { paths: ["authorization", "*.authorization", "token", "*.token", "cookie", "*.cookie"], censor: "[redacted]" },
});
