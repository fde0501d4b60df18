-- The "abnormal call" rule (1013101): a callee with this many callee-side failures within the
-- window is not called. Part of the accepting statement, so it costs no extra round trip.
CREATE OR REPLACE FUNCTION verigate_check_callee(callee text, max_failures integer, window_seconds integer, failure_codes integer[]) RETURNS boolean
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
END $$;
