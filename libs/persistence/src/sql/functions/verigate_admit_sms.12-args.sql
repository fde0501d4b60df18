-- The 12-argument overload of verigate_admit_sms, as migration 1764500000000-sms created it (a
-- refusal rolls the credential back too). It stays beside the 16-argument one of
-- verigate_admit_sms.sql: gateways of the release before 1764700000300-sms-pumping, not yet
-- replaced in a rolling upgrade, still call it (migrations are additive, docs/operations.md). A
-- later release's migration drops it, once no such gateway can be running.
--
-- Admits a send: consumes the captcha credential (by its hash), then checks the cool-down and the caps and supersedes the (mobile, type)'s
-- earlier codes. Raises VG001 with an SMS error code name to refuse; the caller's statement
-- then rolls back, so a refused send consumes neither the credential nor a cap. The advisory
-- locks (taken in key order, so two sends cannot deadlock) make each count exact: a send
-- counts the sends committed before it (each statement of a function takes a fresh snapshot,
-- after the locks). Returns the consumed captcha session's token.
CREATE OR REPLACE FUNCTION verigate_admit_sms(app uuid, the_app_key text, the_mobile text, the_type text, the_fingerprint text, the_ip text,
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
END $$;
