/** What Postgres recorded in a run: match_sessions and blocks of a benchmark database. */
import pg from "pg";

export interface SessionRow {
  id: string;
  userA: string;
  userB: string;
  createdAt: number;
  endedAt: number | null;
  endReason: string | null;
  endedBy: string | null;
  activeAt: number | null;
}

export interface BlockRow {
  blocker: string;
  blocked: string;
  createdAt: number;
}

export async function readRecords(databaseUrl: string): Promise<{ sessions: SessionRow[]; blocks: BlockRow[] }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Epoch ms as float8 so sub-millisecond order survives.
    const sessions = await client.query(
      `select id, user_a, user_b, extract(epoch from created_at)*1000 as c, extract(epoch from ended_at)*1000 as e,
              extract(epoch from active_at)*1000 as a, end_reason, ended_by from match_sessions order by created_at`,
    );
    const blocks = await client.query(`select blocker, blocked, extract(epoch from created_at)*1000 as c from blocks`);
    return {
      sessions: sessions.rows.map((r) => ({
        id: r.id,
        userA: r.user_a,
        userB: r.user_b,
        createdAt: Number(r.c),
        endedAt: r.e === null ? null : Number(r.e),
        activeAt: r.a === null ? null : Number(r.a),
        endReason: r.end_reason,
        endedBy: r.ended_by,
      })),
      blocks: blocks.rows.map((r) => ({ blocker: r.blocker, blocked: r.blocked, createdAt: Number(r.c) })),
    };
  } finally {
    await client.end();
  }
}
