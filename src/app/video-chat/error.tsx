"use client";

import Link from "next/link";
import { useEffect } from "react";

/** A crash inside the video chat still leaves a sentence and a way back, never a blank page. */
export default function VideoChatError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="centered-page">
      <section className="full-notice panel" role="alert">
        <h1>The video chat hit a problem.</h1>
        <p className="muted">Your place and your chats are kept on the server. Reloading usually fixes it.</p>
        {error.digest && <p className="fine-print">Reference: {error.digest}</p>}
        <div className="full-notice__action">
          <button type="button" className="button button--primary" onClick={reset}>
            Try again
          </button>
          <Link className="button button--ghost" href="/">
            Home
          </Link>
        </div>
      </section>
    </main>
  );
}
