import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SMS verification codes (docs/contract.md#sms-verification-code): one row per accepted send, its segments at the SMS centre,
 * delivery receipts. The functions that admit a send, verify a code and move a message through
 * its delivery states (../sql/functions) are each one statement for their caller, so a refusal or
 * a crash leaves nothing half done. Status changes write their notification into the outbox in
 * the same transaction (the notifier delivers it to the app's SMS status URL).
 */
export class Sms1764500000000 implements MigrationInterface {
  name = 'Sms1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps ADD COLUMN sms_status_url text`);
    await q.query(`
      CREATE TABLE sms_messages (
        id uuid PRIMARY KEY,
        app_id uuid NOT NULL REFERENCES apps(id),
        app_key text NOT NULL,
        mobile text NOT NULL,
        type text NOT NULL,
        lang text NOT NULL CHECK (lang IN ('zh','en')),
        -- HMAC-SHA256 of the code under a key derived from the master key: the code is never stored in clear
        code_hash text NOT NULL,
        -- the code sealed (AES-GCM) for the worker that sends it; wiped when the message leaves 'accepted'
        code_sealed text,
        code_expires_at timestamptz NOT NULL,
        code_state text NOT NULL DEFAULT 'active' CHECK (code_state IN ('active','used','dead','superseded')),
        verify_attempts integer NOT NULL DEFAULT 0,
        max_verify_attempts integer NOT NULL,
        verified_at timestamptz,
        status text NOT NULL DEFAULT 'accepted'
          CHECK (status IN ('accepted','submitted','delivered','undeliverable','expired','failed')),
        -- notifications written so far (the n-th status change after acceptance is notification n)
        notify_seq integer NOT NULL DEFAULT 0,
        provider text,
        segments integer,
        submit_attempts integer NOT NULL DEFAULT 0,
        -- a worker submitting the message holds it until then (another one leaves it alone); the
        -- holder renews it while it works, and only the holder (its claim's token) may release it
        submit_lease_until timestamptz,
        submit_lease_owner uuid,
        error text,
        -- the captcha session whose captchaVerification this send consumed (one send per captcha)
        captcha_token text NOT NULL UNIQUE,
        fingerprint text NOT NULL,
        client_ip text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        done_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 60)`);
    // fillfactor 60: a message is updated two or three times within seconds of its insert (claim,
    // submitted, receipt); room in its page lets those be HOT updates that touch none of the six
    // indexes. The same holds for a captcha session (attempted, passed, verified by this send).
    await q.query(`ALTER TABLE captcha_sessions SET (fillfactor = 60)`);
    // The caps count recent sends per key (rolling windows, exact under an advisory lock per key).
    await q.query(`CREATE INDEX sms_messages_mobile ON sms_messages (app_id, mobile, created_at)`);
    await q.query(`CREATE INDEX sms_messages_device ON sms_messages (app_id, fingerprint, created_at)`);
    await q.query(`CREATE INDEX sms_messages_ip ON sms_messages (app_id, client_ip, created_at)`);
    await q.query(`CREATE INDEX sms_messages_created ON sms_messages (created_at)`);
    // The sweeper's view: messages still waiting for their first submission.
    await q.query(`CREATE INDEX sms_messages_accepted ON sms_messages (code_expires_at) WHERE status = 'accepted'`);
    await q.query(`
      CREATE TABLE sms_message_parts (
        provider text NOT NULL,
        -- the SMS centre's id of the segment (submit_sm_resp message_id)
        provider_id text NOT NULL,
        message_id uuid NOT NULL REFERENCES sms_messages(id) ON DELETE CASCADE,
        part_no integer NOT NULL,
        status text NOT NULL DEFAULT 'submitted',
        done_at timestamptz,
        error_code text,
        PRIMARY KEY (provider, provider_id)
      )`);
    await q.query(`CREATE INDEX sms_message_parts_message ON sms_message_parts (message_id)`);
    // A receipt can overtake the record of its submission (the SMS centre answers submit_sm and
    // sends the receipt at once): it waits here until that record exists.
    await q.query(`
      CREATE TABLE sms_receipts (
        provider text NOT NULL,
        provider_id text NOT NULL,
        status text NOT NULL,
        done_at timestamptz,
        error_code text,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, provider_id)
      )`);

    // The development provider (VERIGATE_SMS_PROVIDER=log) keeps what it would have sent here, so
    // a developer can read the code (management API GET /admin/v1/sms/dev-inbox). The only table
    // with a code in clear, written by nothing else.
    await q.query(`
      CREATE TABLE sms_dev_inbox (
        provider_id text PRIMARY KEY,
        message_id uuid NOT NULL,
        mobile text NOT NULL,
        text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sms_dev_inbox_mobile ON sms_dev_inbox (mobile, created_at)`);
    // Its functions (verigate_admit_sms with 12 arguments, _verify_sms_code, _sms_set_status,
    // _sms_apply_receipts, _sms_submitted, _sms_receipt) are in ../sql/functions:
    // 1764800000000-sql-functions.ts creates them.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_receipt(text, text, text, timestamptz, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_submitted(uuid, text, text[], text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_apply_receipts(uuid, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_set_status(uuid, text, text[], text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_verify_sms_code(uuid, text, text, text)`);
    await q.query(
      `DROP FUNCTION IF EXISTS verigate_admit_sms(uuid, text, text, text, text, text, text, integer, integer, integer, integer, integer)`,
    );
    await q.query(`DROP TABLE IF EXISTS sms_dev_inbox`);
    await q.query(`DROP TABLE IF EXISTS sms_receipts`);
    await q.query(`DROP TABLE IF EXISTS sms_message_parts`);
    await q.query(`DROP TABLE IF EXISTS sms_messages`);
    await q.query(`ALTER TABLE captcha_sessions RESET (fillfactor)`);
    await q.query(`ALTER TABLE apps DROP COLUMN sms_status_url`);
  }
}
