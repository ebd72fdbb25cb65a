"use client";

import Link from "next/link";

/** Any page's unexpected failure: a sentence, a retry, a way home. */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="centered-page">
      <section className="full-notice panel" role="alert">
        <h1>Something went wrong on our side.</h1>
        <p className="muted">Please try again in a moment.</p>
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
