import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunctions, type SqlFunctionFile } from '../sql/sql-functions.js';

/** The functions of the verification API (../sql/functions), in the order they are applied. */
export const VERIFICATION_FUNCTIONS: readonly SqlFunctionFile[] = [
  'verigate_verification_event',
  'verigate_verification_call',
  'verigate_accept_verification',
  'verigate_check_verification',
  'verigate_resend_verification',
  'verigate_sweep_verifications',
];

/**
 * The verification API (docs/verifications.md): one row per verification, holding only the keyed
 * hash of its code (and the code sealed for a later call until the verification is over); its SMS
 * leg is an sms_messages row and its call leg a call_sessions row, sent by the existing workers.
 * The fraud guard's sliding window (sends and approvals per destination prefix and minute) and the
 * prefixes it blocked. Every state change writes its webhook event into the outbox in the same
 * statement (verigate_verification_event).
 */
export class Verifications1764900000000 implements MigrationInterface {
  name = 'Verifications1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps ADD COLUMN verification_status_url text`);
    await q.query(`
      CREATE TABLE verifications (
        id uuid PRIMARY KEY,
        app_id uuid NOT NULL REFERENCES apps(id),
        app_key text NOT NULL,
        -- E.164, as the request gave it
        destination text NOT NULL,
        requested_channel text NOT NULL CHECK (requested_channel IN ('sms','call','auto')),
        -- the channel the code went out on last
        channel text NOT NULL CHECK (channel IN ('sms','call')),
        locale text NOT NULL CHECK (locale IN ('en','zh')),
        -- HMAC-SHA256 of (app, verification, code) under a key derived from the master key
        code_hash text NOT NULL,
        -- the code sealed (AES-GCM) for a later call (fallback or resend); wiped when the verification is over
        code_sealed text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','expired','failed')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        resends integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        -- the app's number a call shows; null when the app has none (no call possible)
        display_nbr text,
        -- the fraud guard's prefix of the destination; null when the guard is off
        prefix text,
        sms_message_id uuid,
        call_session_id text,
        -- auto: the fallback call is due then unless a delivered receipt came first; null = none pending
        fallback_due_at timestamptz,
        reason text,
        notify_seq integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 70)`);
    // The sweeper's views: fallbacks waiting, verifications still pending.
    await q.query(
      `CREATE INDEX verifications_fallback_due ON verifications (fallback_due_at) WHERE fallback_due_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX verifications_pending ON verifications (expires_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX verifications_app_created ON verifications (app_key, created_at)`);
    await q.query(`
      CREATE TABLE verification_prefix_minutes (
        prefix text NOT NULL,
        minute timestamptz NOT NULL,
        sends integer NOT NULL DEFAULT 0,
        approvals integer NOT NULL DEFAULT 0,
        PRIMARY KEY (prefix, minute)
      )`);
    await q.query(`
      CREATE TABLE verification_prefix_blocks (
        prefix text PRIMARY KEY,
        blocked_at timestamptz NOT NULL,
        sends integer NOT NULL,
        approvals integer NOT NULL,
        reason text NOT NULL,
        lifted_at timestamptz,
        lifted_by text
      )`);
    await applySqlFunctions(q, VERIFICATION_FUNCTIONS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS verigate_sweep_verifications(integer, integer, text, text)`);
    await q.query(
      `DROP FUNCTION IF EXISTS verigate_resend_verification(uuid, uuid, text, text, integer, integer, text, text, jsonb, text, text, timestamptz)`,
    );
    await q.query(
      `DROP FUNCTION IF EXISTS verigate_check_verification(uuid, uuid, text, text, text, text, timestamptz)`,
    );
    await q.query(
      `DROP FUNCTION IF EXISTS verigate_accept_verification(uuid, uuid, text, text, timestamptz, text, text, text, text, text, text, text, integer, integer, text, integer, text, text, text, integer, integer, double precision, integer, text, text, jsonb)`,
    );
    await q.query(`DROP FUNCTION IF EXISTS verigate_verification_call(uuid, text, integer, text, text, jsonb)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_verification_event(uuid, text, text, text)`);
    await q.query(`DROP TABLE IF EXISTS verification_prefix_blocks`);
    await q.query(`DROP TABLE IF EXISTS verification_prefix_minutes`);
    await q.query(`DROP TABLE IF EXISTS verifications`);
    await q.query(`ALTER TABLE apps DROP COLUMN verification_status_url`);
  }
}
