import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com) signatures:
 *   webhook-id:        the message's stable id (the same on every retry)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: "v1,<Base64(HMAC-SHA256(key, id + '.' + timestamp + '.' + body))>", several
 *                      separated by spaces while a rotated-out key is still honoured
 * The secret is shown as `whsec_<Base64 key>`; the key is the decoded bytes.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const KEY_BYTES = 32;

/** A new random signing secret in its `whsec_` form. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(KEY_BYTES).toString('base64');
}

/** The HMAC key of a `whsec_…` secret (a bare Base64 key is accepted too). */
export function webhookSecretKey(secret: string): Buffer {
  const base64 = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  const key = Buffer.from(base64, 'base64');
  if (key.length === 0) throw new Error('empty webhook signing key');
  return key;
}

/** One `v1,<signature>` entry for `body` (the exact bytes sent). */
export function standardWebhookSignature(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', webhookSecretKey(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** The three headers, signed with every secret given (current first). */
export function signStandardWebhook(
  secrets: readonly string[],
  id: string,
  body: string | Buffer,
  now = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => standardWebhookSignature(s, id, timestamp, body)).join(' '),
  };
}

/**
 * Receiver-side check (tests; receivers in Node may copy it): true when one of the header's
 * signatures was made with `secret` over `body`, and the timestamp is within `toleranceSeconds`.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string | Buffer,
  now = new Date(),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(standardWebhookSignature(secret, headers.id, timestamp, body));
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
