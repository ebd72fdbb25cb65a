import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { VideoChatApp } from "@/components/video-chat/video-chat-app";
import { userFromCookieHeader } from "@/server/auth/session";
import { getEnv } from "@/server/env";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "MoodMatch — video chat" };

/** Server half: who is signed in. Everything live (queue, call, chat) is the client view's job. */
export default async function VideoChatPage() {
  const user = await userFromCookieHeader((await cookies()).toString());
  if (!user) redirect("/?next=/video-chat");
  // The LiveKit URL is public (every join carries it); knowing it early lets the page warm up the route.
  // REVEAL_MODE decides whether the camera is blurred before a call's reveal (instructions/video-privacy.md).
  const env = getEnv();
  return <VideoChatApp initialNickname={user.name} livekitUrl={env.livekit.url} revealMode={env.revealMode} />;
}
