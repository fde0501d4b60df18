-- Voice-port admission. Each query in a PL/pgSQL function takes a fresh snapshot, so after the
-- advisory lock (held to the end of the accepting transaction) the count includes every call
-- accepted before: the app's limit (1020165) and the platform's ports (1020154) hold exactly.
-- The platform check is exact only when asked (the gateway asks when few ports are left), so
-- that a busy platform with plenty of free ports does not serialise every acceptance.
CREATE OR REPLACE FUNCTION verigate_take_voice_port(app uuid, app_ports integer, check_platform boolean, stale_seconds integer) RETURNS boolean
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
END $$;
