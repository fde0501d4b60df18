import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * apps.permissions' default, the same value written as an array literal: the initial schema wrote
 * it `ARRAY['captcha','sms','voice']`, which TypeORM's schema comparison cannot match with any
 * entity default (it lower-cases the entity's expression, PostgreSQL keeps `ARRAY` upper-case), so
 * the entity and the schema could never be shown to agree (test/e2e/schema-agreement.e2e.test.ts).
 * New rows get exactly what they got before.
 */
export class AppsPermissionsDefault1764800000100 implements MigrationInterface {
  name = 'AppsPermissionsDefault1764800000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps ALTER COLUMN permissions SET DEFAULT '{captcha,sms,voice}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps ALTER COLUMN permissions SET DEFAULT ARRAY['captcha','sms','voice']`);
  }
}
