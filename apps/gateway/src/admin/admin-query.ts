import { StreamableFile } from '@nestjs/common';
import { pipeline, type Transform } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';
import type { JsonLogger } from '#libs/runtime';
import { AdminError } from '../http/rest-error.js';
import { invalid, optionalTime } from './admin-input.js';

/** The WHERE clause of a listing, built condition by condition with `$n` placeholders. */
export class SqlFilter {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a condition; every `?` in it stands for `value`. */
  add(sql: string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(sql.replaceAll('?', `$${this.params.length}`));
  }

  /** `from` (inclusive) and `to` (exclusive) of a query string, ISO 8601 times, on `column`. */
  addTimeRange(column: string, from: string | undefined, to: string | undefined): void {
    const fromTime = optionalTime('from', from);
    const toTime = optionalTime('to', to);
    if (fromTime) this.add(`${column} >= ?`, fromTime);
    if (toTime) this.add(`${column} < ?`, toTime);
  }

  /** Adds a parameter that is no condition (e.g. LIMIT); returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** `format` of a listing: json (default) or csv. */
export function listFormat(format: string | undefined): 'json' | 'csv' {
  if (format === undefined || format === 'json' || format === 'csv') return format ?? 'json';
  throw new AdminError(400, 'UNSUPPORTED_FORMAT', 'format must be json or csv');
}

/** SQL of a time as the keyset cursor holds it (UTC, microseconds: exact, unlike a JS Date). */
export const cursorTimeSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** JSON paging cursor: the time (UTC, microseconds) and id of the last row of a page. */
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f-]{36})$/;

/**
 * Keyset paging of a listing ordered by (`timeColumn` DESC, id DESC): `before` is the
 * `nextBefore` of the previous page, or an ISO 8601 time (rows strictly older).
 */
export function addBefore(filter: SqlFilter, before: string | undefined, timeColumn: string, idColumn = 'id'): void {
  if (before === undefined || before === '') return;
  const cursor = CURSOR.exec(Buffer.from(before, 'base64url').toString('utf8'));
  if (cursor) {
    filter.clauses.push(`(${timeColumn}, ${idColumn}) < (${filter.param(cursor[1])}::timestamptz, ${filter.param(cursor[2])}::uuid)`);
    return;
  }
  const time = new Date(before);
  if (Number.isNaN(time.getTime())) throw invalid('before', 'a nextBefore value or an ISO 8601 time');
  filter.add(`${timeColumn} < ?::timestamptz`, time.toISOString());
}

/** `nextBefore` of a full page (its last row's cursor time and id); null when the page is the last. */
export function nextBefore(rows: readonly { cursor_time: string; id: string }[], take: number): string | null {
  const last = rows[rows.length - 1];
  return rows.length === take && last ? Buffer.from(`${last.cursor_time}|${last.id}`).toString('base64url') : null;
}

/**
 * Streams a CSV export from a server-side cursor on a connection of its own: rows are fetched
 * 1,000 at a time as the client reads, so memory stays flat whatever the number of rows. The
 * connection goes back to the pool when the export ends, and is closed if it fails or the
 * client goes away mid-way.
 *
 * The cursor is one statement for its whole life, however long the client takes to read, so the
 * pool's hot-path `statement_timeout` (VERIGATE_DB_STATEMENT_TIMEOUT_MS) would cancel any export
 * outlasting it: the export runs in a read-only transaction with its own limit instead
 * (`timeoutSeconds`, VERIGATE_EXPORT_TIMEOUT_S; 0 = none). A client that stops reading is cut
 * off by the HTTP idle timeout, which closes the connection and so the cursor.
 */
export async function streamCsvExport(
  dataSource: DataSource,
  logger: JsonLogger,
  query: { sql: string; params: unknown[]; csv: Transform; filename: string; what: string; timeoutSeconds: number },
): Promise<StreamableFile> {
  const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
  const client = await pool.connect();
  const onClientError = (error: Error) => logger.warn(`${query.what} export connection failed`, { error });
  client.on('error', onClientError);
  try {
    await client.query('BEGIN READ ONLY');
    // SET LOCAL: both limits end with the transaction, the pooled connection keeps the hot-path ones.
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(query.timeoutSeconds) * 1000}`);
  } catch (error) {
    client.removeListener('error', onClientError);
    client.release(error as Error);
    throw error;
  }
  const rows = client.query(new QueryStream(query.sql, query.params, { batchSize: 1000 }));
  pipeline(rows, query.csv, (error) => {
    const done = error
      ? Promise.resolve()
      : client.query('COMMIT').then(() => undefined, (commitError: Error) => {
        error = commitError;
      });
    void done.then(() => {
      client.removeListener('error', onClientError);
      if (error && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.error(`${query.what} export failed`, { error });
      // A connection left mid-cursor (or mid-transaction) is not reused.
      client.release(error ?? undefined);
    });
  });
  return new StreamableFile(query.csv, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${query.filename}"` });
}
