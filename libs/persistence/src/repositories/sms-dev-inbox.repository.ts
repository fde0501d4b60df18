import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../query-rows.js';
import { SqlFilter } from './sql-filter.js';

/**
 * sms_dev_inbox: what the development provider (VERIGATE_SMS_PROVIDER=log) would have sent.
 * The SMS worker's log provider writes it; operators read it.
 */
@Injectable()
export class SmsDevInboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest `take` texts, for one mobile or all. */
  newest(
    mobile: string | undefined,
    take: number,
  ): Promise<Array<{ mobile: string; text: string; message_id: string; created_at: Date }>> {
    const where = new SqlFilter();
    if (mobile) where.add('mobile = ?', mobile);
    return queryRows<{ mobile: string; text: string; message_id: string; created_at: Date }>(
      this.dataSource,
      `SELECT mobile, text, message_id, created_at FROM sms_dev_inbox ${where.where}
        ORDER BY created_at DESC, provider_id DESC LIMIT ${where.param(take)}`,
      where.params,
    );
  }

  /** One text the log provider "sent" (development only). */
  async record(providerId: string, messageId: string, mobile: string, text: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sms_dev_inbox (provider_id, message_id, mobile, text) VALUES ($1, $2, $3, $4)`,
      [providerId, messageId, mobile, text],
    );
  }
}
