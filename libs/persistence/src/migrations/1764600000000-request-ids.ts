import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request ids across RabbitMQ (docs/operations.md "Logs and request ids"): an outbox row keeps
 * the AMQP headers it is published with (the `x-request-id` of the request that wrote it, also
 * when the relay publishes it later), and a webhook delivery keeps the request id of its event,
 * so the notifier's log lines about it carry the id of the API request that started it all.
 * Both nullable: rows written without a request (sweepers, receipts) have none.
 */
export class RequestIds1764600000000 implements MigrationInterface {
  name = 'RequestIds1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN headers jsonb`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN request_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS request_id`);
    await q.query(`ALTER TABLE outbox DROP COLUMN IF EXISTS headers`);
  }
}
