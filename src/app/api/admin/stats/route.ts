import { adminStats } from "@/server/admin/stats";
import { getEnv } from "@/server/env";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

export const GET = route({ auth: { bearer: () => getEnv().adminToken, name: "the admin API" } }, async () =>
  adminStats(await getServices()),
);
