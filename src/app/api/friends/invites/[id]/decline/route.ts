import { inviteIdSchema } from "@/lib/schemas";
import { declineInvite } from "@/server/friends/invites";
import { parseInput } from "@/server/http/body";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function POST(request: Request, { params }: Params) {
  const { id } = await params;
  return route({ auth: "user", mutation: true }, async ({ user }) =>
    declineInvite(await getServices(), user.id, parseInput(inviteIdSchema, id)),
  )(request);
}
