-- Applies the receipts received for a submitted message's segments and derives its status:
-- any segment undeliverable / expired / failed decides; all segments delivered → delivered.
-- The message row is locked first, so receipts of two segments handled at once by two
-- workers see each other's effect.
CREATE OR REPLACE FUNCTION verigate_sms_apply_receipts(msg uuid, events_exchange text)
  RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  created timestamptz;
  verdict text;
  verdict_error text;
BEGIN
  SELECT m.created_at INTO created FROM sms_messages m WHERE m.id = msg FOR UPDATE;
  -- A receipt older than the message belongs to an earlier use of a recycled SMSC id.
  UPDATE sms_message_parts p SET status = r.status, done_at = r.done_at, error_code = r.error_code
    FROM sms_receipts r
   WHERE p.message_id = msg AND r.provider = p.provider AND r.provider_id = p.provider_id AND r.received_at >= created;
  DELETE FROM sms_receipts r USING sms_message_parts p
   WHERE p.message_id = msg AND r.provider = p.provider AND r.provider_id = p.provider_id;
  SELECT p.status, p.error_code INTO verdict, verdict_error FROM sms_message_parts p
   WHERE p.message_id = msg AND p.status IN ('undeliverable','expired','failed') ORDER BY p.part_no LIMIT 1;
  IF verdict IS NULL AND NOT EXISTS (SELECT 1 FROM sms_message_parts p WHERE p.message_id = msg AND p.status <> 'delivered')
     AND EXISTS (SELECT 1 FROM sms_message_parts p WHERE p.message_id = msg) THEN
    verdict := 'delivered';
  END IF;
  IF verdict IS NULL THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM verigate_sms_set_status(msg, verdict, ARRAY['submitted'],
    CASE WHEN verdict_error IS NULL THEN NULL ELSE 'receipt error ' || verdict_error END, events_exchange);
END $$;
