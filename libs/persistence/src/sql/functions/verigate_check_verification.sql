-- Checks a code against a verification of the app: 'approved' once for the right code while the
-- verification is pending and unexpired; 'denied' for anything else — a wrong code, no such
-- verification, one of another app, expired, approved already or failed — so the answer tells
-- nothing but "this code is right now". A wrong code at a pending verification counts; the last
-- allowed one fails it (`verification.failed`). An approval counts for its destination prefix in
-- the minute the verification was sent (the fraud guard's approval rate), wipes the sealed code
-- and ends any fallback wait (`verification.approved`). The request's nonce is recorded first (a
-- replayed request violates its key). Returns the outcome with the outbox rows.
CREATE OR REPLACE FUNCTION verigate_check_verification(the_verification uuid, app uuid, candidate_hash text, events_exchange text,
    the_app_key text, nonce_value text, nonce_expires_at timestamptz)
  RETURNS TABLE (outcome text, o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v record;
BEGIN
  -- The request's AKSK nonce first: a replayed check violates its key and changes nothing.
  INSERT INTO auth_nonces (app_key, nonce, expires_at) VALUES (the_app_key, nonce_value, nonce_expires_at);
  SELECT id, code_hash, status, expires_at, attempts, max_attempts, prefix, created_at INTO v
    FROM verifications WHERE id = the_verification AND app_id = app FOR UPDATE;
  IF NOT FOUND OR v.status <> 'pending' OR v.expires_at <= now() THEN
    RETURN QUERY SELECT 'denied'::text, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::json, NULL::jsonb;
    RETURN;
  END IF;
  IF v.code_hash <> candidate_hash THEN
    IF v.attempts + 1 >= v.max_attempts THEN
      UPDATE verifications SET attempts = attempts + 1, status = 'failed', code_sealed = NULL, fallback_due_at = NULL,
             reason = 'too many wrong codes', done_at = now(), updated_at = now() WHERE id = v.id;
      RETURN QUERY SELECT 'denied'::text, e.* FROM verigate_verification_event(v.id, 'verification.failed',
        'too many wrong codes', events_exchange) e;
    ELSE
      UPDATE verifications SET attempts = attempts + 1, updated_at = now() WHERE id = v.id;
    END IF;
    RETURN QUERY SELECT 'denied'::text, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::json, NULL::jsonb;
    RETURN;
  END IF;
  UPDATE verifications SET status = 'approved', code_sealed = NULL, fallback_due_at = NULL, done_at = now(),
         updated_at = now() WHERE id = v.id;
  IF v.prefix IS NOT NULL THEN
    INSERT INTO verification_prefix_minutes AS s (prefix, minute, approvals)
    VALUES (v.prefix, date_trunc('minute', v.created_at), 1)
    ON CONFLICT (prefix, minute) DO UPDATE SET approvals = s.approvals + 1;
  END IF;
  RETURN QUERY SELECT 'approved'::text, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::json, NULL::jsonb;
  RETURN QUERY SELECT 'approved'::text, e.* FROM verigate_verification_event(v.id, 'verification.approved', NULL, events_exchange) e;
END $$;
