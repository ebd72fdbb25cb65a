import "server-only";
import { getEnv } from "../env";

/** next-auth v4 uses the `__Secure-` cookie when the app URL is https (NEXTAUTH_URL, set from APP_URL). */
export function sessionCookieName(): string {
  return getEnv().appUrl?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/** One cookie's value from a Cookie header, or null. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
