import * as z from 'zod';

/**
 * The payloads of the messages between the apps, as schemas checked by each consumer: a payload
 * a schema refuses is never processable, so the consumer dead-letters it with the check's message
 * as the reason (see checkPayload in libs/messaging). The producers build them from the
 * TypeScript interfaces next to these (messaging.ts, sms.ts).
 */

/** `voice.calls`: the session the gateway accepted (PlaceCallCommand). */
export const placeCallCommandSchema = z.object({
  sessionId: z.string('place-call command without sessionId').min(1, 'place-call command without sessionId'),
});

/** `sms.send`: the message the gateway accepted (SendSmsCommand). */
export const sendSmsCommandSchema = z.object({
  messageId: z
    .string('send command without a valid messageId')
    .regex(/^[0-9a-f-]{36}$/, 'send command without a valid messageId'),
});

const nonEmpty = (name: string) =>
  z.string(`${name} is not a non-empty string`).min(1, `${name} is not a non-empty string`);
// A custom check, not z.record: the body is delivered exactly as sent (no copy, whatever its keys).
const eventBody = z.custom<Record<string, unknown>>(
  (body) => typeof body === 'object' && body !== null && !Array.isArray(body),
  'body is not an object',
);

/** `notifier.call-events` with a `cdrId`: a CDR for the app's feeUrl (CallFeeMessage). */
export const feeEventMessageSchema = z.object({
  cdrId: nonEmpty('cdrId'),
  sessionId: nonEmpty('sessionId'),
  appKey: z.string('appKey is not a string'),
  body: eventBody,
  feeUrl: z.string('feeUrl is not a string').nullish(),
});

/**
 * `notifier.call-events` / `notifier.sms-events` with an `eventId`: a call's status event
 * (CallEventMessage) or an SMS's (SmsStatusMessage), for the statusUrl, in `seq` order.
 */
export const statusEventMessageSchema = z.object({
  eventId: nonEmpty('eventId'),
  sessionId: nonEmpty('sessionId'),
  appKey: z.string('appKey is not a string'),
  body: eventBody,
  // A positive integer that fits the int4 column.
  seq: z
    .int('seq is not a positive integer')
    .min(1, 'seq is not a positive integer')
    .max(2_147_483_647, 'seq is not a positive integer'),
  statusUrl: z.string('statusUrl is not a string').nullish(),
});
