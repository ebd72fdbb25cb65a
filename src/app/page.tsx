import { GuestSignIn } from "@/components/auth/guest-sign-in";

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/video-chat";
  return (
    <main className="landing">
      <h1>Talk to a stranger.</h1>
      <p>Pick a mood, add a few interests, and meet someone new on video — one click, no account.</p>
      <GuestSignIn next={target} />
    </main>
  );
}
