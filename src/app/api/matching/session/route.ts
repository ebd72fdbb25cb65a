import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { currentSession } from "@/server/sessions/lifecycle";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "user" }, async ({ user }) => currentSession(await getServices(), user.id));
