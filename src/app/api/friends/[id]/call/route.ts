import { friendshipIdSchema } from "@/lib/schemas";
import { callFriend } from "@/server/friends/invites";
import { parseInput } from "@/server/http/body";
import { jsonResponse } from "@/server/http/respond";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** Ring a friend (instructions/api.md "Friends"): 201 ringing, or 200 in_session when they were calling you. */
export async function POST(request: Request, { params }: Params) {
  const { id } = await params;
  return route({ auth: "user", mutation: true }, async ({ user, requestId }) => {
    const result = await callFriend(await getServices(), user.id, parseInput(friendshipIdSchema, id));
    return jsonResponse(result, requestId, result.status === "ringing" ? 201 : 200);
  })(request);
}
