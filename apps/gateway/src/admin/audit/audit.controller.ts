import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '#libs/persistence';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { invalid, pageLimit } from '../admin-input.js';
import { SqlFilter } from '../admin-query.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  request_id: string | null;
}

/** `GET /admin/v1/audit?from&to&action&target&limit&before`: management changes, newest first. */
@Controller('admin/v1/audit')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  async list(
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('action') action?: string,
    @Query('target') target?: string,
    @Query('limit') limit?: string,
    @Query('before') before?: string,
  ) {
    const where = new SqlFilter();
    where.addTimeRange('at', from, to);
    if (action) where.add('action = ?', action);
    if (target) where.add('target = ?', target);
    if (before !== undefined && before !== '') {
      if (!/^[1-9][0-9]{0,18}$/.test(before)) throw invalid('before', 'the id of an audit entry');
      where.add('id < ?', before);
    }
    const take = pageLimit(limit);
    const rows = await queryRows<AuditRow>(this.dataSource,
      `SELECT id, at, actor, action, target, detail, request_id FROM audit_log
        ${where.where} ORDER BY id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
    return {
      items: rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, detail: r.detail, requestId: r.request_id })),
      count: rows.length,
      nextBefore: rows.length === take ? rows[rows.length - 1]!.id : null,
    };
  }
}
