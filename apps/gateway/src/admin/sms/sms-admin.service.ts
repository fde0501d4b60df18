import { Inject, Injectable, type StreamableFile } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normaliseSmsType, SMS_STATUSES } from '#libs/contracts';
import { queryRows } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { invalid, notFound, pageLimit } from '../admin-input.js';
import { addBefore, cursorTimeSql, nextBefore, SqlFilter, streamCsvExport } from '../admin-query.js';
import { csvStream } from '../csv.js';
import { SMS_COLUMNS, SMS_CSV_COLUMNS, smsCsvLine, smsView, type SmsPart, type SmsRow } from './sms-view.js';

export interface SmsFilter {
  appKey?: string;
  mobile?: string;
  messageId?: string;
  status?: string;
  type?: string;
  from?: string;
  to?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The segments of each message, in order, as one JSON array (times in ISO 8601 UTC like the message's). */
const PARTS_SQL = `COALESCE((SELECT json_agg(json_build_object('providerId', p.provider_id, 'partNo', p.part_no, 'status', p.status,
    'doneAt', to_char(p.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'errorCode', p.error_code) ORDER BY p.part_no)
  FROM sms_message_parts p WHERE p.message_id = m.id), '[]'::json) AS parts`;

function smsWhere(filter: SmsFilter): SqlFilter {
  const where = new SqlFilter();
  if (filter.appKey) where.add('m.app_key = ?', filter.appKey);
  if (filter.mobile) where.add('m.mobile = ?', filter.mobile);
  if (filter.messageId) {
    if (!UUID.test(filter.messageId)) throw invalid('messageId', 'a message id (UUID)');
    where.add('m.id = ?::uuid', filter.messageId);
  }
  if (filter.status) {
    if (!(SMS_STATUSES as readonly string[]).includes(filter.status)) throw invalid('status', `one of ${SMS_STATUSES.join(', ')}`);
    where.add('m.status = ?', filter.status);
  }
  if (filter.type) {
    const type = normaliseSmsType(filter.type);
    if (!type) throw invalid('type', 'an SMS type such as LOGIN_SMS');
    where.add('m.type = ?', type);
  }
  where.addTimeRange('m.created_at', filter.from, filter.to);
  return where;
}

/** Read side of SMS verification codes for operators: messages with their segments, and the development inbox. */
@Injectable()
export class SmsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** A page of messages, newest first (keyset paging on created_at, id like the CDRs). */
  async list(filter: SmsFilter, limit: string | undefined, before: string | undefined) {
    const take = pageLimit(limit);
    const where = smsWhere(filter);
    addBefore(where, before, 'm.created_at', 'm.id');
    const rows = await queryRows<SmsRow & { parts: SmsPart[]; cursor_time: string }>(this.dataSource,
      `SELECT ${SMS_COLUMNS}, ${PARTS_SQL}, ${cursorTimeSql('m.created_at')} AS cursor_time
         FROM sms_messages m ${where.where} ORDER BY m.created_at DESC, m.id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
    return { items: rows.map((r) => ({ ...smsView(r), parts: r.parts })), count: rows.length, nextBefore: nextBefore(rows, take) };
  }

  /** Every matching message as CSV, oldest first, streamed. */
  exportCsv(filter: SmsFilter): Promise<StreamableFile> {
    const where = smsWhere(filter);
    return streamCsvExport(this.dataSource, this.logger, {
      sql: `SELECT ${SMS_COLUMNS} FROM sms_messages m ${where.where} ORDER BY m.created_at, m.id`,
      params: where.params, csv: csvStream(SMS_CSV_COLUMNS, smsCsvLine), filename: 'sms.csv', what: 'SMS',
      timeoutSeconds: this.config.controls.exportTimeoutSeconds,
    });
  }

  async get(messageId: string) {
    if (!UUID.test(messageId)) throw notFound(`message ${messageId}`);
    const [row] = await queryRows<SmsRow & { parts: SmsPart[] }>(this.dataSource,
      `SELECT ${SMS_COLUMNS}, ${PARTS_SQL} FROM sms_messages m WHERE m.id = $1`, [messageId]);
    if (!row) throw notFound(`message ${messageId}`);
    return { ...smsView(row), parts: row.parts };
  }

  /** What the development provider (VERIGATE_SMS_PROVIDER=log) would have sent, newest first. */
  async devInbox(mobile: string | undefined, limit: string | undefined) {
    const take = pageLimit(limit);
    const where = new SqlFilter();
    if (mobile) where.add('mobile = ?', mobile);
    const rows = await queryRows<{ mobile: string; text: string; message_id: string; created_at: Date }>(this.dataSource,
      `SELECT mobile, text, message_id, created_at FROM sms_dev_inbox ${where.where}
        ORDER BY created_at DESC, provider_id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
    return { items: rows.map((r) => ({ mobile: r.mobile, text: r.text, messageId: r.message_id, createdAt: r.created_at })), count: rows.length };
  }
}
