import { onlineFrom } from "@/server/admin/stats";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";

export const dynamic = "force-dynamic";

/** `{online, waiting}` for the landing page: people waiting or in a call right now. */
export const GET = route({ auth: "public" }, async () => {
  const stats = await (await getServices()).store.stats();
  return { online: onlineFrom(stats), waiting: stats.waiting };
});
