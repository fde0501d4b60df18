import type { Readable } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';

/** The rows of an export, streamed; `close` ends its transaction and gives the connection back. */
export interface RowCursor {
  rows: Readable;
  /**
   * Commits after a complete read (the commit's failure is returned); after a failed or abandoned
   * read (or a failed commit) the connection is closed instead of going back to the pool.
   */
  close(error?: Error | null): Promise<Error | undefined>;
}

/**
 * Opens a server-side cursor on a connection of its own (a TypeORM QueryRunner's): rows are
 * fetched 1,000 at a time as the reader reads, so memory stays flat whatever the number of rows.
 *
 * The cursor is one statement for its whole life, however long the reader takes, so the pool's
 * hot-path `statement_timeout` (VERIGATE_DB_STATEMENT_TIMEOUT_MS) would cancel any export
 * outlasting it: the cursor runs in a read-only transaction with its own limit instead
 * (`timeoutSeconds`; 0 = none).
 */
export async function openRowCursor(
  dataSource: DataSource,
  query: { sql: string; params: unknown[]; timeoutSeconds: number; onConnectionError: (error: Error) => void },
): Promise<RowCursor> {
  const runner = dataSource.createQueryRunner();
  // The PostgreSQL driver's QueryRunner hands out its pooled pg client (and drops it from the
  // pool if it fails); the stream needs the client itself.
  const client = (await runner.connect()) as pg.PoolClient;
  client.on('error', query.onConnectionError);
  const release = async () => {
    client.removeListener('error', query.onConnectionError);
    await runner.release();
  };
  try {
    await client.query('BEGIN READ ONLY');
    // SET LOCAL: both limits end with the transaction, the pooled connection keeps the hot-path ones.
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(query.timeoutSeconds) * 1000}`);
  } catch (error) {
    void client.end().catch(() => undefined);
    await release();
    throw error;
  }
  const rows = client.query(new QueryStream(query.sql, query.params, { batchSize: 1000 }));
  return {
    rows,
    async close(error) {
      let failure = error ?? undefined;
      if (!failure) {
        await client.query('COMMIT').catch((commitError: Error) => {
          failure = commitError;
        });
      }
      // A connection left mid-cursor (or mid-transaction) is not reused: ended here, the pool
      // drops it when the QueryRunner gives it back.
      if (failure) void client.end().catch(() => undefined);
      await release();
      return failure;
    },
  };
}
