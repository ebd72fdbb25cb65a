import "server-only";
import { decode } from "next-auth/jwt";
import { getEnv } from "../env";
import { sessionCookieName } from "./cookies";
import { readCookie } from "./options";

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

export async function userFromCookieHeader(cookieHeader: string | null): Promise<SessionUser | null> {
  const value = readCookie(cookieHeader, sessionCookieName());
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret: getEnv().authSecret });
    if (!token || typeof token.sub !== "string") return null;
    return { id: token.sub, name: typeof token.name === "string" ? token.name : "Stranger" };
  } catch {
    return null;
  }
}
