import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, CallEventEntity, CallSessionEntity, CdrEntity, DeliveryAttemptEntity, WebhookDeliveryEntity } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, redactUrlCredentials, type PlatformConfig } from '#libs/runtime';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { AdminError } from '../../http/rest-error.js';
import { invalid, notFound, pageLimit } from '../admin-input.js';
import { addBefore, cursorTimeSql, listFormat, nextBefore, SqlFilter, streamCsvExport } from '../admin-query.js';
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

/** The conditions of a CDR query. */
function cdrWhere(filter: CdrFilter): SqlFilter {
  const where = new SqlFilter();
  if (filter.appKey) where.add('app_key = ?', filter.appKey);
  if (filter.sessionId) where.add('session_id = ?', filter.sessionId);
  if (filter.number) where.add('(callee_num = ? OR caller_num = ?)', filter.number);
  where.addTimeRange('call_start', filter.from, filter.to);
  return where;
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
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
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
    if (listFormat(format) === 'csv') {
      const where = cdrWhere(filter);
      return streamCsvExport(this.dataSource, this.logger, {
        sql: `SELECT fee_info, state_code FROM cdrs ${where.where} ORDER BY call_start, id`,
        params: where.params, csv: cdrCsvStream(), filename: 'cdrs.csv', what: 'CDR',
        timeoutSeconds: this.config.controls.exportTimeoutSeconds,
      });
    }
    const take = pageLimit(limit);
    const where = cdrWhere(filter);
    addBefore(where, before, 'call_start');
    const rows = await queryRows<{ fee_info: Record<string, unknown>; id: string; cursor_time: string }>(this.dataSource,
      `SELECT fee_info, id, ${cursorTimeSql('call_start')} AS cursor_time
         FROM cdrs ${where.where} ORDER BY call_start DESC, id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
    return { items: rows.map((r) => r.fee_info), count: rows.length, nextBefore: nextBefore(rows, take) };
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
      id: d.id, stream: d.stream, seq: d.seq, url: redactUrlCredentials(d.url), status: d.status, attempts: d.attempts,
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
