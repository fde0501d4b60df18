import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryAttemptEntity, queryRows, WebhookDeliveryEntity } from '#libs/persistence';

/**
 * The gateway's own, narrow access to webhook_deliveries and delivery_attempts: what operators
 * read, and the "send it again now" request. The notifier owns these tables (its repository is
 * in apps/notifier); this file holds only the admin API's statements on them.
 */
@Injectable()
export class WebhookDeliveriesGatewayReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A session's deliveries (newest stream first, in seq order) with every attempt of each, in order. */
  async ofSession(
    sessionId: string,
  ): Promise<{ deliveries: WebhookDeliveryEntity[]; attempts: DeliveryAttemptEntity[] }> {
    const deliveries = await this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .find({ where: { sessionId }, order: { stream: 'DESC', seq: 'ASC' } });
    const attempts = deliveries.length
      ? await this.dataSource
          .getRepository(DeliveryAttemptEntity)
          .createQueryBuilder('a')
          .where('a.delivery_id IN (:...ids)', { ids: deliveries.map((d) => d.id) })
          .orderBy('a.id', 'ASC')
          .getMany()
      : [];
    return { deliveries, attempts };
  }

  /**
   * Makes a failed (or waiting, not in-flight) delivery due now. 'redelivered', or why not:
   * 'missing' (no such delivery) or 'busy' (already acknowledged, or being sent right now).
   */
  async redeliver(id: string): Promise<'redelivered' | 'missing' | 'busy'> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL
        WHERE id = $1 AND (status = 'failed' OR (status = 'pending' AND (lease_until IS NULL OR lease_until < now())))
        RETURNING id`,
      [id],
    );
    if (rows.length > 0) return 'redelivered';
    const exists: unknown[] = await this.dataSource.query('SELECT 1 FROM webhook_deliveries WHERE id = $1', [id]);
    return exists.length === 0 ? 'missing' : 'busy';
  }
}
