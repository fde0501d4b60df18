import type { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlFunction } from '../sql/sql-functions.js';

/**
 * SMS pumping controls (issue 14 item 6): a per-app daily budget and per-destination-prefix
 * velocity, checked by verigate_admit_sms; and a refused send now consumes its captcha credential
 * (one solved captcha cannot probe a mobile's cool-down and caps again and again), while a
 * platform fault (any other error) still rolls everything back, the credential included.
 */
export class SmsPumping1764700000300 implements MigrationInterface {
  name = 'SmsPumping1764700000300';

  async up(q: QueryRunner): Promise<void> {
    // Sends per destination prefix per UTC hour: the current hour is what velocity limits, the
    // 168 hours before it are the prefix's usual rate. Rows older than 8 days are dropped as the
    // prefix is sent to again. Each count is spread over SHARDS rows (a send adds to a random
    // one, the check reads their sum), so concurrent sends to one busy prefix rarely wait for
    // each other's row lock until commit; the price: sends in flight at the same moment do not
    // see each other, so a limit can be passed by that many.
    await q.query(`
      CREATE TABLE sms_prefix_hours (
        prefix text NOT NULL,
        hour timestamptz NOT NULL,
        shard smallint NOT NULL DEFAULT 0,
        sends integer NOT NULL,
        PRIMARY KEY (prefix, hour, shard)
      )`);
    // The new 16-argument verigate_admit_sms (../sql/functions/verigate_admit_sms.sql) is created
    // by 1764800000000-sql-functions.ts, beside the previous release's 12-argument overload, which
    // stays for gateways not yet replaced in a rolling upgrade.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION IF EXISTS verigate_admit_sms(uuid, text, text, text, text, text, text, integer, integer, integer, integer, integer, integer, text, integer, integer)`,
    );
    await q.query(`DROP TABLE IF EXISTS sms_prefix_hours`);
    // The 12-argument overload (a refusal rolls the credential back too). up() keeps it, but a
    // database migrated by an earlier build of this migration (which dropped it) lacks it: the
    // file's OR REPLACE covers both.
    await q.query(sqlFunction('verigate_admit_sms.12-args'));
  }
}
