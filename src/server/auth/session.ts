import "server-only";
import { decode } from "next-auth/jwt";
import { getEnv } from "../env";
import { AppError } from "../http/errors";
import { getServices } from "../services";
import { bannedUntil } from "./bans";
import { readCookie, sessionCookieName } from "./cookies";

export interface SessionUser {
  id: string;
  name: string;
}

/**
 * The signed-in user from the request's session cookie, or null. The user id only ever comes
 * from here — never from a request body. Decoding the JWT directly avoids next-auth's full
 * session round trip on every API call.
 */
export async function userFromRequest(request: Request): Promise<SessionUser | null> {
  return userFromCookieHeader(request.headers.get("cookie"));
}

/**
 * The signed-in user, or null without a valid session; throws 403 FORBIDDEN while the user is
 * banned (their JWT stays valid for 30 days: instructions/safety-and-operations.md "Banned sessions").
 * What every authenticated API route uses.
 */
export async function activeUserFromRequest(request: Request): Promise<SessionUser | null> {
  const user = await userFromRequest(request);
  if (!user) return null;
  const until = await bannedUntil(await getServices(), user.id);
  if (until !== null) {
    const iso = new Date(until).toISOString();
    throw new AppError("FORBIDDEN", `Your account is suspended until ${iso} for breaking the rules.`, { bannedUntil: iso });
  }
  return user;
}

export async function userFromCookieHeader(cookieHeader: string | null): Promise<SessionUser | null> {
  const value = readCookie(cookieHeader, sessionCookieName());
  if (!value) return null;
  const now = Date.now();
  const cached = verified.get(value);
  if (cached && cached.until > now) return cached.user;
  try {
    const token = await decode({ token: value, secret: getEnv().authSecret });
    if (!token || typeof token.sub !== "string") return null;
    const user = { id: token.sub, name: typeof token.name === "string" ? token.name : "Stranger" };
    remember(value, user, Math.min(now + CACHE_MS, typeof token.exp === "number" ? token.exp * 1000 : now));
    return user;
  } catch {
    return null;
  }
}

/**
 * Decrypting the session JWE (key derivation + AES-GCM) is the most expensive step of a small API
 * call; a verified cookie is remembered for a minute (never past its expiry). Only cookies that
 * verified are cached, so forged ones cost a decrypt every time and gain nothing.
 */
const CACHE_MS = 60_000;
const MAX_ENTRIES = 20_000;
const verified = new Map<string, { user: SessionUser; until: number }>();

function remember(cookie: string, user: SessionUser, until: number) {
  if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value!);
  verified.set(cookie, { user, until });
}
