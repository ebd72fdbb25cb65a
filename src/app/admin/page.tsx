import type { Metadata } from "next";
import { ModeratorConsole } from "@/components/admin/moderator-console";

export const metadata: Metadata = { title: "Moderation — MoodMatch", robots: { index: false } };

/** The moderator page. It holds no data itself: the console asks for ADMIN_TOKEN and calls the admin API. */
export default function AdminPage() {
  return <ModeratorConsole />;
}
