import { friendsOf } from "@/server/friends/friends";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "user" }, async ({ user }) => friendsOf(await getServices(), user.id));
