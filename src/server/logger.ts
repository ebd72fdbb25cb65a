import "server-only";
import pino from "pino";
import { getEnv } from "./env";

/** Structured JSON logs (one line per event) for the whole server; child loggers add context. */
export const logger = pino({
  level: getEnv().logLevel,
  base: { service: "moodmatch" },
  redact: { paths: ["authorization", "*.authorization", "token", "*.token", "cookie", "*.cookie"], censor: "[redacted]" },
});
