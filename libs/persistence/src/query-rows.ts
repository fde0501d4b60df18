/** Anything with TypeORM's `query` (DataSource, EntityManager, QueryRunner). */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs SQL and returns its rows, whatever the statement. TypeORM's PostgreSQL driver returns
 * `[rows, affectedCount]` for UPDATE and DELETE (even with RETURNING) but plain rows for SELECT
 * and INSERT; this hides the difference so `UPDATE … RETURNING` reads like a SELECT.
 */
export async function queryRows<T = Record<string, unknown>>(db: Queryable, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const result = await db.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
