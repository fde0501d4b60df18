-- Records a submission: the segments' ids, then the status 'submitted', then any receipt
-- that arrived first. A receipt recorded at the same moment must see either the segments or
-- be seen by them: without a lock, a receipt committed between this function's reading of
-- sms_receipts and its own commit would find no segment yet and wait in sms_receipts for
-- ever. So this and verigate_sms_receipt lock each segment id (advisory, in id order: two
-- submissions sharing a recycled id cannot deadlock) until commit.
CREATE OR REPLACE FUNCTION verigate_sms_submitted(msg uuid, the_provider text, provider_ids text[], events_exchange text)
  RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  lock_key bigint;
BEGIN
  FOR lock_key IN SELECT k FROM unnest(provider_ids) AS t(pid),
      LATERAL (SELECT hashtextextended('verigate.sms-part:' || the_provider || ':' || t.pid, 0) AS k) h ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(lock_key);
  END LOOP;
  -- An SMSC may recycle ids: the newest message owns an id.
  INSERT INTO sms_message_parts AS p (provider, provider_id, message_id, part_no)
  -- An SMSC that answers two segments with one id gets one row (the first segment's).
  SELECT DISTINCT ON (t.pid) the_provider, t.pid, msg, t.ord FROM unnest(provider_ids) WITH ORDINALITY AS t(pid, ord)
   ORDER BY t.pid, t.ord
  ON CONFLICT (provider, provider_id) DO UPDATE SET message_id = EXCLUDED.message_id, part_no = EXCLUDED.part_no,
         status = 'submitted', done_at = NULL, error_code = NULL;
  UPDATE sms_messages m SET provider = the_provider, segments = cardinality(provider_ids) WHERE m.id = msg AND m.status = 'accepted';
  RETURN QUERY SELECT * FROM verigate_sms_set_status(msg, 'submitted', ARRAY['accepted'], NULL, events_exchange);
  -- Receipts that overtook this record (rare): applied now.
  IF EXISTS (SELECT 1 FROM sms_receipts r WHERE r.provider = the_provider AND r.provider_id = ANY(provider_ids)) THEN
    RETURN QUERY SELECT * FROM verigate_sms_apply_receipts(msg, events_exchange);
  END IF;
END $$;
