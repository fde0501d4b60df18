-- Moves a message to a new delivery status if it is in one of from_statuses, and writes the
-- notification of the change into the outbox when the app has an SMS status URL. Returns the
-- outbox rows (none if it did not move or nobody is to be told).
CREATE OR REPLACE FUNCTION verigate_sms_set_status(msg uuid, new_status text, from_statuses text[], reason text, events_exchange text)
  RETURNS TABLE (id bigint, exchange text, routing_key text, message_id text, payload json)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
  WITH moved AS (
    -- Notifications are numbered among those written: an app without an SMS status URL
    -- gets none (nothing to publish), and one that sets a URL later starts at 1.
    UPDATE sms_messages m SET status = new_status,
           notify_seq = m.notify_seq + CASE WHEN a.sms_status_url IS NULL THEN 0 ELSE 1 END,
           error = COALESCE(reason, m.error), code_sealed = NULL, submit_lease_until = NULL, updated_at = now(),
           submitted_at = CASE WHEN new_status = 'submitted' THEN now() ELSE m.submitted_at END,
           done_at = CASE WHEN new_status IN ('delivered','undeliverable','expired','failed') THEN now() ELSE m.done_at END
      FROM apps a
     WHERE m.id = msg AND a.id = m.app_id AND m.status = ANY(from_statuses)
    RETURNING m.*, a.sms_status_url AS status_url
  )
  INSERT INTO outbox AS o (exchange, routing_key, message_id, payload)
  SELECT events_exchange, 'sms.' || moved.status, moved.id::text || ':' || moved.notify_seq,
         json_build_object(
           'eventId', moved.id::text || ':' || moved.notify_seq,
           'sessionId', moved.id::text,
           'appKey', moved.app_key,
           'seq', moved.notify_seq,
           'statusUrl', moved.status_url,
           'body', json_build_object('eventType', 'smsStatus', 'statusInfo', json_build_object(
             'messageId', moved.id::text, 'mobile', moved.mobile, 'type', moved.type, 'status', moved.status,
             'segments', moved.segments, 'error', moved.error,
             'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))))
    FROM moved WHERE moved.status_url IS NOT NULL
  RETURNING o.id, o.exchange, o.routing_key, o.message_id, o.payload;
END $$;
