import { getEnv } from "@/server/env";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { runCleanup } from "@/server/sessions/cleanup";

export const dynamic = "force-dynamic";

const handler = route({ auth: { bearer: () => getEnv().cronSecret, name: "the cleanup cron" } }, async () =>
  runCleanup(await getServices()),
);

export { handler as GET, handler as POST };
