import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SMS verification codes (SPEC §2.2): one row per accepted send, its segments at the SMS centre,
 * delivery receipts, and the functions that admit a send, verify a code and move a message
 * through its delivery states. Each of those is one statement for its caller, so a refusal or a
 * crash leaves nothing half done. Status changes write their notification into the outbox in the
 * same transaction (the notifier delivers it to the app's SMS status URL).
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

    // Admits a send: consumes the captcha credential (by its hash), then checks the cool-down and the caps and supersedes the (mobile, type)'s
    // earlier codes. Raises VG001 with an SMS error code name to refuse; the caller's statement
    // then rolls back, so a refused send consumes neither the credential nor a cap. The advisory
    // locks (taken in key order, so two sends cannot deadlock) make each count exact: a send
    // counts the sends committed before it (each statement of a function takes a fresh snapshot,
    // after the locks). Returns the consumed captcha session's token.
    await q.query(`
      CREATE FUNCTION verigate_admit_sms(app uuid, the_app_key text, the_mobile text, the_type text, the_fingerprint text, the_ip text,
                                         credential_hash text, cooldown_seconds integer, per_mobile_hour integer,
                                         per_mobile_day integer, per_device_hour integer, per_ip_hour integer)
        RETURNS TABLE (captcha_token text, admitted_at timestamptz)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        consumed text;
        at timestamptz;
        too_soon boolean;
        in_hour integer;
        in_day integer;
        by_device integer;
        by_ip integer;
      BEGIN
        UPDATE captcha_sessions c SET state = 'verified'
         WHERE c.verification_hash = credential_hash AND c.app_key = the_app_key AND c.state = 'passed' AND c.verification_expires_at > now()
         RETURNING c.token INTO consumed;
        IF consumed IS NULL THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'CAPTCHA_TOKEN_INVALID';
        END IF;
        PERFORM pg_advisory_xact_lock(k) FROM (SELECT k FROM unnest(ARRAY[
            hashtextextended('verigate.sms-mobile:' || app::text || ':' || the_mobile, 0),
            hashtextextended('verigate.sms-device:' || app::text || ':' || the_fingerprint, 0),
            hashtextextended('verigate.sms-ip:' || app::text || ':' || the_ip, 0)]) AS k ORDER BY k) ordered;
        -- The send's time is taken now, after the locks, not at the transaction's start: a send
        -- that waited for a lock is then later than the one it waited for, so windows count right
        -- and "the newest code" of a (mobile, type) is the one admitted last.
        at := clock_timestamp();
        -- The mobile's sends of the last day, newest first, at most the day's cap: the cool-down,
        -- the hour's and the day's counts in one index scan (the hour's sends are the newest ones).
        SELECT COALESCE(bool_or(r.type = the_type AND r.created_at > at - cooldown_seconds * interval '1 second'), false),
               count(*) FILTER (WHERE r.created_at > at - interval '1 hour'), count(*)
          INTO too_soon, in_hour, in_day
          FROM (SELECT m.created_at, m.type FROM sms_messages m WHERE m.app_id = app AND m.mobile = the_mobile
                   AND m.created_at > at - interval '1 day' ORDER BY m.created_at DESC LIMIT per_mobile_day) r;
        IF too_soon THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'RESEND_TOO_SOON';
        END IF;
        IF in_hour >= per_mobile_hour THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'MOBILE_HOURLY_LIMIT';
        END IF;
        IF in_day >= per_mobile_day THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'MOBILE_DAILY_LIMIT';
        END IF;
        SELECT (SELECT count(*) FROM (SELECT 1 FROM sms_messages m WHERE m.app_id = app AND m.fingerprint = the_fingerprint
                  AND m.created_at > at - interval '1 hour' LIMIT per_device_hour) d),
               (SELECT count(*) FROM (SELECT 1 FROM sms_messages m WHERE m.app_id = app AND m.client_ip = the_ip
                  AND m.created_at > at - interval '1 hour' LIMIT per_ip_hour) i)
          INTO by_device, by_ip;
        IF by_device >= per_device_hour THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'DEVICE_LIMIT';
        END IF;
        IF by_ip >= per_ip_hour THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'IP_LIMIT';
        END IF;
        -- Only the newest code of a (mobile, type) can be verified.
        UPDATE sms_messages m SET code_state = 'superseded', updated_at = at
         WHERE m.app_id = app AND m.mobile = the_mobile AND m.type = the_type AND m.code_state = 'active';
        RETURN QUERY SELECT consumed, at;
      END $$`);

    // Verifies a code against the newest one sent to (mobile, type): 'OK' once, else the SMS
    // error code name. The newest is the one admitted last (created_at is the admission time). A wrong code counts an attempt; the last allowed wrong attempt kills the code.
    await q.query(`
      CREATE FUNCTION verigate_verify_sms_code(app uuid, the_mobile text, the_type text, candidate_hash text) RETURNS text
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        m record;
      BEGIN
        SELECT id, code_hash, code_state, code_expires_at, verify_attempts, max_verify_attempts INTO m
          FROM sms_messages WHERE app_id = app AND mobile = the_mobile AND type = the_type
         ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE;
        -- Only the right code learns the code's state: any other answer is CODE_WRONG, whether
        -- there is a code at all, it expired, was used or is dead — verify must not tell who
        -- asked for a code. A wrong guess at a live code counts; the last allowed one kills it.
        IF NOT FOUND OR m.code_state = 'superseded' THEN RETURN 'CODE_WRONG'; END IF;
        IF m.code_hash <> candidate_hash THEN
          IF m.code_state = 'active' AND m.code_expires_at > now() THEN
            UPDATE sms_messages SET verify_attempts = verify_attempts + 1, updated_at = now(),
                   code_state = CASE WHEN verify_attempts + 1 >= max_verify_attempts THEN 'dead' ELSE code_state END
             WHERE id = m.id;
          END IF;
          RETURN 'CODE_WRONG';
        END IF;
        IF m.code_state = 'used' THEN RETURN 'CODE_USED'; END IF;
        IF m.code_state = 'dead' THEN RETURN 'CODE_ATTEMPTS_EXCEEDED'; END IF;
        IF m.code_expires_at <= now() THEN RETURN 'CODE_EXPIRED'; END IF;
        UPDATE sms_messages SET code_state = 'used', verified_at = now(), updated_at = now() WHERE id = m.id;
        RETURN 'OK';
      END $$`);

    // Moves a message to a new delivery status if it is in one of from_statuses, and writes the
    // notification of the change into the outbox when the app has an SMS status URL. Returns the
    // outbox rows (none if it did not move or nobody is to be told).
    await q.query(`
      CREATE FUNCTION verigate_sms_set_status(msg uuid, new_status text, from_statuses text[], reason text, events_exchange text)
        RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RETURN QUERY
        WITH moved AS (
          -- Notifications are numbered among those written: an app without an SMS status URL
          -- gets none (nothing to publish), and one that sets a URL later starts at 1.
          UPDATE sms_messages m SET status = new_status,
                 notify_seq = m.notify_seq + CASE WHEN a.sms_status_url IS NULL THEN 0 ELSE 1 END,
                 error = COALESCE(reason, m.error), code_sealed = NULL, submit_lease_until = NULL, updated_at = now(),
                 submitted_at = CASE WHEN new_status = 'submitted' THEN now() ELSE m.submitted_at END,
                 done_at = CASE WHEN new_status IN ('delivered','undeliverable','expired','failed') THEN now() ELSE m.done_at END
            FROM apps a
           WHERE m.id = msg AND a.id = m.app_id AND m.status = ANY(from_statuses)
          RETURNING m.*, a.sms_status_url AS status_url
        )
        INSERT INTO outbox AS o (exchange, routing_key, message_id, payload)
        SELECT events_exchange, 'sms.' || moved.status, moved.id::text || ':' || moved.notify_seq,
               json_build_object(
                 'eventId', moved.id::text || ':' || moved.notify_seq,
                 'sessionId', moved.id::text,
                 'appKey', moved.app_key,
                 'seq', moved.notify_seq,
                 'statusUrl', moved.status_url,
                 'body', json_build_object('eventType', 'smsStatus', 'statusInfo', json_build_object(
                   'messageId', moved.id::text, 'mobile', moved.mobile, 'type', moved.type, 'status', moved.status,
                   'segments', moved.segments, 'error', moved.error,
                   'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))))
          FROM moved WHERE moved.status_url IS NOT NULL
        RETURNING o.id, o.exchange, o.routing_key, o.message_id, o.payload;
      END $$`);

    // Applies the receipts received for a submitted message's segments and derives its status:
    // any segment undeliverable / expired / failed decides; all segments delivered → delivered.
    // The message row is locked first, so receipts of two segments handled at once by two
    // workers see each other's effect.
    await q.query(`
      CREATE FUNCTION verigate_sms_apply_receipts(msg uuid, events_exchange text)
        RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        created timestamptz;
        verdict text;
        verdict_error text;
      BEGIN
        SELECT m.created_at INTO created FROM sms_messages m WHERE m.id = msg FOR UPDATE;
        -- A receipt older than the message belongs to an earlier use of a recycled SMSC id.
        UPDATE sms_message_parts p SET status = r.status, done_at = r.done_at, error_code = r.error_code
          FROM sms_receipts r
         WHERE p.message_id = msg AND r.provider = p.provider AND r.provider_id = p.provider_id AND r.received_at >= created;
        DELETE FROM sms_receipts r USING sms_message_parts p
         WHERE p.message_id = msg AND r.provider = p.provider AND r.provider_id = p.provider_id;
        SELECT p.status, p.error_code INTO verdict, verdict_error FROM sms_message_parts p
         WHERE p.message_id = msg AND p.status IN ('undeliverable','expired','failed') ORDER BY p.part_no LIMIT 1;
        IF verdict IS NULL AND NOT EXISTS (SELECT 1 FROM sms_message_parts p WHERE p.message_id = msg AND p.status <> 'delivered')
           AND EXISTS (SELECT 1 FROM sms_message_parts p WHERE p.message_id = msg) THEN
          verdict := 'delivered';
        END IF;
        IF verdict IS NULL THEN RETURN; END IF;
        RETURN QUERY SELECT * FROM verigate_sms_set_status(msg, verdict, ARRAY['submitted'],
          CASE WHEN verdict_error IS NULL THEN NULL ELSE 'receipt error ' || verdict_error END, events_exchange);
      END $$`);

    // Records a submission: the segments' ids, then the status 'submitted', then any receipt
    // that arrived first. A receipt recorded at the same moment must see either the segments or
    // be seen by them: without a lock, a receipt committed between this function's reading of
    // sms_receipts and its own commit would find no segment yet and wait in sms_receipts for
    // ever. So this and verigate_sms_receipt lock each segment id (advisory, in id order: two
    // submissions sharing a recycled id cannot deadlock) until commit.
    await q.query(`
      CREATE FUNCTION verigate_sms_submitted(msg uuid, the_provider text, provider_ids text[], events_exchange text)
        RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        lock_key bigint;
      BEGIN
        FOR lock_key IN SELECT k FROM unnest(provider_ids) AS t(pid),
            LATERAL (SELECT hashtextextended('verigate.sms-part:' || the_provider || ':' || t.pid, 0) AS k) h ORDER BY k LOOP
          PERFORM pg_advisory_xact_lock(lock_key);
        END LOOP;
        -- An SMSC may recycle ids: the newest message owns an id.
        INSERT INTO sms_message_parts AS p (provider, provider_id, message_id, part_no)
        -- An SMSC that answers two segments with one id gets one row (the first segment's).
        SELECT DISTINCT ON (t.pid) the_provider, t.pid, msg, t.ord FROM unnest(provider_ids) WITH ORDINALITY AS t(pid, ord)
         ORDER BY t.pid, t.ord
        ON CONFLICT (provider, provider_id) DO UPDATE SET message_id = EXCLUDED.message_id, part_no = EXCLUDED.part_no,
               status = 'submitted', done_at = NULL, error_code = NULL;
        UPDATE sms_messages m SET provider = the_provider, segments = cardinality(provider_ids) WHERE m.id = msg AND m.status = 'accepted';
        RETURN QUERY SELECT * FROM verigate_sms_set_status(msg, 'submitted', ARRAY['accepted'], NULL, events_exchange);
        -- Receipts that overtook this record (rare): applied now.
        IF EXISTS (SELECT 1 FROM sms_receipts r WHERE r.provider = the_provider AND r.provider_id = ANY(provider_ids)) THEN
          RETURN QUERY SELECT * FROM verigate_sms_apply_receipts(msg, events_exchange);
        END IF;
      END $$`);

    // Records a delivery receipt and applies it if its submission is already recorded.
    await q.query(`
      CREATE FUNCTION verigate_sms_receipt(the_provider text, the_provider_id text, the_status text, the_done_at timestamptz,
                                           the_error_code text, events_exchange text)
        RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        msg uuid;
      BEGIN
        -- Waits for a submission of this id being recorded (see verigate_sms_submitted).
        PERFORM pg_advisory_xact_lock(hashtextextended('verigate.sms-part:' || the_provider || ':' || the_provider_id, 0));
        INSERT INTO sms_receipts AS r (provider, provider_id, status, done_at, error_code)
        VALUES (the_provider, the_provider_id, the_status, the_done_at, the_error_code)
        ON CONFLICT (provider, provider_id) DO UPDATE SET status = EXCLUDED.status, done_at = EXCLUDED.done_at,
               error_code = EXCLUDED.error_code, received_at = now();
        SELECT p.message_id INTO msg FROM sms_message_parts p WHERE p.provider = the_provider AND p.provider_id = the_provider_id;
        IF msg IS NULL THEN RETURN; END IF;
        RETURN QUERY SELECT * FROM verigate_sms_apply_receipts(msg, events_exchange);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_receipt(text, text, text, timestamptz, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_submitted(uuid, text, text[], text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_apply_receipts(uuid, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_sms_set_status(uuid, text, text[], text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_verify_sms_code(uuid, text, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS verigate_admit_sms(uuid, text, text, text, text, text, text, integer, integer, integer, integer, integer)`);
    await q.query(`DROP TABLE IF EXISTS sms_dev_inbox`);
    await q.query(`DROP TABLE IF EXISTS sms_receipts`);
    await q.query(`DROP TABLE IF EXISTS sms_message_parts`);
    await q.query(`DROP TABLE IF EXISTS sms_messages`);
    await q.query(`ALTER TABLE captcha_sessions RESET (fillfactor)`);
    await q.query(`ALTER TABLE apps DROP COLUMN sms_status_url`);
  }
}
