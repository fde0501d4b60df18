import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CdrEntity } from '../entities/index.js';
import { READ_DATA_SOURCE } from '../read-data-source.js';
import { queryRows } from '../query-rows.js';
import { openRowCursor, type RowCursor } from './row-cursor.js';
import { addBefore, cursorTimeSql, InvalidFilterValue, SqlFilter } from './sql-filter.js';

/** Filters of the operators' CDR listing (query-string values; times are checked as the query is built). */
export interface CdrFilter {
  appKey?: string;
  sessionId?: string;
  number?: string;
  from?: string;
  to?: string;
  /** The call's final stateCode (0 = answered and ended normally). */
  stateCode?: string;
}

/** The conditions of a CDR query. */
function cdrWhere(filter: CdrFilter): SqlFilter {
  const where = new SqlFilter();
  if (filter.appKey) where.add('app_key = ?', filter.appKey);
  if (filter.sessionId) where.add('session_id = ?', filter.sessionId);
  if (filter.number) where.add('(callee_num = ? OR caller_num = ?)', filter.number);
  where.addTimeRange('call_start', filter.from, filter.to);
  if (filter.stateCode !== undefined && filter.stateCode !== '') {
    if (!/^\d{1,9}$/.test(filter.stateCode)) throw new InvalidFilterValue('stateCode', 'an integer such as 0 or 8101');
    where.add('state_code = ?', Number(filter.stateCode));
  }
  return where;
}

/**
 * cdrs as operators read them. The voice worker writes a call's CDR in the statement that ends
 * the call (CallSessionsRepository.finish), so that write stays there.
 */
@Injectable()
export class CdrsRepository {
  constructor(@Inject(READ_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The CDR of a session, if the call has ended. */
  ofSession(sessionId: string): Promise<CdrEntity | null> {
    return this.dataSource.getRepository(CdrEntity).findOneBy({ sessionId });
  }

  /** A page of CDRs, newest call start first; `before` is a page cursor or an ISO 8601 time. */
  page(
    filter: CdrFilter,
    before: string | undefined,
    take: number,
  ): Promise<Array<{ fee_info: Record<string, unknown>; id: string; cursor_time: string }>> {
    const where = cdrWhere(filter);
    addBefore(where, before, 'call_start');
    return queryRows<{ fee_info: Record<string, unknown>; id: string; cursor_time: string }>(
      this.dataSource,
      `SELECT fee_info, id, ${cursorTimeSql('call_start')} AS cursor_time
         FROM cdrs ${where.where} ORDER BY call_start DESC, id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
  }

  /** Every matching CDR (fee_info, state_code), oldest first, from a server-side cursor (see openRowCursor). */
  exportCursor(
    filter: CdrFilter,
    options: { timeoutSeconds: number; onConnectionError: (error: Error) => void },
  ): Promise<RowCursor> {
    const where = cdrWhere(filter);
    return openRowCursor(this.dataSource, {
      sql: `SELECT fee_info, state_code FROM cdrs ${where.where} ORDER BY call_start, id`,
      params: where.params,
      ...options,
    });
  }
}
