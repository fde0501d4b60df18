import type { NewDelivery } from '../deliveries/webhook-deliveries.repository.js';

/**
 * What the consumer makes of a message of `notifier.call-events` or `notifier.sms-events`. The
 * routing key is not passed to handlers, so the payload's shape decides: `cdrId` → a CDR for the
 * feeUrl (CallFeeMessage), `eventId` → a status event for the statusUrl: a call's
 * (CallEventMessage) or an SMS's (SmsStatusMessage, whose sessionId is the message id). Both
 * status events share the envelope, so both are delivered in `seq` order per sessionId.
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
  const sourceId = isFee ? payload.cdrId : payload.eventId;
  if (!isNonEmptyString(sourceId))
    return malformed(isFee ? 'cdrId is not a non-empty string' : 'eventId is not a non-empty string');
  if (!isNonEmptyString(payload.sessionId)) return malformed('sessionId is not a non-empty string');
  if (typeof payload.appKey !== 'string') return malformed('appKey is not a string');
  if (!isObject(payload.body)) return malformed('body is not an object');

  let seq = 1;
  if (!isFee) {
    if (!isSeq(payload.seq)) return malformed('seq is not a positive integer');
    seq = payload.seq;
  }
  const stream = isFee ? 'fee' : 'status';
  const url = isFee ? payload.feeUrl : payload.statusUrl;
  if (url === null || url === undefined || url === '')
    return { outcome: 'no-url', stream, sessionId: payload.sessionId };
  if (typeof url !== 'string') return malformed(`${isFee ? 'feeUrl' : 'statusUrl'} is not a string`);

  return {
    outcome: 'deliver',
    delivery: { sourceId, stream, sessionId: payload.sessionId, appKey: payload.appKey, seq, url, body: payload.body },
  };
}

function malformed(reason: string): ParsedEventMessage {
  return { outcome: 'malformed', reason };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A positive integer that fits the int4 column. */
function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2_147_483_647;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
