const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "10s", "15m", "24h", "1d"; a bare number means seconds. Returns milliseconds. */
export function parseDuration(input: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(input);
  if (!m) throw new Error(`"${input}" is not a duration (use e.g. 500ms, 10s, 15m, 24h)`);
  const unit = (m[2] ?? "s").toLowerCase();
  return Math.round(Number(m[1]) * UNITS[unit]!);
}
