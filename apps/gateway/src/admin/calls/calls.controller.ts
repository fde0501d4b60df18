import { Controller, Get, HttpCode, Inject, Param, Post, Query, StreamableFile, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { pipeline } from 'node:stream';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { queryRows, CallEventEntity, CallSessionEntity, CdrEntity, DeliveryAttemptEntity, WebhookDeliveryEntity } from '#libs/persistence';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { AdminError } from '../../http/rest-error.js';
import { invalid, notFound, optionalTime, pageLimit } from '../admin-input.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { cdrCsvStream } from './cdr-csv.js';

interface CdrFilter {
  appKey?: string;
  sessionId?: string;
  number?: string;
  from?: string;
  to?: string;
}

/** WHERE clause (with $n placeholders) and parameters of a CDR query. */
function cdrWhere(filter: CdrFilter): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filter.appKey) add('app_key = ?', filter.appKey);
  if (filter.sessionId) add('session_id = ?', filter.sessionId);
  if (filter.number) add('(callee_num = ? OR caller_num = ?)', filter.number);
  const fromTime = optionalTime('from', filter.from);
  const toTime = optionalTime('to', filter.to);
  if (fromTime) add('call_start >= ?', fromTime);
  if (toTime) add('call_start < ?', toTime);
  return { clauses, params };
}

const whereSql = (clauses: string[]) => (clauses.length ? `WHERE ${clauses.join(' AND ')}` : '');

/** JSON paging cursor: the call start (UTC, microseconds) and id of the last CDR of a page. */
const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f-]{36})$/;

function parseBefore(value: string | undefined): { start: string; id: string | null } | undefined {
  if (value === undefined || value === '') return undefined;
  const cursor = CURSOR.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (cursor) return { start: cursor[1]!, id: cursor[2]! };
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw invalid('before', 'a nextBefore value or an ISO 8601 time');
  return { start: time.toISOString(), id: null };
}

/** Read side for operators and auditors: sessions with their events, CDRs, webhook deliveries. */
@Controller('admin/v1')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class CallsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  @Get('calls/:sessionId')
  async call(@Param('sessionId') sessionId: string) {
    const session = await this.dataSource.getRepository(CallSessionEntity).findOneBy({ id: sessionId });
    if (!session) throw notFound(`session ${sessionId}`);
    const events = await this.dataSource.getRepository(CallEventEntity).find({ where: { sessionId }, order: { seq: 'ASC' } });
    const cdr = await this.dataSource.getRepository(CdrEntity).findOneBy({ sessionId });
    return {
      session,
      events: events.map((e) => ({ seq: e.seq, eventType: e.eventType, body: e.body, createdAt: e.createdAt })),
      cdr: cdr?.feeInfo ?? null,
    };
  }

  /**
   * CDRs. JSON (default): pages of `limit`, newest call start first; `nextBefore` of an answer
   * given as `before` fetches the next page. `format=csv`: every matching CDR, oldest first,
   * streamed from a server-side cursor.
   */
  @Get('cdrs')
  async cdrs(
    @Query('appKey') appKey?: string,
    @Query('sessionId') sessionId?: string,
    @Query('number') number?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('format') format?: string,
    @Query('before') before?: string,
  ) {
    const filter = { appKey, sessionId, number, from, to };
    if (format === 'csv') return this.exportCsv(filter);
    if (format !== undefined && format !== 'json') throw new AdminError(400, 'UNSUPPORTED_FORMAT', 'format must be json or csv');
    const take = pageLimit(limit);
    const { clauses, params } = cdrWhere(filter);
    const cursor = parseBefore(before);
    if (cursor) {
      params.push(cursor.start);
      if (cursor.id) {
        params.push(cursor.id);
        clauses.push(`(call_start, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      } else {
        clauses.push(`call_start < $${params.length}::timestamptz`);
      }
    }
    params.push(take);
    const rows = await queryRows<{ fee_info: Record<string, unknown>; id: string; start: string }>(this.dataSource,
      `SELECT fee_info, id, to_char(call_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS start
         FROM cdrs ${whereSql(clauses)} ORDER BY call_start DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r) => r.fee_info),
      count: rows.length,
      nextBefore: rows.length === take && last ? Buffer.from(`${last.start}|${last.id}`).toString('base64url') : null,
    };
  }

  /**
   * Streams the CSV from a server-side cursor on a connection of its own: rows are fetched 1,000
   * at a time as the client reads, so memory stays flat whatever the number of CDRs. The
   * connection goes back to the pool when the export ends, and is closed if it fails or the
   * client goes away mid-way.
   */
  private async exportCsv(filter: CdrFilter): Promise<StreamableFile> {
    const { clauses, params } = cdrWhere(filter);
    const pool = (this.dataSource.driver as unknown as { master: pg.Pool }).master;
    const client = await pool.connect();
    const onClientError = (error: Error) => this.logger.warn('CDR export connection failed', { error });
    client.on('error', onClientError);
    const rows = client.query(new QueryStream(
      `SELECT fee_info, state_code FROM cdrs ${whereSql(clauses)} ORDER BY call_start, id`,
      params,
      { batchSize: 1000 },
    ));
    const csv = cdrCsvStream();
    pipeline(rows, csv, (error) => {
      client.removeListener('error', onClientError);
      if (error && (error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') this.logger.error('CDR export failed', { error });
      // A connection left mid-cursor is not reused.
      client.release(error ?? undefined);
    });
    return new StreamableFile(csv, { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="cdrs.csv"' });
  }

  @Get('deliveries')
  async deliveries(@Query('sessionId') sessionId?: string) {
    if (!sessionId) throw invalid('sessionId', 'present');
    const deliveries = await this.dataSource.getRepository(WebhookDeliveryEntity).find({ where: { sessionId }, order: { stream: 'DESC', seq: 'ASC' } });
    const attempts = deliveries.length
      ? await this.dataSource.getRepository(DeliveryAttemptEntity).createQueryBuilder('a')
          .where('a.delivery_id IN (:...ids)', { ids: deliveries.map((d) => d.id) }).orderBy('a.id', 'ASC').getMany()
      : [];
    return deliveries.map((d) => ({
      id: d.id, stream: d.stream, seq: d.seq, url: d.url, status: d.status, attempts: d.attempts,
      lastHttpStatus: d.lastHttpStatus, lastError: d.lastError, nextAttemptAt: d.nextAttemptAt, deliveredAt: d.deliveredAt,
      attemptLog: attempts.filter((a) => a.deliveryId === d.id).map((a) => ({
        attempt: a.attempt, attemptedAt: a.attemptedAt, durationMs: a.durationMs, httpStatus: a.httpStatus, error: a.error,
      })),
    }));
  }

  /** Sends a failed (or waiting, not in-flight) delivery again now. */
  @Post('deliveries/:id/redeliver')
  @HttpCode(202)
  @Audited('delivery.redeliver', (req) => req.params.id)
  async redeliver(@Param('id') id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(`delivery ${id}`);
    const rows = await queryRows(this.dataSource,
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL
        WHERE id = $1 AND (status = 'failed' OR (status = 'pending' AND (lease_until IS NULL OR lease_until < now())))
        RETURNING id`,
      [id],
    );
    if (rows.length === 0) {
      const exists: unknown[] = await this.dataSource.query('SELECT 1 FROM webhook_deliveries WHERE id = $1', [id]);
      if (exists.length === 0) throw notFound(`delivery ${id}`);
      throw new AdminError(409, 'NOT_REDELIVERABLE', 'the delivery was already acknowledged, or is being sent right now');
    }
    return { id, status: 'pending' };
  }
}
