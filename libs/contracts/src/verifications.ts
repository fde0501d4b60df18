/**
 * The verification API (`/api/v3/verifications`, docs/verifications.md): one verification across
 * SMS and voice, with automatic fallback and a fraud guard. What crosses RabbitMQ for it: its
 * SMS leg is an ordinary `sms.send` command, its call leg an ordinary `voice.place-call` command,
 * and its webhooks are events on the SMS events exchange (routing key `verification.<event>`) in
 * the envelope the notifier already delivers (ordered per verification, signed, at least once).
 */

/** `auto`: SMS first, a call with the same code when no `delivered` receipt came in time. */
export const VERIFICATION_CHANNELS = ['sms', 'call', 'auto'] as const;
export type VerificationChannel = (typeof VERIFICATION_CHANNELS)[number];

/** The channel a code actually went out on. */
export type DeliveryChannel = 'sms' | 'call';

export const VERIFICATION_LOCALES = ['en', 'zh'] as const;
export type VerificationLocale = (typeof VERIFICATION_LOCALES)[number];

/**
 * pending → approved (the right code, once) | expired (its time ran out) | failed (the attempts
 * were used up, or every channel failed to deliver).
 */
export const VERIFICATION_STATUSES = ['pending', 'approved', 'expired', 'failed'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** The webhook events, in the order a verification can produce them. */
export const VERIFICATION_EVENTS = [
  'verification.pending',
  'verification.fallback',
  'verification.approved',
  'verification.expired',
  'verification.failed',
] as const;
export type VerificationEvent = (typeof VERIFICATION_EVENTS)[number];

/** The body POSTed to the app's verification status URL. The code is never in it. */
export interface VerificationWebhookBody {
  eventType: VerificationEvent;
  verification: {
    verificationId: string;
    to: string;
    status: VerificationStatus;
    /** The channel the code went out on last. */
    channel: DeliveryChannel;
    /** Why a fallback or a failure happened (e.g. `no delivered receipt within 30 s`); null otherwise. */
    reason: string | null;
    /** UTC, `YYYY-MM-DD hh:mm:ss` like the call and SMS events. */
    timestamp: string;
  };
}

/** The answer of `POST /api/v3/verifications/{id}/check`: the same `denied` for a wrong code and no such code. */
export type VerificationCheckStatus = 'approved' | 'denied';

/** The SMS `type` a verification's SMS leg is recorded (and worded) with. */
export const VERIFICATION_SMS_TYPE = 'OTP_REST_SMS';
