import { popularInterests } from "@/server/db/interests";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = route({ auth: "public" }, async () => popularInterests((await getServices()).db));
