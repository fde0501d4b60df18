import { Inject, Injectable, type StreamableFile } from '@nestjs/common';
import { nextBefore, SmsDevInboxRepository, SmsMessagesRepository, type SmsFilter } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { notFound, pageLimit } from '../admin-schema.js';
import { csvExport, exportConnectionError } from '../admin-query.js';
import { csvStream } from '../csv.js';
import { SMS_CSV_COLUMNS, smsCsvLine, smsView } from './sms-view.js';

/** Read side of SMS verification codes for operators: messages with their segments, and the development inbox. */
@Injectable()
export class SmsAdminService {
  constructor(
    private readonly messages: SmsMessagesRepository,
    private readonly devInboxRecords: SmsDevInboxRepository,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** A page of messages, newest first (keyset paging on created_at, id like the CDRs). */
  async list(filter: SmsFilter, limit: string | undefined, before: string | undefined) {
    const take = pageLimit(limit);
    const rows = await this.messages.page(filter, before, take);
    return {
      items: rows.map((r) => ({ ...smsView(r), parts: r.parts })),
      count: rows.length,
      nextBefore: nextBefore(rows, take),
    };
  }

  /** Every matching message as CSV, oldest first, streamed. */
  async exportCsv(filter: SmsFilter): Promise<StreamableFile> {
    const cursor = await this.messages.exportCursor(filter, {
      timeoutSeconds: this.config.controls.exportTimeoutSeconds,
      onConnectionError: exportConnectionError(this.logger, 'SMS'),
    });
    return csvExport(cursor, csvStream(SMS_CSV_COLUMNS, smsCsvLine), this.logger, { filename: 'sms.csv', what: 'SMS' });
  }

  async get(messageId: string) {
    const row = await this.messages.get(messageId);
    if (!row) throw notFound(`message ${messageId}`);
    return { ...smsView(row), parts: row.parts };
  }

  /** What the development provider (VERIGATE_SMS_PROVIDER=log) would have sent, newest first. */
  async devInbox(mobile: string | undefined, limit: string | undefined) {
    const take = pageLimit(limit);
    const rows = await this.devInboxRecords.newest(mobile, take);
    return {
      items: rows.map((r) => ({ mobile: r.mobile, text: r.text, messageId: r.message_id, createdAt: r.created_at })),
      count: rows.length,
    };
  }
}
