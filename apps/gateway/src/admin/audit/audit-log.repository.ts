import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, SqlFilter } from '#libs/persistence';

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  request_id: string | null;
}

/** Filters of the audit listing; `before` is the id of an entry (checked by the caller). */
export interface AuditFilter {
  from?: string;
  to?: string;
  action?: string;
  target?: string;
  before?: string;
}

/** audit_log: management changes, who made them and from which request. Gateway only. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: {
    actor: string;
    action: string;
    target: string | null;
    detail: string | null;
    requestId: string | null;
  }): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO audit_log (actor, action, target, detail, request_id) VALUES ($1, $2, $3, $4, $5)',
      [entry.actor, entry.action, entry.target, entry.detail, entry.requestId],
    );
  }

  /** A page of entries, newest first. */
  page(filter: AuditFilter, take: number): Promise<AuditRow[]> {
    const where = new SqlFilter();
    where.addTimeRange('at', filter.from, filter.to);
    if (filter.action) where.add('action = ?', filter.action);
    if (filter.target) where.add('target = ?', filter.target);
    if (filter.before !== undefined && filter.before !== '') where.add('id < ?', filter.before);
    return queryRows<AuditRow>(
      this.dataSource,
      `SELECT id, at, actor, action, target, detail, request_id FROM audit_log
        ${where.where} ORDER BY id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
  }
}
