import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operating controls of issue 5: per-app quotas and frequency caps, sub-enterprises, revoked
 * numbers, platform IP rules, auth-failure bans, and the windowed counters they all share.
 */
export class OperatingControls1764300000500 implements MigrationInterface {
  name = 'OperatingControls1764300000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enterprises (
        id text PRIMARY KEY,
        status text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal','suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE apps
      ADD COLUMN limits jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN stage text NOT NULL DEFAULT 'commercial' CHECK (stage IN ('commercial','test')),
      ADD COLUMN enterprise_id text REFERENCES enterprises(id),
      ADD COLUMN international jsonb`);
    // 'revoked': the number was withdrawn (by the carrier or the operator) and may not be used at all.
    await q.query(`ALTER TABLE app_numbers DROP CONSTRAINT app_numbers_status_check`);
    await q.query(
      `ALTER TABLE app_numbers ADD CONSTRAINT app_numbers_status_check CHECK (status IN ('normal','suspended','revoked'))`,
    );
    await q.query(`CREATE INDEX app_numbers_number ON app_numbers (number)`);
    // Platform IP rules: a blacklisted address (1020168) or an address of a restricted area (1020171).
    await q.query(`
      CREATE TABLE ip_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('blacklist','restricted-area')),
        cidr cidr NOT NULL,
        area text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, cidr)
      )`);
    await q.query(`
      CREATE TABLE ip_bans (
        ip inet PRIMARY KEY,
        banned_until timestamptz NOT NULL,
        reason text NOT NULL
      )`);
    // Fixed-window counters: one row per (key, window). Rows are deleted after expires_at.
    await q.query(`
      CREATE TABLE rate_counters (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        count integer NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (key, window_start)
      )`);
    await q.query(`CREATE INDEX rate_counters_expiry ON rate_counters (expires_at)`);
    // Its functions (verigate_window_start, _take_counters, _take_voice_port, _check_callee,
    // _auth_failure) are in ../sql/functions: 1764800000000-sql-functions.ts creates them.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS verigate_auth_failure(inet, integer, integer, integer)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_check_callee(text, integer, integer, integer[])`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_take_voice_port(uuid, integer, boolean, integer)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_take_counters(text[], integer[], integer[], text[])`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_window_start(integer)`);
    await q.query(`DROP TABLE IF EXISTS rate_counters`);
    await q.query(`DROP TABLE IF EXISTS ip_bans`);
    await q.query(`DROP TABLE IF EXISTS ip_rules`);
    await q.query(`DROP INDEX IF EXISTS app_numbers_number`);
    await q.query(`ALTER TABLE app_numbers DROP CONSTRAINT app_numbers_status_check`);
    await q.query(
      `ALTER TABLE app_numbers ADD CONSTRAINT app_numbers_status_check CHECK (status IN ('normal','suspended'))`,
    );
    await q.query(
      `ALTER TABLE apps DROP COLUMN limits, DROP COLUMN stage, DROP COLUMN enterprise_id, DROP COLUMN international`,
    );
    await q.query(`DROP TABLE IF EXISTS enterprises`);
  }
}
