import "server-only";
import { errors } from "../http/errors";
import type { LimitName } from "../safety/rate-limits";
import type { AppServices } from "../app-services";

/** Consume one point of a named limit for `key`; over the limit → 429 RATE_LIMITED with Retry-After. */
export async function limit(deps: AppServices, name: LimitName, key: string): Promise<void> {
  const result = await deps.limits[name].consume(key);
  if (!result.ok) throw errors.rateLimited(result.retryAfterMs);
}
