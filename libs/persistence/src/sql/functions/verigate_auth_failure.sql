-- Counts an authentication failure of an address and bans it (1020176) at the threshold.
CREATE OR REPLACE FUNCTION verigate_auth_failure(address inet, threshold integer, window_seconds integer, ban_seconds integer) RETURNS boolean
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
END $$;
