import { emptyInputSchema } from "@/lib/schemas";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { heartbeat } from "@/server/sessions/lifecycle";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: emptyInputSchema }, async ({ user }) => heartbeat(await getServices(), user.id));
