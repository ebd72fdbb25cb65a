"use client";

import Link from "next/link";

/** A failure shown as a sentence with a retry and a way home, never a blank page. */
export function ErrorNotice({ title, hint, digest, reset }: { title: string; hint: string; digest?: string; reset: () => void }) {
  return (
    <main className="centered-page">
      <section className="full-notice panel" role="alert">
        <h1>{title}</h1>
        <p className="muted">{hint}</p>
        {digest && <p className="fine-print">Reference: {digest}</p>}
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
