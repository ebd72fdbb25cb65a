"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** One click: a guest identity for this device, then on to the video chat. */
export function GuestSignIn({ next = "/video-chat" }: { next?: string }) {
  const router = useRouter();
  const [nickname, setNickname] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start(event: React.FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const result = await signIn("guest", { nickname: nickname.trim(), redirect: false });
    if (result?.ok) router.push(next);
    else {
      setError(result?.status === 429 ? "Too many sign-ins from this network. Try again in a few minutes." : "Could not sign you in. Please try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={start} className="guest-sign-in" aria-label="Start as a guest">
      <label htmlFor="nickname">Nickname (optional)</label>
      <input id="nickname" name="nickname" maxLength={24} value={nickname} onChange={(e) => setNickname(e.target.value)} placeholder="Stranger" autoComplete="nickname" />
      <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Continue as guest"}</button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  );
}
