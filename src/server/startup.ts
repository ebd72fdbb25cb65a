import "server-only";
import { getEnv } from "./env";
import { logger } from "./logger";

/** Instance start-up: validate the environment (throws in production on unsafe defaults), say what runs where. */
export async function startServer(): Promise<void> {
  const env = getEnv();
  if (env.authSecretIsGenerated && !env.production) {
    logger.warn("AUTH_SECRET is not set: using a generated development secret kept in the data folder.");
  }
  logger.info(
    {
      database: env.databaseUrl ? "postgres" : "pglite",
      store: env.redisUrl ? "redis" : "in-process",
      livekit: env.livekit.url,
    },
    "moodmatch server starting",
  );
}
