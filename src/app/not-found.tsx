import Link from "next/link";

export default function NotFound() {
  return (
    <main className="centered-page">
      <section className="full-notice panel">
        <h1>This page doesn&apos;t exist.</h1>
        <p className="muted">The link may be old, or the address has a typo.</p>
        <div className="full-notice__action">
          <Link className="button button--primary" href="/">
            Go to MoodMatch
          </Link>
        </div>
      </section>
    </main>
  );
}
