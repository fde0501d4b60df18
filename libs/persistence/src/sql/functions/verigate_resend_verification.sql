-- A person asks for the code again on `the_channel` ('sms' or 'call'), at most max_resends times:
-- the same code, by a new SMS (an sms_messages row and its command) or by a call
-- (verigate_verification_call, with the `verification.fallback` event). Refused with VG001
-- VERIFICATION_NOT_PENDING unless the verification is the app's, pending and unexpired, and with
-- VG001 SERVICE_NUMBER_NOT_APPLIED for a call when the app has no display number. Each resend
-- counts as a send of the destination's prefix (the fraud guard; a blocked prefix is refused with
-- VG001 VERIFICATION_PREFIX_BLOCKED). Returns the outbox rows.
CREATE OR REPLACE FUNCTION verigate_resend_verification(the_verification uuid, app uuid, the_channel text, sms_mobile text,
    max_resends integer, call_times integer, commands_exchange text, events_exchange text, the_headers jsonb,
    the_app_key text, nonce_value text, nonce_expires_at timestamptz)
  RETURNS TABLE (o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v record;
  sms_id uuid := gen_random_uuid();
  at timestamptz := clock_timestamp();
BEGIN
  -- The request's AKSK nonce first: a replayed resend violates its key and changes nothing.
  INSERT INTO auth_nonces (app_key, nonce, expires_at) VALUES (the_app_key, nonce_value, nonce_expires_at);
  SELECT * INTO v FROM verifications WHERE id = the_verification AND app_id = app FOR UPDATE;
  IF NOT FOUND OR v.status <> 'pending' OR v.expires_at <= now() OR v.code_sealed IS NULL OR v.resends >= max_resends THEN
    RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'VERIFICATION_NOT_PENDING';
  END IF;
  IF the_channel = 'call' AND v.display_nbr IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'SERVICE_NUMBER_NOT_APPLIED';
  END IF;
  IF v.prefix IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM verification_prefix_blocks b WHERE b.prefix = v.prefix AND b.lifted_at IS NULL) THEN
      RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'VERIFICATION_PREFIX_BLOCKED';
    END IF;
    INSERT INTO verification_prefix_minutes AS s (prefix, minute, sends) VALUES (v.prefix, date_trunc('minute', at), 1)
    ON CONFLICT (prefix, minute) DO UPDATE SET sends = s.sends + 1;
  END IF;
  UPDATE verifications SET resends = resends + 1, updated_at = now() WHERE id = v.id;
  IF the_channel = 'call' THEN
    RETURN QUERY SELECT * FROM verigate_verification_call(v.id, 'a call was asked for', call_times, commands_exchange,
      events_exchange, the_headers);
    RETURN;
  END IF;
  INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at,
                            code_state, max_verify_attempts, captcha_token, fingerprint, client_ip, created_at, updated_at)
  VALUES (sms_id, v.app_id, v.app_key, sms_mobile, 'OTP_REST_SMS', v.locale, v.code_hash, v.code_sealed, v.expires_at,
          'used', 0, 'verification:' || v.id::text || ':' || (v.resends + 1)::text, 'verification-api', 'resend', at, at);
  UPDATE verifications SET channel = 'sms', sms_message_id = sms_id WHERE id = v.id;
  RETURN QUERY
    INSERT INTO outbox AS o (exchange, routing_key, message_id, payload, headers)
    VALUES (commands_exchange, 'sms.send', sms_id::text, json_build_object('messageId', sms_id::text), the_headers)
    RETURNING o.id, o.exchange, o.routing_key, o.message_id, o.payload, o.headers;
END $$;
