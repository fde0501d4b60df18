-- Speaks a pending verification's code by a call: a call_sessions row (the app's display number,
-- the built-in spoken digits in the verification's locale, no tone: pre_tone '') with the sealed
-- code, its place-call command and, when the call is a fallback (the_reason given: why), the
-- `verification.fallback` event, all in the caller's
-- statement. The verification stops waiting for a fallback whatever happens, so it is called at
-- most once per due fallback (callers hold the row's lock). A verification that is over, has no
-- sealed code or no display number gets no call (the last: `verification.failed` when nothing
-- else can deliver its code). Returns the outbox rows.
CREATE OR REPLACE FUNCTION verigate_verification_call(the_verification uuid, the_reason text, call_times integer,
    commands_exchange text, events_exchange text, the_headers jsonb)
  RETURNS TABLE (o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v record;
  session text := gen_random_uuid()::text;
BEGIN
  UPDATE verifications SET fallback_due_at = NULL, updated_at = now() WHERE id = the_verification
  RETURNING id, app_id, app_key, destination, locale, code_sealed, display_nbr, status, expires_at INTO v;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF v.status <> 'pending' OR v.expires_at <= now() OR v.code_sealed IS NULL THEN
    RETURN;
  END IF;
  IF v.display_nbr IS NULL THEN
    UPDATE verifications SET status = 'failed', code_sealed = NULL, done_at = now(),
           reason = 'no display number to call from' WHERE id = the_verification;
    RETURN QUERY SELECT * FROM verigate_verification_event(the_verification, 'verification.failed',
      'no display number to call from', events_exchange);
    RETURN;
  END IF;
  INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type,
                             pre_tone, pos_tone, verify_code_sealed, times, status_url, fee_url, user_data)
  VALUES (session, v.app_id, v.app_key, v.display_nbr, v.display_nbr, v.destination,
          CASE v.locale WHEN 'en' THEN 1 ELSE 2 END, '', NULL, v.code_sealed, call_times, NULL, NULL, NULL);
  UPDATE verifications SET channel = 'call', call_session_id = session, reason = the_reason WHERE id = the_verification;
  RETURN QUERY
    INSERT INTO outbox AS o (exchange, routing_key, message_id, payload, headers)
    VALUES (commands_exchange, 'voice.place-call', session, json_build_object('sessionId', session), the_headers)
    RETURNING o.id, o.exchange, o.routing_key, o.message_id, o.payload, o.headers;
  IF the_reason IS NOT NULL THEN
    RETURN QUERY SELECT * FROM verigate_verification_event(the_verification, 'verification.fallback', the_reason, events_exchange);
  END IF;
END $$;
