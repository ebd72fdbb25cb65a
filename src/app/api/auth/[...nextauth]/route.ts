import NextAuth from "next-auth";
import { buildAuthOptions } from "@/server/auth/options";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request so nothing reads the environment while `next build` runs.
async function handler(request: Request, ctx: Ctx) {
  return NextAuth(buildAuthOptions())(request, ctx);
}

export { handler as GET, handler as POST };
