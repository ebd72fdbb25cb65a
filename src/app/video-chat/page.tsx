import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { VideoChatApp } from "@/components/video-chat/video-chat-app";
import { userFromCookieHeader } from "@/server/auth/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "MoodMatch — video chat" };

/** Server half: who is signed in. Everything live (queue, call, chat) is the client view's job. */
export default async function VideoChatPage() {
  const user = await userFromCookieHeader((await cookies()).toString());
  if (!user) redirect("/?next=/video-chat");
  return <VideoChatApp initialNickname={user.name} />;
}
