import { createHash } from 'node:crypto';
import type pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** Anything with TypeORM's `query` (DataSource, EntityManager, QueryRunner). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs SQL and returns its rows, whatever the statement. TypeORM's PostgreSQL driver returns
 * `[rows, affectedCount]` for UPDATE and DELETE (even with RETURNING) but plain rows for SELECT
 * and INSERT; this hides the difference so `UPDATE … RETURNING` reads like a SELECT.
 */
export async function queryRows<T = Record<string, unknown>>(
  db: Queryable,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result = await db.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}

const statementNames = new Map<string, string>();

/**
 * Runs a hot-path statement as a named prepared statement (parsed and planned once per
 * connection instead of on every call: the CTE chains of the call path are costly to plan).
 * TypeORM's `query` cannot name a statement, so this borrows a client of the DataSource's pool
 * through the PostgreSQL driver's public `obtainMasterConnection()` and runs the statement on it
 * (errors are pg's own, not wrapped in QueryFailedError). Not a QueryRunner: that costs ~10–25 µs
 * of CPU more per statement, measured, on paths that run several per call. Outside a transaction only.
 */
export async function preparedRows<T = Record<string, unknown>>(
  dataSource: DataSource,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  let name = statementNames.get(sql);
  if (!name) {
    name = `vg_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  const driver = dataSource.driver as PostgresDriver;
  const [client, release] = (await driver.obtainMasterConnection()) as [pg.PoolClient, (error?: Error) => void];
  try {
    const result = await client.query({ name, text: sql, values: parameters });
    release();
    return result.rows as T[];
  } catch (error) {
    // The connection is discarded, as pg's pool.query does: one whose prepared plan went stale
    // (e.g. "cached plan must not change result type" after a migration) would fail every time.
    release(error as Error);
    throw error;
  }
}
