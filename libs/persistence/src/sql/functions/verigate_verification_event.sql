-- Writes a verification's webhook event into the outbox when its app has a verification status
-- URL (none otherwise: events are numbered among those written, as SMS notifications are). The
-- body says the verification's current status and channel, never its code. Called by the other
-- verification functions after their change, as a statement of their own.
CREATE OR REPLACE FUNCTION verigate_verification_event(the_verification uuid, the_event text, the_reason text, events_exchange text)
  RETURNS TABLE (o_id bigint, o_exchange text, o_routing_key text, o_message_id text, o_payload json, o_headers jsonb)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
  WITH numbered AS (
    UPDATE verifications v SET notify_seq = v.notify_seq + 1
      FROM apps a
     WHERE v.id = the_verification AND a.id = v.app_id AND a.verification_status_url IS NOT NULL
    RETURNING v.id AS vid, v.app_key AS vapp, v.notify_seq AS seq, v.destination AS dest, v.status AS vstatus,
              v.channel AS vchannel, a.verification_status_url AS url
  )
  INSERT INTO outbox AS o (exchange, routing_key, message_id, payload)
  SELECT events_exchange, the_event, n.vid::text || ':' || n.seq,
         json_build_object(
           'eventId', n.vid::text || ':' || n.seq,
           'sessionId', n.vid::text,
           'appKey', n.vapp,
           'seq', n.seq,
           'statusUrl', n.url,
           'body', json_build_object('eventType', the_event, 'verification', json_build_object(
             'verificationId', n.vid::text, 'to', n.dest, 'status', n.vstatus, 'channel', n.vchannel,
             'reason', the_reason, 'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))))
    FROM numbered n
  RETURNING o.id, o.exchange, o.routing_key, o.message_id, o.payload, o.headers;
END $$;
