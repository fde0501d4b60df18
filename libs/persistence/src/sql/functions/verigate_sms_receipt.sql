-- Records a delivery receipt and applies it if its submission is already recorded.
CREATE OR REPLACE FUNCTION verigate_sms_receipt(the_provider text, the_provider_id text, the_status text, the_done_at timestamptz,
    the_error_code text, events_exchange text)
  RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  msg uuid;
BEGIN
  -- Waits for a submission of this id being recorded (see verigate_sms_submitted).
  PERFORM pg_advisory_xact_lock(hashtextextended('verigate.sms-part:' || the_provider || ':' || the_provider_id, 0));
  INSERT INTO sms_receipts AS r (provider, provider_id, status, done_at, error_code)
  VALUES (the_provider, the_provider_id, the_status, the_done_at, the_error_code)
  ON CONFLICT (provider, provider_id) DO UPDATE SET status = EXCLUDED.status, done_at = EXCLUDED.done_at,
         error_code = EXCLUDED.error_code, received_at = now();
  SELECT p.message_id INTO msg FROM sms_message_parts p WHERE p.provider = the_provider AND p.provider_id = the_provider_id;
  IF msg IS NULL THEN RETURN; END IF;
  RETURN QUERY SELECT * FROM verigate_sms_apply_receipts(msg, events_exchange);
END $$;
