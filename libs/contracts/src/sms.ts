/**
 * SMS verification codes (docs/contract.md#sms-verification-code): the send scenarios, the delivery states of a message, and
 * what crosses RabbitMQ between the gateway, the sms worker and the notifier.
 */

/** The seed's `type` values (table 2 (docs/contract.md#sms-request-body)). */
export const SMS_TYPES = [
  'REGISTER_SMS',
  'LOGIN_SMS',
  'FORGET_PWD_SMS',
  'BIND_MOBILE_SMS',
  'UPDATE_MOBILE_SMS',
  'OTP_REST_SMS',
] as const;
export type SmsType = (typeof SMS_TYPES)[number];

/**
 * `type` as clients send it: white space anywhere inside is ignored and case does not matter
 * (the seed's own examples write `"BIND_MOBILE_ SMS "` and `LOG IN_SMS`). Null when it is none
 * of the six.
 */
export function normaliseSmsType(value: unknown): SmsType | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  const compact = value.replace(/\s+/gu, '');
  // ASCII case only: toUpperCase also maps ı to I and ſ to S, which would let look-alikes in.
  if (!/^[A-Za-z_]+$/.test(compact)) return null;
  const upper = compact.toUpperCase();
  return (SMS_TYPES as readonly string[]).includes(upper) ? (upper as SmsType) : null;
}

/**
 * Delivery states of a message: accepted (by the gateway) → submitted (the SMS centre took every
 * segment) → delivered | undeliverable | expired (receipts) | failed (refused by the SMS centre,
 * or the code expired before it could be sent).
 */
export const SMS_STATUSES = ['accepted', 'submitted', 'delivered', 'undeliverable', 'expired', 'failed'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** Command: the sms worker sends the accepted message (routing key `sms.send`). */
export interface SendSmsCommand {
  messageId: string;
}

/** The body of an SMS status notification POSTed to the app's SMS status URL. */
export interface SmsStatusBody {
  eventType: 'smsStatus';
  statusInfo: {
    messageId: string;
    mobile: string;
    type: SmsType;
    status: SmsStatus;
    segments: number | null;
    error: string | null;
    /** UTC, `YYYY-MM-DD hh:mm:ss` like the call events. */
    timestamp: string;
  };
}

/**
 * Event: a message changed delivery status (written by the database function
 * `verigate_sms_set_status`, routing key `sms.<status>`). The same envelope as a call event, so
 * the notifier delivers both alike: ordered per message (`sessionId` = the message id).
 */
export interface SmsStatusMessage {
  /** `<messageId>:<seq>`: unique, used for idempotent consumption. */
  eventId: string;
  sessionId: string;
  appKey: string;
  seq: number;
  statusUrl: string | null;
  body: SmsStatusBody;
}
