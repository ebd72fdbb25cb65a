import { revealInputSchema } from "@/lib/schemas";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { reveal } from "@/server/sessions/reveal";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: revealInputSchema }, async ({ user, body }) =>
  reveal(await getServices(), user.id, body),
);
