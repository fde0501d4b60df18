-- The sms worker's sweep (every VERIGATE_VERIFY_SWEEP_MS, any number of workers: rows are taken
-- with SKIP LOCKED, and every change is a compare-and-set in this one statement):
--  1. an `auto` verification whose SMS was delivered waits for no fallback any more;
--  2. one whose fallback is due (no `delivered` receipt in time) or whose SMS failed gets its call
--     (verigate_verification_call: once, since the wait ends in the same statement);
--  3. a `sms` verification whose SMS failed fails (`verification.failed`);
--  4. a pending verification past its expiry expires (`verification.expired`).
-- Up to `batch` rows of each. Returns the outbox rows with what produced them (`kind`).
CREATE OR REPLACE FUNCTION verigate_sweep_verifications(batch integer, call_times integer, commands_exchange text, events_exchange text)
  RETURNS TABLE (kind text, o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  r record;
BEGIN
  UPDATE verifications v SET fallback_due_at = NULL, updated_at = now()
    FROM sms_messages m
   WHERE v.fallback_due_at IS NOT NULL AND m.id = v.sms_message_id AND m.status = 'delivered';

  FOR r IN
    SELECT v.id, CASE WHEN m.status IN ('undeliverable', 'expired', 'failed') THEN format('the SMS came back %s', m.status)
                      ELSE format('no delivered SMS receipt within %s s',
                                  round(extract(epoch FROM v.fallback_due_at - v.created_at))) END AS why
      FROM verifications v LEFT JOIN sms_messages m ON m.id = v.sms_message_id
     WHERE v.fallback_due_at IS NOT NULL
       AND (v.fallback_due_at <= now() OR m.status IN ('undeliverable', 'expired', 'failed'))
     ORDER BY v.fallback_due_at LIMIT batch
       FOR UPDATE OF v SKIP LOCKED
  LOOP
    RETURN QUERY SELECT 'fallback'::text, c.* FROM verigate_verification_call(r.id, r.why, call_times, commands_exchange,
      events_exchange, NULL) c;
  END LOOP;

  FOR r IN
    SELECT v.id, m.status AS sms_status
      FROM verifications v JOIN sms_messages m ON m.id = v.sms_message_id
     WHERE v.status = 'pending' AND v.channel = 'sms' AND v.requested_channel = 'sms'
       AND m.status IN ('undeliverable', 'expired', 'failed')
     ORDER BY v.expires_at LIMIT batch
       FOR UPDATE OF v SKIP LOCKED
  LOOP
    UPDATE verifications SET status = 'failed', code_sealed = NULL, done_at = now(), updated_at = now(),
           reason = format('the SMS came back %s', r.sms_status) WHERE id = r.id;
    RETURN QUERY SELECT 'failed'::text, e.* FROM verigate_verification_event(r.id, 'verification.failed',
      format('the SMS came back %s', r.sms_status), events_exchange) e;
  END LOOP;

  FOR r IN
    SELECT v.id FROM verifications v WHERE v.status = 'pending' AND v.expires_at <= now()
     ORDER BY v.expires_at LIMIT batch
       FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE verifications SET status = 'expired', code_sealed = NULL, fallback_due_at = NULL, done_at = now(),
           updated_at = now() WHERE id = r.id;
    RETURN QUERY SELECT 'expired'::text, e.* FROM verigate_verification_event(r.id, 'verification.expired', NULL,
      events_exchange) e;
  END LOOP;
END $$;
