import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Image captcha sessions and the per-fingerprint / per-IP counters behind its rate limits and
 * lock-outs (docs/contract.md#image-captcha). Every state change is a compare-and-set on `state`; every counter
 * change is one atomic upsert.
 */
export class Captcha1764400000000 implements MigrationInterface {
  name = 'Captcha1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE captcha_sessions (
        token text PRIMARY KEY,
        app_key text NOT NULL,
        captcha_type text NOT NULL,
        -- blockPuzzle {x,y}; clickWord [{x,y},…] (never sent to clients)
        answer json NOT NULL,
        -- the AJ-Captcha client key, sealed with the platform's SecretBox
        secret_key_sealed text NOT NULL,
        -- issued → attempted → passed | failed; passed → verified
        state text NOT NULL DEFAULT 'issued',
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        -- SHA-256 (hex) of the captchaVerification handed out on success
        verification_hash text UNIQUE,
        verification_expires_at timestamptz,
        fingerprint text NOT NULL,
        client_ip text NOT NULL
      )`);
    await q.query(`CREATE INDEX captcha_sessions_expires ON captcha_sessions (expires_at)`);
    await q.query(`
      CREATE TABLE captcha_limits (
        key text PRIMARY KEY,
        get_window_start timestamptz NOT NULL DEFAULT now(),
        gets integer NOT NULL DEFAULT 0,
        fail_window_start timestamptz NOT NULL DEFAULT now(),
        failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS captcha_limits`);
    await q.query(`DROP TABLE IF EXISTS captcha_sessions`);
  }
}
