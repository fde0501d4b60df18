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
    await q.query(`ALTER TABLE app_numbers ADD CONSTRAINT app_numbers_status_check CHECK (status IN ('normal','suspended','revoked'))`);
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

    // The start of the fixed window (UTC-aligned) that now falls in.
    await q.query(`
      CREATE FUNCTION verigate_window_start(window_seconds integer) RETURNS timestamptz
      LANGUAGE sql STABLE AS $$ SELECT to_timestamp(floor(extract(epoch FROM now()) / window_seconds) * window_seconds) $$`);

    // Takes one unit of each counter, or none: a counter at its limit raises SQLSTATE VG001 with
    // the result code's name (ResultCodes) as the message, which rolls back the whole statement (earlier counters and
    // whatever the calling statement inserted). ON CONFLICT DO UPDATE locks the row and re-reads
    // its latest committed count, so concurrent callers never exceed a limit. Callers pass keys in
    // a fixed order so that two statements never wait on each other's rows (no deadlock).
    await q.query(`
      CREATE FUNCTION verigate_take_counters(keys text[], limits integer[], windows integer[], refusals text[]) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        i integer;
        started timestamptz;
        taken integer;
      BEGIN
        FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
          started := verigate_window_start(windows[i]);
          INSERT INTO rate_counters AS c (key, window_start, count, expires_at)
            VALUES (keys[i], started, 1, started + windows[i] * interval '1 second')
            ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1 WHERE c.count < limits[i]
            RETURNING c.count INTO taken;
          IF taken IS NULL OR taken > limits[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = refusals[i];
          END IF;
        END LOOP;
        RETURN true;
      END $$`);

    // Voice-port admission. Each query in a PL/pgSQL function takes a fresh snapshot, so after the
    // advisory lock (held to the end of the accepting transaction) the count includes every call
    // accepted before: the app's limit (1020165) and the platform's ports (1020154) hold exactly.
    // The platform check is exact only when asked (the gateway asks when few ports are left), so
    // that a busy platform with plenty of free ports does not serialise every acceptance.
    await q.query(`
      CREATE FUNCTION verigate_take_voice_port(app uuid, app_ports integer, check_platform boolean, stale_seconds integer) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        busy integer;
        total integer;
      BEGIN
        IF app_ports IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('verigate.app-ports:' || app::text, 0));
          SELECT count(*) INTO busy FROM call_sessions WHERE app_id = app AND state <> 'ended';
          IF busy >= app_ports THEN
            RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'APP_PORT_LIMIT';
          END IF;
        END IF;
        IF check_platform THEN
          PERFORM pg_advisory_xact_lock(hashtextextended('verigate.platform-ports', 0));
          SELECT COALESCE(sum(ports), 0) INTO total FROM voice_workers WHERE heartbeat_at > now() - stale_seconds * interval '1 second';
          SELECT count(*) INTO busy FROM call_sessions WHERE state <> 'ended';
          IF busy >= total THEN
            RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'INSUFFICIENT_VOICE_PORTS';
          END IF;
        END IF;
        RETURN true;
      END $$`);

    // The "abnormal call" rule (1013101): a callee with this many callee-side failures within the
    // window is not called. Part of the accepting statement, so it costs no extra round trip.
    await q.query(`
      CREATE FUNCTION verigate_check_callee(callee text, max_failures integer, window_seconds integer, failure_codes integer[]) RETURNS boolean
      LANGUAGE plpgsql STABLE AS $$
      DECLARE
        failures integer;
      BEGIN
        IF max_failures = 0 THEN
          RETURN true;
        END IF;
        SELECT count(*) INTO failures FROM (
          SELECT 1 FROM cdrs
           WHERE callee_num = callee AND call_start > now() - window_seconds * interval '1 second' AND state_code = ANY(failure_codes)
           LIMIT max_failures) recent;
        IF failures >= max_failures THEN
          RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'ABNORMAL_CALL';
        END IF;
        RETURN true;
      END $$`);

    // Counts an authentication failure of an address and bans it (1020176) at the threshold.
    await q.query(`
      CREATE FUNCTION verigate_auth_failure(address inet, threshold integer, window_seconds integer, ban_seconds integer) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        started timestamptz := verigate_window_start(window_seconds);
        failures integer;
      BEGIN
        INSERT INTO rate_counters AS c (key, window_start, count, expires_at)
          VALUES ('auth-failure:' || host(address), started, 1, started + window_seconds * interval '1 second')
          ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1
          RETURNING c.count INTO failures;
        IF failures >= threshold THEN
          INSERT INTO ip_bans (ip, banned_until, reason)
            VALUES (address, now() + ban_seconds * interval '1 second', failures || ' authentication failures')
            ON CONFLICT (ip) DO UPDATE SET banned_until = EXCLUDED.banned_until, reason = EXCLUDED.reason;
          RETURN true;
        END IF;
        RETURN false;
      END $$`);
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
    await q.query(`ALTER TABLE app_numbers ADD CONSTRAINT app_numbers_status_check CHECK (status IN ('normal','suspended'))`);
    await q.query(`ALTER TABLE apps DROP COLUMN limits, DROP COLUMN stage, DROP COLUMN enterprise_id, DROP COLUMN international`);
    await q.query(`DROP TABLE IF EXISTS enterprises`);
  }
}
