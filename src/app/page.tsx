import { cookies } from "next/headers";
import Link from "next/link";
import { GuestSignIn } from "@/components/auth/guest-sign-in";
import { LogoMark } from "@/components/ui/icons";
import { safeNext } from "@/lib/safe-next";
import { userFromCookieHeader } from "@/server/auth/session";

export const dynamic = "force-dynamic";

const STEPS = [
  { title: "Pick a mood", text: "Chill, fired up, silly, shy — or let chance decide." },
  { title: "Add interests", text: "Up to ten. People who share one meet first." },
  { title: "Say hi", text: "Video and text side by side. Next whenever you like." },
];

export default async function LandingPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNext(next);
  const user = await userFromCookieHeader((await cookies()).toString());

  return (
    <main className="landing">
      <header className="landing__hero">
        <p className="brand brand--big">
          <LogoMark size={32} /> MoodMatch
        </p>
        <h1>Talk to a stranger who&apos;s in the same mood.</h1>
        <p className="landing__lead">
          One click, no account, no download. Meet someone new on video, chat by text beside it, and move on whenever you like.
        </p>
      </header>

      <section className="panel landing__start" aria-label="Start">
        {user && (
          <p className="landing__welcome">
            Welcome back, <strong>{user.name}</strong>.{" "}
            <Link href={target} className="button button--primary">
              Continue
            </Link>
          </p>
        )}
        <GuestSignIn next={target} initialNickname={user?.name ?? ""} signedIn={Boolean(user)} />
      </section>

      <ol className="steps">
        {STEPS.map((step, index) => (
          <li key={step.title} className="step">
            <span className="step__number" aria-hidden="true">
              {index + 1}
            </span>
            <strong>{step.title}</strong>
            <span className="muted">{step.text}</span>
          </li>
        ))}
      </ol>

      <section className="safety" aria-labelledby="safety-title">
        <h2 id="safety-title">Safety, built in</h2>
        <ul>
          <li>
            <strong>18+ only.</strong> Anyone who looks younger gets reported and removed.
          </li>
          <li>
            <strong>Be kind.</strong> No nudity, hate or harassment. Links and phone numbers in chat are hidden.
          </li>
          <li>
            <strong>Report or block in one tap.</strong> The chat ends at once and you never meet that person again.
          </li>
        </ul>
      </section>
    </main>
  );
}
