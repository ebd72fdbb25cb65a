import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { status } from "@/server/sessions/lifecycle";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "user" }, async ({ user }) => status(await getServices(), user.id));
