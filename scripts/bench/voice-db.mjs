/** The voice benchmark's PostgreSQL probes. */
import pg from 'pg';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls ended among those created since `ids` (a timestamp). */
export async function countEnded(client, ids) {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM call_sessions WHERE state = 'ended' AND created_at >= $1`,
    [ids],
  );
  return rows[0].n;
}

/** Waits until every accepted call has ended and no webhook is pending: phases must not overlap. */
export async function waitVoiceIdle(databaseUrl, timeoutMs = 180_000) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { rows } = await client.query(`SELECT (SELECT count(*) FROM call_sessions WHERE state <> 'ended')
                                                + (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS busy`);
      if (Number(rows[0].busy) === 0 || Date.now() > deadline) return;
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}
