import NextAuth from "next-auth";
import { buildAuthOptions } from "@/server/auth/options";
import { limitGuestSignIn } from "@/server/sign-in-limit";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request so nothing reads the environment while `next build` runs.
async function handler(request: Request, ctx: Ctx) {
  const refused = await limitGuestSignIn(request);
  if (refused) return refused;
  return NextAuth(buildAuthOptions())(request, ctx);
}

export { handler as GET, handler as POST };
