import "server-only";
import type { NextAuthOptions } from "next-auth";
import { decode } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { nicknameSchema } from "@/lib/schemas";
import { getDatabase } from "../db";
import { createGuest, findUser, renameUser } from "../db/users";
import { getEnv } from "../env";
import { readCookie, sessionCookieName } from "./cookies";

const THIRTY_DAYS = 30 * 24 * 60 * 60;

/**
 * next-auth v4 (the stable line; see instructions/decisions.md). One-click guest sign-in: the
 * `guest` credentials provider creates a `users` row, or keeps the identity the device already has
 * (its session cookie), so blocks and bans follow the device rather than resetting on every click.
 *
 * next-auth turns anything `authorize` throws into a 401 whose redirect URL carries the error's
 * message (for a failed query: its SQL and parameters), so the error is also handed to
 * `onAuthorizeError`: the route answers it with the app's own error mapping instead (auth/route.ts).
 */
export function buildAuthOptions(hooks: { onAuthorizeError?: (error: unknown) => void } = {}): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.authSecret,
    session: { strategy: "jwt", maxAge: THIRTY_DAYS },
    pages: { signIn: "/" },
    providers: [
      CredentialsProvider({
        id: "guest",
        name: "Guest",
        credentials: { nickname: { label: "Nickname", type: "text" } },
        async authorize(credentials, req) {
          try {
            const parsed = nicknameSchema.safeParse(credentials?.nickname ?? "");
            const nickname = parsed.success ? parsed.data : undefined;
            const { db } = await getDatabase();
            const existingId = await currentUserIdFromCookie(req?.headers?.cookie, env.authSecret);
            if (existingId) {
              const existing = nickname ? await renameUser(db, existingId, nickname) : await findUser(db, existingId);
              if (existing) return { id: existing.id, name: existing.nickname };
            }
            const user = await createGuest(db, nickname);
            return { id: user.id, name: user.nickname };
          } catch (error) {
            hooks.onAuthorizeError?.(error);
            throw new Error("Sign-in failed");
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.name = user.name;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          (session.user as { id?: string }).id = token.sub;
          session.user.name = token.name ?? null;
        }
        return session;
      },
    },
  };
}

async function currentUserIdFromCookie(cookieHeader: string | undefined, secret: string): Promise<string | null> {
  const value = readCookie(cookieHeader, sessionCookieName());
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret });
    return typeof token?.sub === "string" ? token.sub : null;
  } catch {
    return null;
  }
}
