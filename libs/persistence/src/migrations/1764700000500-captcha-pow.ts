import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Captcha proof of work (per app): `captcha_pow` on for apps created from now on, off for the apps
 * that exist when this runs, whose AJ-Captcha clients know nothing of PoW and must keep working
 * unchanged (the operator turns it on once their clients send solutions); `captcha_under_attack`,
 * the operator's switch that raises every client's difficulty and sends managed mode to the puzzle.
 */
export class CaptchaPow1764700000500 implements MigrationInterface {
  name = 'CaptchaPow1764700000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE apps ADD COLUMN captcha_pow boolean NOT NULL DEFAULT false, ADD COLUMN captcha_under_attack boolean NOT NULL DEFAULT false`,
    );
    await q.query(`ALTER TABLE apps ALTER COLUMN captcha_pow SET DEFAULT true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps DROP COLUMN captcha_under_attack, DROP COLUMN captcha_pow`);
  }
}
