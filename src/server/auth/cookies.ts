import "server-only";
import { getEnv } from "../env";

/** next-auth v4 uses the `__Secure-` cookie when the app URL is https (NEXTAUTH_URL, set from APP_URL). */
export function sessionCookieName(): string {
  return getEnv().appUrl?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}
