import { feeEventMessageSchema, statusEventMessageSchema } from '#libs/contracts';
import { validate } from '#libs/runtime';
import type { NewDelivery } from '../deliveries/webhook-deliveries.repository.js';

/**
 * What the consumer makes of a message of `notifier.call-events` or `notifier.sms-events`. The
 * routing key is not passed to handlers, so the payload's shape decides: `cdrId` → a CDR for the
 * feeUrl (CallFeeMessage), `eventId` → a status event for the statusUrl: a call's
 * (CallEventMessage) or an SMS's (SmsStatusMessage, whose sessionId is the message id). Both
 * status events share the envelope, so both are delivered in `seq` order per sessionId. The
 * payloads are checked against their schemas (libs/contracts message-schemas.ts).
 */
export type ParsedEventMessage =
  | { outcome: 'deliver'; delivery: NewDelivery }
  /** The customer gave no URL for this stream: nothing to send. */
  | { outcome: 'no-url'; stream: 'status' | 'fee'; sessionId: string }
  | { outcome: 'malformed'; reason: string };

export function parseEventMessage(payload: unknown): ParsedEventMessage {
  if (!isObject(payload)) return malformed('payload is not an object');
  const isFee = 'cdrId' in payload;
  if (!isFee && !('eventId' in payload)) return malformed('payload has neither eventId nor cdrId');
  if (isFee) {
    const fee = validate(feeEventMessageSchema, payload);
    if (!fee.ok) return malformed(fee.message);
    const { cdrId, sessionId, appKey, feeUrl } = fee.value;
    if (!feeUrl) return { outcome: 'no-url', stream: 'fee', sessionId };
    return deliver({ sourceId: cdrId, stream: 'fee', sessionId, appKey, seq: 1, url: feeUrl, body: payload.body });
  }
  const event = validate(statusEventMessageSchema, payload);
  if (!event.ok) return malformed(event.message);
  const { eventId, sessionId, appKey, seq, statusUrl } = event.value;
  if (!statusUrl) return { outcome: 'no-url', stream: 'status', sessionId };
  return deliver({ sourceId: eventId, stream: 'status', sessionId, appKey, seq, url: statusUrl, body: payload.body });
}

// The body as sent (not the schema's copy of it).
function deliver(delivery: Omit<NewDelivery, 'body'> & { body: unknown }): ParsedEventMessage {
  return { outcome: 'deliver', delivery: delivery as NewDelivery };
}

function malformed(reason: string): ParsedEventMessage {
  return { outcome: 'malformed', reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
