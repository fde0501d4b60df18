-- Accepts a verification, one statement for the gateway. First the fraud guard (when the_prefix
-- is given): a blocked prefix is refused; a prefix with at least min_sends sends in the sliding
-- window whose approvals fall below min_approval_rate of them is blocked now (the block is kept,
-- the send refused: newly_blocked tells the caller to raise the alert); otherwise the send counts
-- in the prefix's current minute. The advisory lock per prefix makes the figures exact. Then the
-- request's nonce (a replay violates its key), the captcha credential when one is given (unknown,
-- used or expired: VG001 VERIFICATION_CAPTCHA_INVALID), the verification, its first leg (an
-- sms_messages row or a call session, each with its command) and the `verification.pending`
-- event. A raised error rolls all of it back. Returns the outbox rows (refusal null), or one row
-- with the refusal and the prefix's figures.
CREATE OR REPLACE FUNCTION verigate_accept_verification(the_id uuid, app uuid, the_app_key text, nonce_value text,
    nonce_expires_at timestamptz, the_destination text, sms_mobile text, requested text, first_channel text,
    the_locale text, the_code_hash text, the_code_sealed text, ttl_seconds integer, max_attempts integer,
    the_display_nbr text, fallback_seconds integer, credential_hash text, the_client_ip text, the_prefix text,
    window_seconds integer, min_sends integer, min_approval_rate double precision, call_times integer,
    commands_exchange text, events_exchange text, the_headers jsonb)
  RETURNS TABLE (refusal text, newly_blocked boolean, prefix_sends integer, prefix_approvals integer,
                 o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  at timestamptz;
  blocked_sends integer;
  blocked_approvals integer;
  n_sends integer;
  n_approvals integer;
  sms_id uuid;
BEGIN
  IF the_prefix IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('verigate.verify-prefix:' || the_prefix, 0));
    SELECT b.sends, b.approvals INTO blocked_sends, blocked_approvals
      FROM verification_prefix_blocks b WHERE b.prefix = the_prefix AND b.lifted_at IS NULL;
    IF FOUND THEN
      RETURN QUERY SELECT 'VERIFICATION_PREFIX_BLOCKED'::text, false, blocked_sends, blocked_approvals,
        NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::json, NULL::jsonb;
      RETURN;
    END IF;
    at := clock_timestamp();
    SELECT COALESCE(sum(s.sends), 0)::integer, COALESCE(sum(s.approvals), 0)::integer INTO n_sends, n_approvals
      FROM verification_prefix_minutes s
     WHERE s.prefix = the_prefix AND s.minute > date_trunc('minute', at - make_interval(secs => window_seconds));
    IF n_sends >= min_sends AND n_approvals < n_sends * min_approval_rate THEN
      INSERT INTO verification_prefix_blocks AS b (prefix, blocked_at, sends, approvals, reason)
      VALUES (the_prefix, at, n_sends, n_approvals,
              format('%s approvals of %s sends in the last %s s: below %s%%', n_approvals, n_sends, window_seconds,
                     round((min_approval_rate * 100)::numeric, 1)))
      ON CONFLICT (prefix) DO UPDATE SET blocked_at = EXCLUDED.blocked_at, sends = EXCLUDED.sends,
             approvals = EXCLUDED.approvals, reason = EXCLUDED.reason, lifted_at = NULL, lifted_by = NULL;
      RETURN QUERY SELECT 'VERIFICATION_PREFIX_BLOCKED'::text, true, n_sends, n_approvals,
        NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::json, NULL::jsonb;
      RETURN;
    END IF;
    INSERT INTO verification_prefix_minutes AS s (prefix, minute, sends) VALUES (the_prefix, date_trunc('minute', at), 1)
    ON CONFLICT (prefix, minute) DO UPDATE SET sends = s.sends + 1;
  END IF;

  INSERT INTO auth_nonces (app_key, nonce, expires_at) VALUES (the_app_key, nonce_value, nonce_expires_at);
  IF credential_hash IS NOT NULL THEN
    UPDATE captcha_sessions c SET state = 'verified'
     WHERE c.verification_hash = credential_hash AND c.app_key = the_app_key AND c.state = 'passed'
       AND c.verification_expires_at > now();
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'VG001', MESSAGE = 'VERIFICATION_CAPTCHA_INVALID';
    END IF;
  END IF;

  at := clock_timestamp();
  IF first_channel = 'sms' THEN
    sms_id := gen_random_uuid();
  END IF;
  INSERT INTO verifications (id, app_id, app_key, destination, requested_channel, channel, locale, code_hash,
                             code_sealed, max_attempts, expires_at, display_nbr, prefix, sms_message_id,
                             fallback_due_at, created_at, updated_at)
  VALUES (the_id, app, the_app_key, the_destination, requested, first_channel, the_locale, the_code_hash,
          the_code_sealed, max_attempts, at + make_interval(secs => ttl_seconds), the_display_nbr, the_prefix, sms_id,
          CASE WHEN requested = 'auto' THEN at + make_interval(secs => fallback_seconds) END, at, at);

  IF first_channel = 'sms' THEN
    -- The SMS leg: an ordinary message for the sms worker (its text names the code two-step
    -- verification). Its code_hash is the verification's, and it is born `used` with no attempts:
    -- the SMS API's verify can never accept or count against it.
    INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at,
                              code_state, max_verify_attempts, captcha_token, fingerprint, client_ip, created_at, updated_at)
    VALUES (sms_id, app, the_app_key, sms_mobile, 'OTP_REST_SMS', the_locale, the_code_hash, the_code_sealed,
            at + make_interval(secs => ttl_seconds), 'used', 0, 'verification:' || the_id::text, 'verification-api',
            the_client_ip, at, at);
    RETURN QUERY
      INSERT INTO outbox AS o (exchange, routing_key, message_id, payload, headers)
      VALUES (commands_exchange, 'sms.send', sms_id::text, json_build_object('messageId', sms_id::text), the_headers)
      RETURNING NULL::text, false, NULL::integer, NULL::integer, o.id, o.exchange, o.routing_key, o.message_id, o.payload, o.headers;
  ELSE
    RETURN QUERY SELECT NULL::text, false, NULL::integer, NULL::integer, c.*
      FROM verigate_verification_call(the_id, NULL, call_times, commands_exchange, events_exchange, the_headers) c;
  END IF;
  RETURN QUERY SELECT NULL::text, false, NULL::integer, NULL::integer, e.*
    FROM verigate_verification_event(the_id, 'verification.pending', NULL, events_exchange) e;
END $$;
