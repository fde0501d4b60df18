import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a captcha's `get` saw, kept with the session for managed mode: `get_risk`, the risk signals
 * raised at that get (velocity, failures, under-attack), and `address_bucket`, the caller's
 * address bucket (IPv4 address, IPv6 /64). Managed mode escalates to the puzzle when the get was
 * flagged, however long the caller waited since, or when another device or address asks.
 * Sessions from before this migration have neither: managed mode sends them to the puzzle.
 */
export class CaptchaGetRisk1764700000600 implements MigrationInterface {
  name = 'CaptchaGetRisk1764700000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE captcha_sessions ADD COLUMN get_risk text[], ADD COLUMN address_bucket text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE captcha_sessions DROP COLUMN address_bucket, DROP COLUMN get_risk`);
  }
}
