import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, redactUrlCredentials, type PlatformConfig } from '#libs/runtime';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { AdminError } from '../../http/rest-error.js';
import { adminValidate, notFound, pageLimit } from '../admin-schema.js';
import { deliveriesQuery } from './calls.schema.js';
import { csvExport, exportConnectionError, listFormat } from '../admin-query.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { CallRecordsService } from './call-records.service.js';
import { cdrCsvStream } from './cdr-csv.js';
import { nextBefore } from '../admin-query.js';
import { WebhookDeliveriesGatewayReadRepository } from './webhook-deliveries.gateway-read.repository.js';

/** Read side for operators and auditors: sessions with their events, CDRs, webhook deliveries. */
@Controller('admin/v1')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class CallsController {
  constructor(
    private readonly records: CallRecordsService,
    private readonly deliveryRecords: WebhookDeliveriesGatewayReadRepository,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get('calls/:sessionId')
  async call(@Param('sessionId') sessionId: string) {
    const record = await this.records.call(sessionId);
    if (!record) throw notFound(`session ${sessionId}`);
    const { session, events, cdr } = record;
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
    @Query('stateCode') stateCode?: string,
  ) {
    const filter = { appKey, sessionId, number, from, to, stateCode };
    if (listFormat(format) === 'csv') {
      const cursor = await this.records.cdrExport(filter, {
        timeoutSeconds: this.config.controls.exportTimeoutSeconds,
        onConnectionError: exportConnectionError(this.logger, 'CDR'),
      });
      return csvExport(cursor, cdrCsvStream(), this.logger, { filename: 'cdrs.csv', what: 'CDR' });
    }
    const take = pageLimit(limit);
    const rows = await this.records.cdrPage(filter, before, take);
    return { items: rows.map((r) => r.fee_info), count: rows.length, nextBefore: nextBefore(rows, take) };
  }

  @Get('deliveries')
  async deliveries(@Query('sessionId') sessionId?: string) {
    adminValidate(deliveriesQuery, { sessionId });
    const { deliveries, attempts } = await this.deliveryRecords.ofSession(sessionId!);
    return deliveries.map((d) => ({
      id: d.id,
      stream: d.stream,
      seq: d.seq,
      url: redactUrlCredentials(d.url),
      status: d.status,
      attempts: d.attempts,
      lastHttpStatus: d.lastHttpStatus,
      lastError: d.lastError,
      nextAttemptAt: d.nextAttemptAt,
      deliveredAt: d.deliveredAt,
      attemptLog: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          attempt: a.attempt,
          attemptedAt: a.attemptedAt,
          durationMs: a.durationMs,
          httpStatus: a.httpStatus,
          error: a.error,
        })),
    }));
  }

  /** Sends a failed (or waiting, not in-flight) delivery again now. */
  @Post('deliveries/:id/redeliver')
  @HttpCode(202)
  @Audited('delivery.redeliver', (req) => req.params.id)
  async redeliver(@Param('id') id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound(`delivery ${id}`);
    const outcome = await this.deliveryRecords.redeliver(id);
    if (outcome === 'missing') throw notFound(`delivery ${id}`);
    if (outcome === 'busy')
      throw new AdminError(
        409,
        'NOT_REDELIVERABLE',
        'the delivery was already acknowledged, or is being sent right now',
      );
    return { id, status: 'pending' };
  }
}
