import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every management change (who, what, when), written by the gateway's AuditInterceptor. */
export class AuditLog1764300000300 implements MigrationInterface {
  name = 'AuditLog1764300000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        detail json,
        request_id text
      )`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_log`);
  }
}
