import "server-only";
import { excludedUsers } from "../db/blocks";
import { recentPartners } from "../db/sessions";
import { findUserWithStanding } from "../db/trust";
import { isBanned } from "../db/users";
import { AppError, errors } from "../http/errors";
import type { Standing } from "../matching/standing";
import type { Profile } from "../matching/types";
import type { AppServices } from "../app-services";

/**
 * Who a user is for matching: profile, ban state and trust standing from Postgres, cached briefly
 * per process (bans also end the live session at once, so a few seconds of cache only delays a
 * re-enqueue refusal on other instances; a standing a few seconds old errs on the side it was),
 * and the exclusions the store must know after a restart.
 */
const PROFILE_TTL_MS = 10_000;
const cache = new Map<string, { profile: Profile; standing: Standing; bannedUntil: Date | null; at: number }>();

export async function matchingProfile(deps: AppServices, userId: string): Promise<{ profile: Profile; standing: Standing }> {
  const now = deps.now();
  let entry = cache.get(userId);
  if (!entry || now - entry.at > PROFILE_TTL_MS) {
    const found = await findUserWithStanding(deps.db, userId);
    if (!found) throw errors.unauthenticated(); // a session for a user that no longer exists
    const { user, standing } = found;
    entry = { profile: { nickname: user.nickname, avatar: user.avatar }, standing, bannedUntil: user.bannedUntil, at: now };
    if (cache.size > 50_000) cache.clear();
    cache.set(userId, entry);
  }
  if (isBanned(entry, new Date(now))) {
    throw new AppError(
      "FORBIDDEN",
      `Your account is suspended until ${entry.bannedUntil!.toISOString()} for breaking the rules.`,
      {
        bannedUntil: entry.bannedUntil!.toISOString(),
      },
    );
  }
  return { profile: entry.profile, standing: entry.standing };
}

export function forgetProfile(userId: string): void {
  cache.delete(userId);
}

/** Users this process saw primed recently: spares a store round trip on most enqueues. */
const PRIMED_TTL_MS = 60_000;
const primedAt = new Map<string, number>();

/** Loads blocks and the rematch window from Postgres into the store once per store lifetime. */
export async function ensurePrimed(deps: AppServices, userId: string): Promise<void> {
  const now = deps.now();
  const seen = primedAt.get(userId);
  if (seen !== undefined && now - seen < PRIMED_TTL_MS) return;
  if (primedAt.size > 50_000) primedAt.clear();
  if (await deps.store.isPrimed(userId)) {
    primedAt.set(userId, now);
    return;
  }
  const since = new Date(deps.now() - deps.rematchWindowMs);
  const [excluded, recent] = await Promise.all([excludedUsers(deps.db, userId), recentPartners(deps.db, userId, since)]);
  await deps.store.prime(userId, { excluded, recent });
  primedAt.set(userId, now);
}
