import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows, READ_DATA_SOURCE } from '#libs/persistence';

/** One minute's counts as PostgreSQL returns them (bigint counts arrive as strings). */
export interface MinuteCountRow {
  minute: Date;
  total: string;
  good: string;
}

/** The counts of the console's Overview, read from the replica when there is one (see READ_DATA_SOURCE). */
@Injectable()
export class OverviewRepository {
  constructor(@Inject(READ_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * Per minute since `since`: calls accepted, SMS accepted, captchas drawn, calls ended (good =
   * answered, stateCode 0), SMS finished (good = delivered), webhook attempts (good = 2xx).
   * Minutes without rows are absent (the service fills them with zeros).
   */
  async perMinute(since: Date): Promise<Record<OverviewSeriesName, MinuteCountRow[]>> {
    const count = (table: string, time: string, good: string, extra = '') =>
      queryRows<MinuteCountRow>(
        this.dataSource,
        `SELECT date_trunc('minute', ${time}) AS minute, count(*) AS total, count(*) FILTER (WHERE ${good}) AS good
           FROM ${table} WHERE ${time} >= $1 ${extra} GROUP BY 1`,
        [since],
      );
    const [calls, sms, captchas, callsEnded, smsFinished, webhookAttempts] = await Promise.all([
      count('call_sessions', 'created_at', 'true'),
      count('sms_messages', 'created_at', 'true'),
      count('captcha_sessions', 'created_at', 'true'),
      count('cdrs', 'created_at', 'state_code = 0'),
      count(
        'sms_messages',
        'done_at',
        "status = 'delivered'",
        "AND status IN ('delivered','undeliverable','expired','failed')",
      ),
      count('delivery_attempts', 'attempted_at', 'http_status BETWEEN 200 AND 299'),
    ]);
    return { calls, sms, captchas, callsEnded, smsFinished, webhookAttempts };
  }

  /** Webhook deliveries waiting to be sent (backlog) and given up on (failed, until redelivered). */
  async webhookQueue(): Promise<{ backlog: number; failed: number }> {
    const [row] = await queryRows<{ backlog: string; failed: string }>(
      this.dataSource,
      `SELECT count(*) FILTER (WHERE status = 'pending') AS backlog, count(*) FILTER (WHERE status = 'failed') AS failed
         FROM webhook_deliveries WHERE status <> 'delivered'`,
      [],
    );
    return { backlog: Number(row?.backlog ?? 0), failed: Number(row?.failed ?? 0) };
  }
}

export const OVERVIEW_SERIES = ['calls', 'sms', 'captchas', 'callsEnded', 'smsFinished', 'webhookAttempts'] as const;
export type OverviewSeriesName = (typeof OVERVIEW_SERIES)[number];
