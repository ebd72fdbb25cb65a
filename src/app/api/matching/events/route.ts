import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { openEventStream } from "@/server/sessions/stream";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = route({ auth: "user" }, async ({ request, user }) => openEventStream(await getServices(), request, user.id));
