import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AKSK_HEADER_MAX_LENGTH, parseCreated, parseKeyValues } from './aksk.js';

/**
 * The Huawei-style authentication of a webhook push (statusUrl, feeUrl, smsStatusUrl). It keeps
 * the shape of the API's AKSK headers, so receivers that parse those keep working, but it can
 * never authenticate an API request (issue 14, item 1) — three separations, each enough alone:
 * - realm `SDP-PUSH`: the gateway accepts only `SDP` (1023009);
 * - keyed by a push key derived from the app secret, never the app secret itself, so the digest
 *   is not an API digest even with the realm rewritten (401 1010010);
 * - the digest covers the body: a captured push authenticates nothing but that body.
 *
 *   Authorization: AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"
 *   X-AKSK: UsernameToken Username="<app_key>",PasswordDigest="<d>",Nonce="<n>",Created="<t>"
 *   push_key = HMAC-SHA256(app_secret, "verigate push v1")            (32 raw bytes)
 *   d = Base64(HMAC-SHA256(push_key, n + t + hex(SHA-256(raw body))))
 */
export const PUSH_REALM = 'SDP-PUSH';
export const PUSH_AUTHORIZATION = `AKSK realm="${PUSH_REALM}",profile="UsernameToken",type="Appkey"`;
const PUSH_KEY_LABEL = 'verigate push v1';

/** The key pushes are signed with: a receiver derives it from its app secret the same way. */
export function derivePushKey(appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update(PUSH_KEY_LABEL).digest();
}

export function computePushDigest(appSecret: string, nonce: string, created: string, body: Buffer | string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', derivePushKey(appSecret))
    .update(nonce + created + bodyHash)
    .digest('base64');
}

/** The headers of one push attempt (fresh Nonce and Created each time) over the exact bytes sent. */
export function signPush(
  appKey: string,
  appSecret: string,
  body: Buffer | string,
  now = new Date(),
  nonce = randomBytes(16).toString('hex'),
): Record<string, string> {
  const created = now.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    authorization: PUSH_AUTHORIZATION,
    'x-aksk': `UsernameToken Username="${appKey}",PasswordDigest="${computePushDigest(appSecret, nonce, created, body)}",Nonce="${nonce}",Created="${created}"`,
  };
}

export type PushVerification = { ok: true; nonce: string; created: string } | { ok: false; reason: string };

/**
 * What a receiver checks (the tests use it; examples/webhook-receiver.mjs does the same by hand):
 * the push realm, its app key, the digest over the raw body, and Created within `toleranceMs`.
 * Remembering the nonce for that long (and refusing it again) is the caller's part.
 */
export function verifyPush(
  headers: { authorization?: string; 'x-aksk'?: string },
  rawBody: Buffer | string,
  expected: { appKey: string; appSecret: string },
  now = Date.now(),
  toleranceMs = 300_000,
): PushVerification {
  const authorization = headers.authorization ?? '';
  const xAksk = headers['x-aksk'] ?? '';
  if (authorization.length > AKSK_HEADER_MAX_LENGTH || xAksk.length > AKSK_HEADER_MAX_LENGTH)
    return { ok: false, reason: 'header too long' };
  if (parseKeyValues(authorization).get('realm') !== PUSH_REALM)
    return { ok: false, reason: `realm is not ${PUSH_REALM}` };
  if (!xAksk.trim().startsWith('UsernameToken')) return { ok: false, reason: 'X-AKSK is not a UsernameToken' };
  const fields = parseKeyValues(xAksk.trim().slice('UsernameToken'.length));
  const [username, digest, nonce, created] = ['username', 'passworddigest', 'nonce', 'created'].map(
    (k) => fields.get(k) ?? '',
  );
  if (username !== expected.appKey) return { ok: false, reason: 'wrong Username' };
  if (!nonce || !created) return { ok: false, reason: 'Nonce or Created missing' };
  const want = Buffer.from(computePushDigest(expected.appSecret, nonce, created, rawBody));
  const given = Buffer.from(digest!);
  if (want.length !== given.length || !timingSafeEqual(want, given)) return { ok: false, reason: 'bad PasswordDigest' };
  const createdMs = parseCreated(created!);
  if (createdMs === null || Math.abs(now - createdMs) > toleranceMs)
    return { ok: false, reason: 'Created outside the tolerance' };
  return { ok: true, nonce: nonce!, created: created! };
}
