import { chatMessageInputSchema } from "@/lib/schemas";
import { route } from "@/server/http/route";
import { getServices } from "@/server/services";
import { sendChat } from "@/server/sessions/chat";

export const dynamic = "force-dynamic";

export const POST = route({ auth: "user", body: chatMessageInputSchema }, async ({ user, body }) =>
  sendChat(await getServices(), user.id, body),
);
