-- Verifies a code against the newest one sent to (mobile, type): 'OK' once, else the SMS
-- error code name. The newest is the one admitted last (created_at is the admission time). A wrong code counts an attempt; the last allowed wrong attempt kills the code.
CREATE OR REPLACE FUNCTION verigate_verify_sms_code(app uuid, the_mobile text, the_type text, candidate_hash text) RETURNS text
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
END $$;
