import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { popularInterestsNow } from "@/server/sessions/interest-counter";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "public" }, async () => popularInterestsNow(await getServices()));
