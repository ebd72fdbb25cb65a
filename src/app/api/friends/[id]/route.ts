import { friendshipIdSchema } from "@/lib/schemas";
import { unfriend } from "@/server/friends/friends";
import { parseInput } from "@/server/http/body";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function DELETE(request: Request, { params }: Params) {
  const { id } = await params;
  return route({ auth: "user", mutation: true }, async ({ user }) =>
    unfriend(await getServices(), user.id, parseInput(friendshipIdSchema, id)),
  )(request);
}
