import { Controller, Get, HttpCode, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, CallEventEntity, CallSessionEntity, CdrEntity, DeliveryAttemptEntity, WebhookDeliveryEntity } from '#libs/persistence';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { AdminError } from '../../http/rest-error.js';
import { invalid, notFound } from '../admin-input.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';

function parseTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(name, 'an ISO 8601 time');
  return d;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw invalid('limit', 'an integer 1-1000');
  return n;
}

/** Read side for operators and auditors: sessions with their events, CDRs, webhook deliveries. */
@Controller('admin/v1')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class CallsController {
  constructor(private readonly dataSource: DataSource) {}

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

  /** CDRs as JSON pages ordered by call start; `before` (a call start) pages backwards. */
  @Get('cdrs')
  async cdrs(
    @Query('appKey') appKey?: string,
    @Query('sessionId') sessionId?: string,
    @Query('number') number?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('format') format?: string,
  ) {
    if (format !== undefined && format !== 'json') throw new AdminError(400, 'UNSUPPORTED_FORMAT', 'format must be json (CSV export is not part of this release)');
    const query = this.dataSource.getRepository(CdrEntity).createQueryBuilder('c').orderBy('c.call_start', 'DESC').addOrderBy('c.id', 'DESC').take(parseLimit(limit));
    if (appKey) query.andWhere('c.app_key = :appKey', { appKey });
    if (sessionId) query.andWhere('c.session_id = :sessionId', { sessionId });
    if (number) query.andWhere('(c.callee_num = :number OR c.caller_num = :number)', { number });
    const fromTime = parseTime('from', from);
    const toTime = parseTime('to', to);
    if (fromTime) query.andWhere('c.call_start >= :fromTime', { fromTime });
    if (toTime) query.andWhere('c.call_start < :toTime', { toTime });
    const rows = await query.getMany();
    return { items: rows.map((r) => r.feeInfo), count: rows.length };
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
