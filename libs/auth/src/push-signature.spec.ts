import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { computeDigest, digestMatches, parseAksk } from './aksk.js';
import { computePushDigest, derivePushKey, PUSH_AUTHORIZATION, signPush, verifyPush } from './push-signature.js';

const body = Buffer.from('{"eventType":"callout","statusInfo":{"sessionId":"s-1"}}');
const now = new Date('2026-01-01T00:00:00.250Z');

describe('push signature', () => {
  it('is Base64(HMAC-SHA256(HMAC-SHA256(appSecret, "verigate push v1"), Nonce + Created + hex(SHA-256(body))))', () => {
    // Recomputed step by step, the way docs/operations.md tells a receiver to.
    const pushKey = createHmac('sha256', 'secret').update('verigate push v1').digest();
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const expected = createHmac('sha256', pushKey)
      .update('n1' + '2026-01-01T00:00:00Z' + bodyHash)
      .digest('base64');
    expect(derivePushKey('secret').equals(pushKey)).toBe(true);
    expect(computePushDigest('secret', 'n1', '2026-01-01T00:00:00Z', body)).toBe(expected);
    expect(signPush('app', 'secret', body, now, 'n1')).toEqual({
      authorization: 'AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"',
      'x-aksk': `UsernameToken Username="app",PasswordDigest="${expected}",Nonce="n1",Created="2026-01-01T00:00:00Z"`,
    });
  });

  it('verifies what it signs, and only that body, app, secret and time', () => {
    const headers = signPush('app', 'secret', body, now, 'n1');
    const t = now.getTime();
    expect(verifyPush(headers, body, { appKey: 'app', appSecret: 'secret' }, t)).toEqual({
      ok: true,
      nonce: 'n1',
      created: '2026-01-01T00:00:00Z',
    });
    expect(
      verifyPush(
        headers,
        Buffer.from(body.toString().replace('callout', 'answer')),
        { appKey: 'app', appSecret: 'secret' },
        t,
      ),
    ).toMatchObject({ ok: false, reason: 'bad PasswordDigest' });
    expect(verifyPush(headers, body, { appKey: 'app', appSecret: 'other' }, t)).toMatchObject({ ok: false });
    expect(verifyPush(headers, body, { appKey: 'other', appSecret: 'secret' }, t)).toMatchObject({
      ok: false,
      reason: 'wrong Username',
    });
    expect(verifyPush(headers, body, { appKey: 'app', appSecret: 'secret' }, t + 301_000)).toMatchObject({
      ok: false,
      reason: 'Created outside the tolerance',
    });
    expect(
      verifyPush(
        { ...headers, authorization: headers.authorization!.replace('SDP-PUSH', 'SDP') },
        body,
        { appKey: 'app', appSecret: 'secret' },
        t,
      ),
    ).toMatchObject({ ok: false });
  });

  it('is no API credential: the realm is refused, and the digest is not the API digest of the app secret', () => {
    const headers = signPush('app', 'secret', body, now, 'n1');
    expect(headers.authorization).toBe(PUSH_AUTHORIZATION);
    expect(parseAksk(headers.authorization, headers['x-aksk'])).toMatchObject({
      ok: false,
      fault: { code: '1023009' },
    });
    const asApi = parseAksk('AKSK realm="SDP",profile="UsernameToken",type="Appkey"', headers['x-aksk']);
    expect(asApi.ok).toBe(true);
    if (!asApi.ok) return;
    expect(asApi.credentials.passwordDigest).not.toBe(computeDigest('secret', 'n1', '2026-01-01T00:00:00Z'));
    expect(digestMatches('secret', asApi.credentials)).toBe(false);
  });
});
