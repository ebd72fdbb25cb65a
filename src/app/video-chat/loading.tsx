export default function Loading() {
  return (
    <main className="centered-page">
      <p className="loading" role="status">
        Loading MoodMatch…
      </p>
    </main>
  );
}
