import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { adminValidate } from '../admin-schema.js';
import { auditQuery } from './audit.schema.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { AuditLogRepository } from './audit-log.repository.js';

/** `GET /admin/v1/audit?from&to&action&target&limit&before`: management changes, newest first. */
@Controller('admin/v1/audit')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class AuditController {
  constructor(private readonly auditLog: AuditLogRepository) {}

  @Get()
  async list(
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('action') action?: string,
    @Query('target') target?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    const { limit: take } = adminValidate(auditQuery, { from, to, before, limit }, ['from', 'to', 'before', 'limit']);
    const rows = await this.auditLog.page({ from, to, action, target, before }, take);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        target: r.target,
        detail: r.detail,
        requestId: r.request_id,
      })),
      count: rows.length,
      nextBefore: rows.length === take ? rows[rows.length - 1]!.id : null,
    };
  }
}
