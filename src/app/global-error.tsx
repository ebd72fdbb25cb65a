"use client";

/** Last resort when the root layout itself fails: plain HTML, inline styles, no app CSS. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body
        style={{
          background: "#0f1115",
          color: "#e8eaf0",
          fontFamily: "system-ui, sans-serif",
          display: "grid",
          placeItems: "center",
          minHeight: "100vh",
          margin: 0,
        }}
      >
        <main role="alert" style={{ maxWidth: "30rem", padding: "2rem", textAlign: "center" }}>
          <h1>MoodMatch couldn&apos;t load.</h1>
          <p style={{ color: "#9aa3b2" }}>Something went wrong on our side. Please try again.</p>
          {error.digest && <p style={{ color: "#9aa3b2", fontSize: "0.8rem" }}>Reference: {error.digest}</p>}
          <button
            type="button"
            onClick={reset}
            style={{
              font: "inherit",
              padding: "0.7rem 1.2rem",
              borderRadius: 12,
              border: 0,
              background: "#7c5cff",
              color: "white",
              cursor: "pointer",
            }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
