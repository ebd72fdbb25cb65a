"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { safeNext } from "@/lib/safe-next";
import { NICKNAME_MAX, nicknameSchema } from "@/lib/schemas";

/**
 * One click: a guest identity for this device, then on to the video chat. Signing in again
 * while signed in keeps the same identity and just changes the nickname.
 */
export function GuestSignIn({
  next = "/video-chat",
  initialNickname = "",
  signedIn = false,
}: {
  next?: string;
  initialNickname?: string;
  signedIn?: boolean;
}) {
  const router = useRouter();
  const [nickname, setNickname] = useState(initialNickname);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const errorId = useId();

  async function start(event: React.FormEvent) {
    event.preventDefault();
    const trimmed = nickname.trim();
    if (trimmed && !nicknameSchema.safeParse(trimmed).success) {
      setError("A nickname can use letters, digits, spaces and _ . - (up to 24 characters).");
      return;
    }
    setPending(true);
    setError(null);
    const result = await signIn("guest", { nickname: trimmed, redirect: false }).catch(() => undefined);
    if (result?.ok) {
      router.push(safeNext(next));
      router.refresh();
      return;
    }
    setError(
      result?.status === 429
        ? "Too many sign-ins from this network. Try again in a few minutes."
        : "Could not sign you in. Check your connection and try again.",
    );
    setPending(false);
  }

  return (
    <form onSubmit={start} className="guest-sign-in" aria-label={signedIn ? "Change nickname" : "Start as a guest"}>
      <label htmlFor={id}>{signedIn ? "Change your nickname" : "Nickname (optional)"}</label>
      <div className="guest-sign-in__row">
        <input
          id={id}
          name="nickname"
          maxLength={NICKNAME_MAX}
          value={nickname}
          onChange={(e) => setNickname(e.target.value)}
          placeholder="Stranger"
          autoComplete="nickname"
          aria-describedby={error ? errorId : undefined}
        />
        <button type="submit" className="button button--primary" disabled={pending}>
          {pending ? "Signing in…" : signedIn ? "Save and go" : "Continue as guest"}
        </button>
      </div>
      <p className="fine-print">By continuing you confirm you are 18 or older and agree to be kind.</p>
      {error && (
        <p id={errorId} role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
