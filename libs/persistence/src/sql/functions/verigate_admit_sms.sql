-- Admits a send. First consumes the captcha credential (by its hash): an unknown, used or
-- expired one raises VG001 CAPTCHA_TOKEN_INVALID (the caller's statement rolls back). Then,
-- inside a sub-transaction, the cool-down, the caps, the app's daily budget and the prefix's
-- velocity: a refusal there rolls back the sub-transaction only and is returned in `refusal`,
-- so the credential stays consumed and nothing else is kept. Any other error fails the whole
-- statement: a platform fault consumes nothing. The advisory locks (taken in key order, so two
-- sends cannot deadlock) make each cap exact: a send counts the sends committed before it
-- (each statement of a function takes a fresh snapshot, after the locks). The app's budget
-- and the prefix's velocity are sharded counters (see sms_prefix_hours; the budget's shards
-- are rate_counters rows `sms-app-day:<app>:<0-15>`): nearly exact, passed at most by the
-- sends in flight at once, and one busy app or prefix does not serialise its sends. Returns the
-- consumed captcha session's token, the admission time and the refusal (null when admitted).
CREATE OR REPLACE FUNCTION verigate_admit_sms(app uuid, the_app_key text, the_mobile text, the_type text, the_fingerprint text, the_ip text,
    credential_hash text, cooldown_seconds integer, per_mobile_hour integer,
    per_mobile_day integer, per_device_hour integer, per_ip_hour integer,
    per_app_day integer, velocity_prefix text, velocity_multiple integer, velocity_floor integer)
  RETURNS TABLE (captcha_token text, admitted_at timestamptz, refusal text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  consumed text;
  at timestamptz;
  too_soon boolean;
  in_hour integer;
  in_day integer;
  by_device integer;
  by_ip integer;
  day_start timestamptz;
  hour_start timestamptz;
  usual integer;
  used integer;
  the_shard integer := floor(random() * 16)::integer;
  refused text;
BEGIN
  UPDATE captcha_sessions c SET state = 'verified'
   WHERE c.verification_hash = credential_hash AND c.app_key = the_app_key AND c.state = 'passed' AND c.verification_expires_at > now()
   RETURNING c.token INTO consumed;
  IF consumed IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'CAPTCHA_TOKEN_INVALID';
  END IF;
  BEGIN
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
    -- The app's budget for the UTC day.
    day_start := verigate_window_start(86400);
    SELECT COALESCE(sum(c.count), 0) INTO used FROM rate_counters c
     WHERE c.key IN (SELECT 'sms-app-day:' || app::text || ':' || n FROM generate_series(0, 15) AS n) AND c.window_start = day_start;
    IF used >= per_app_day THEN
      RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'DAILY_BUDGET_EXHAUSTED';
    END IF;
    INSERT INTO rate_counters AS c (key, window_start, count, expires_at)
      VALUES ('sms-app-day:' || app::text || ':' || the_shard, day_start, 1, day_start + interval '1 day')
      ON CONFLICT (key, window_start) DO UPDATE SET count = c.count + 1;
    -- Velocity: this UTC hour's sends to the prefix, at most max(floor, multiple × usual),
    -- usual = its average sends per hour over the 168 hours before this one.
    IF velocity_prefix IS NOT NULL THEN
      hour_start := verigate_window_start(3600);
      SELECT COALESCE(sum(h.sends) FILTER (WHERE h.hour < hour_start), 0), COALESCE(sum(h.sends) FILTER (WHERE h.hour = hour_start), 0)
        INTO usual, used FROM sms_prefix_hours h
       WHERE h.prefix = velocity_prefix AND h.hour >= hour_start - interval '168 hours';
      IF used >= GREATEST(velocity_floor, ceil(velocity_multiple * usual / 168.0)::integer) THEN
        RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'PREFIX_VELOCITY_LIMIT';
      END IF;
      DELETE FROM sms_prefix_hours h WHERE h.prefix = velocity_prefix AND h.hour < hour_start - interval '8 days';
      INSERT INTO sms_prefix_hours AS h (prefix, hour, shard, sends) VALUES (velocity_prefix, hour_start, the_shard, 1)
        ON CONFLICT (prefix, hour, shard) DO UPDATE SET sends = h.sends + 1;
    END IF;
    -- Only the newest code of a (mobile, type) can be verified.
    UPDATE sms_messages m SET code_state = 'superseded', updated_at = at
     WHERE m.app_id = app AND m.mobile = the_mobile AND m.type = the_type AND m.code_state = 'active';
  EXCEPTION WHEN SQLSTATE 'VG001' THEN
    refused := SQLERRM;
  END;
  RETURN QUERY SELECT consumed, at, refused;
END $$;
