import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  pushDigest,
  ReplayWindow,
  standardWebhookSignature,
  verifyPushSignature,
  verifyStandardWebhook,
  WebhookVerifier,
} from './webhooks.js';

const appKey = 'app-1';
const appSecret = 'secret-0123456789abcdef';
const body = '{"eventType":"callout","statusInfo":{"sessionId":"s-1"}}';
const at = Date.parse('2026-12-03T10:00:00Z');

function pushHeaders(created = '2026-12-03T10:00:00Z', nonce = 'n0123', secret = appSecret, key = appKey) {
  return {
    authorization: 'AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"',
    'x-aksk': `UsernameToken Username="${key}",PasswordDigest="${pushDigest(secret, nonce, created, body)}",Nonce="${nonce}",Created="${created}"`,
  };
}

describe('push signature (X-AKSK, realm SDP-PUSH)', () => {
  it('follows the documented formula: HMAC(HMAC(appSecret, "verigate push v1"), nonce + created + hex(sha256(body)))', () => {
    const pushKey = createHmac('sha256', appSecret).update('verigate push v1').digest();
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const expected = createHmac('sha256', pushKey).update(`n1${'2026-12-03T10:00:00Z'}${bodyHash}`).digest('base64');
    expect(pushDigest(appSecret, 'n1', '2026-12-03T10:00:00Z', body)).toBe(expected);
  });

  it('accepts a fresh push once, then refuses its replay', () => {
    const replay = new ReplayWindow();
    const headers = pushHeaders();
    expect(verifyPushSignature(headers, body, { appKey, appSecret, replay, now: at })).toEqual({ ok: true });
    expect(verifyPushSignature(headers, Buffer.from(body), { appKey, appSecret, replay, now: at + 1000 })).toEqual({
      ok: false,
      reason: 'X-AKSK: Nonce already seen (a replay)',
    });
  });

  it('refuses a changed body, another secret, another app, the API realm and an old Created', () => {
    const options = { appKey, appSecret, now: at };
    expect(verifyPushSignature(pushHeaders(), `${body} `, options)).toMatchObject({
      ok: false,
      reason: /PasswordDigest/,
    });
    expect(verifyPushSignature(pushHeaders(undefined, undefined, 'other-secret'), body, options)).toMatchObject({
      ok: false,
    });
    expect(verifyPushSignature(pushHeaders(undefined, undefined, undefined, 'app-2'), body, options)).toMatchObject({
      ok: false,
      reason: /Username/,
    });
    const apiRealm = { ...pushHeaders(), authorization: 'AKSK realm="SDP",profile="UsernameToken",type="Appkey"' };
    expect(verifyPushSignature(apiRealm, body, options)).toMatchObject({ ok: false, reason: /realm/ });
    expect(verifyPushSignature(pushHeaders('2026-12-03T09:54:59Z'), body, options)).toMatchObject({
      ok: false,
      reason: /Created/,
    });
    expect(verifyPushSignature(pushHeaders('2026-12-03T09:55:00Z'), body, options)).toEqual({ ok: true });
  });

  it('answers non-ASCII digests and oversized headers without throwing', () => {
    const headers = pushHeaders();
    const latin1 = headers['x-aksk'].replace(/PasswordDigest="[^"]*"/, `PasswordDigest="${'\u00e9'.repeat(44)}"`);
    expect(verifyPushSignature({ ...headers, 'x-aksk': latin1 }, body, { appKey, appSecret, now: at })).toMatchObject({
      ok: false,
    });
    expect(
      verifyPushSignature({ ...headers, 'x-aksk': 'x'.repeat(5000) }, body, { appKey, appSecret, now: at }),
    ).toMatchObject({ ok: false, reason: /too long/ });
  });
});

describe('Standard Webhooks signature', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const headersAt = (seconds: number, id = 'msg_1', signSecret = secret) => ({
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': standardWebhookSignature(signSecret, id, String(seconds), body),
  });

  it('accepts a fresh signature (also beside a rotated-out one) once per id and timestamp', () => {
    const replay = new ReplayWindow();
    const headers = headersAt(at / 1000);
    const rotated = { ...headers, 'webhook-signature': `v1,b2xk ${headers['webhook-signature']}` };
    expect(verifyStandardWebhook(new Headers(rotated), body, { secret, replay, now: at })).toEqual({ ok: true });
    expect(verifyStandardWebhook(headers, body, { secret, replay, now: at })).toMatchObject({
      ok: false,
      reason: /replay/,
    });
    // A retry of the same message: same id, new timestamp, new signature.
    expect(verifyStandardWebhook(headersAt(at / 1000 + 5), body, { secret, replay, now: at })).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret and a timestamp outside the tolerance', () => {
    expect(verifyStandardWebhook(headersAt(at / 1000), `${body} `, { secret, now: at })).toMatchObject({ ok: false });
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(verifyStandardWebhook(headersAt(at / 1000, 'm', other), body, { secret, now: at })).toMatchObject({
      ok: false,
    });
    expect(verifyStandardWebhook(headersAt(at / 1000 - 301), body, { secret, now: at })).toMatchObject({
      ok: false,
      reason: /tolerance/,
    });
    expect(verifyStandardWebhook({}, body, { secret, now: at })).toMatchObject({ ok: false, reason: /missing/ });
  });
});

describe('ReplayWindow and WebhookVerifier', () => {
  it('forgets keys after the window', () => {
    const window = new ReplayWindow(1000);
    expect(window.firstSeen('a', 0)).toBe(true);
    expect(window.firstSeen('a', 999)).toBe(false);
    expect(window.firstSeen('b', 1000)).toBe(true);
    expect(window.size).toBe(1);
    expect(window.firstSeen('a', 1001)).toBe(true);
  });

  it('requires both signatures when a webhook secret is set, and names every failure', () => {
    const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const verifier = new WebhookVerifier({ appKey, appSecret, webhookSecret });
    const id = 'msg_2';
    const stamp = String(at / 1000);
    const both = {
      ...pushHeaders(),
      'webhook-id': id,
      'webhook-timestamp': stamp,
      'webhook-signature': standardWebhookSignature(webhookSecret, id, stamp, body),
    };
    expect(verifier.verify(both, body, at)).toEqual({ ok: true });
    const replayed = verifier.verify(both, body, at);
    expect(replayed.ok).toBe(false);
    expect(!replayed.ok && replayed.reasons).toHaveLength(2);
    expect(verifier.verify(pushHeaders(undefined, 'fresh'), body, at)).toMatchObject({
      ok: false,
      reasons: [expect.stringMatching(/missing/)],
    });
  });
});
