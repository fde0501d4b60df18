import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standard Webhooks signing secrets (optional, per app): the current secret and, for a grace
 * period after a rotation, the previous one (both signatures are sent meanwhile). Both are sealed
 * with SecretBox like the app secret: the notifier needs the key itself to sign.
 */
export class WebhookSigning1764600000100 implements MigrationInterface {
  name = 'WebhookSigning1764600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE apps
        ADD COLUMN webhook_secret_sealed text,
        ADD COLUMN webhook_secret_previous_sealed text,
        ADD COLUMN webhook_secret_previous_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE apps
        DROP COLUMN webhook_secret_previous_until,
        DROP COLUMN webhook_secret_previous_sealed,
        DROP COLUMN webhook_secret_sealed`);
  }
}
