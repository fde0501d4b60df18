-- Takes one unit of each counter, or none: a counter at its limit raises SQLSTATE VG001 with
-- the result code's name (ResultCodes) as the message, which rolls back the whole statement (earlier counters and
-- whatever the calling statement inserted). ON CONFLICT DO UPDATE locks the row and re-reads
-- its latest committed count, so concurrent callers never exceed a limit. Callers pass keys in
-- a fixed order so that two statements never wait on each other's rows (no deadlock).
CREATE OR REPLACE FUNCTION verigate_take_counters(keys text[], limits integer[], windows integer[], refusals text[]) RETURNS boolean
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
END $$;
