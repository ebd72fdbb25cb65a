import { redirect } from "next/navigation";
import { cookies } from "next/headers";
import { userFromCookieHeader } from "@/server/auth/session";

export const dynamic = "force-dynamic";

export default async function VideoChatPage() {
  const cookieHeader = (await cookies()).toString();
  const user = await userFromCookieHeader(cookieHeader);
  if (!user) redirect("/?next=/video-chat");
  return (
    <main className="landing">
      <h1>Hi, {user.name}</h1>
      <p>The video chat is being built.</p>
    </main>
  );
}
