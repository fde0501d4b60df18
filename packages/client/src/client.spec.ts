import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { aesDecrypt, aesEncrypt, solvePow } from './aj-aes.js';
import { akskDigest, signAksk } from './aksk.js';
import { VerigateError } from './errors.js';
import { expectJson, queryString, type HttpAnswer } from './http.js';
import { SdkClient } from './sdk.js';
import { VoiceClient } from './voice.js';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: new Headers(headers),
  text: typeof body === 'string' ? body : JSON.stringify(body),
  body: typeof body === 'string' ? undefined : body,
});

/** A fetch that answers from a list, recording each request. */
function scriptedFetch(replies: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fake = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    const reply = replies.shift()!;
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
  }) as unknown as typeof fetch;
  return { fake, requests };
}

const xAksk = (init: RequestInit) => new Headers(init.headers).get('x-aksk')!;
const fieldOf = (header: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(header)![1]!;

describe('AKSK signing', () => {
  it('signs Base64(HMAC-SHA256(appSecret, Nonce + Created)) with a UTC Created of whole seconds', () => {
    const headers = signAksk('key-1', 'secret-1', { now: new Date('2026-12-03T10:11:12.345Z'), nonce: 'abc123' });
    expect(headers.authorization).toBe('AKSK realm="SDP",profile="UsernameToken",type="Appkey"');
    const digest = createHmac('sha256', 'secret-1').update('abc1232026-12-03T10:11:12Z').digest('base64');
    expect(headers['x-aksk']).toBe(
      `UsernameToken Username="key-1",PasswordDigest="${digest}",Nonce="abc123",Created="2026-12-03T10:11:12Z"`,
    );
    expect(akskDigest('secret-1', 'abc123', '2026-12-03T10:11:12Z')).toBe(digest);
    const a = fieldOf(signAksk('k', 's')['x-aksk'], 'Nonce');
    const b = fieldOf(signAksk('k', 's')['x-aksk'], 'Nonce');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe('answers and errors', () => {
  /** What `fn` throws. */
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('nothing thrown');
  };

  it('turns each API family’s error body into a VerigateError with its code, message and status', () => {
    const voice = thrown(() => expectJson('voice', answer(403, { resultcode: '1013004', resultdesc: 'blacklisted' })));
    expect(voice).toBeInstanceOf(VerigateError);
    expect(voice).toMatchObject({ resultcode: '1013004', status: 403, message: 'blacklisted', api: 'voice' });
    expect(
      thrown(() => expectJson('sdk', answer(429, { error_code: 'SMS.IP_LIMIT', error_msg: 'too many' }))),
    ).toMatchObject({
      resultcode: 'SMS.IP_LIMIT',
      status: 429,
      api: 'sdk',
    });
    expect(
      thrown(() => expectJson('admin', answer(404, { error_code: 'NOT_FOUND', error_msg: 'no app' }))),
    ).toMatchObject({
      resultcode: 'NOT_FOUND',
      message: 'no app',
    });
    expect(thrown(() => expectJson('admin', answer(502, '<html>bad gateway</html>')))).toMatchObject({
      resultcode: 'INVALID_RESPONSE',
      status: 502,
    });
    expect(expectJson('admin', answer(201, { ok: 1 }), 201)).toEqual({ ok: 1 });
    expect(queryString({ a: 'x y', b: undefined, c: 3, d: null, e: '' })).toBe('?a=x+y&c=3');
  });
});

describe('VoiceClient', () => {
  const body = {
    displayNbr: '+8675528000088',
    calleeNbr: '+8613800000021',
    languageType: 2 as const,
    preTone: 'welcome.wav',
    verifyCode: '123456',
  };

  it("signs once more with the gateway's clock after a 1010013, with a fresh nonce", async () => {
    const serverNow = Date.parse('2026-12-03T12:00:00Z');
    const { fake, requests } = scriptedFetch([
      {
        status: 401,
        body: { resultcode: '1010013', resultdesc: 'Created outside the window' },
        headers: { date: new Date(serverNow).toUTCString() },
      },
      { status: 200, body: { resultcode: '0', resultdesc: 'Success', sessionId: 's-1' } },
    ]);
    const client = new VoiceClient({ appKey: 'k', appSecret: 's', fetch: fake, now: () => serverNow - 7_200_000 });
    expect(await client.callVerify(body)).toEqual({ resultcode: '0', resultdesc: 'Success', sessionId: 's-1' });
    expect(requests).toHaveLength(2);
    expect(fieldOf(xAksk(requests[0]!.init), 'Created')).toBe('2026-12-03T10:00:00Z');
    expect(fieldOf(xAksk(requests[1]!.init), 'Created')).toBe('2026-12-03T12:00:00Z');
    expect(fieldOf(xAksk(requests[0]!.init), 'Nonce')).not.toBe(fieldOf(xAksk(requests[1]!.init), 'Nonce'));
    expect(client.clockOffsetMs).toBe(7_200_000);
    expect(new Headers(requests[0]!.init.headers).get('content-type')).toBe('application/json;charset=UTF-8');
    expect(requests[0]!.url).toBe('http://127.0.0.1:3000/rest/httpsessions/callVerify/v1.0');
  });

  it('does not retry other refusals, a 1010013 its clock cannot explain, or when told not to', async () => {
    for (const [reply, options] of [
      [{ status: 403, body: { resultcode: '1013004', resultdesc: 'blacklisted' } }, {}],
      [
        { status: 401, body: { resultcode: '1010013', resultdesc: 'x' }, headers: { date: new Date().toUTCString() } },
        {},
      ],
      [
        {
          status: 401,
          body: { resultcode: '1010013', resultdesc: 'x' },
          headers: { date: new Date(Date.now() + 3_600_000).toUTCString() },
        },
        { correctClockSkew: false },
      ],
    ] as const) {
      const { fake, requests } = scriptedFetch([reply, reply]);
      const client = new VoiceClient({ appKey: 'k', appSecret: 's', fetch: fake, ...options });
      await expect(client.callVerify(body)).rejects.toMatchObject({ resultcode: reply.body.resultcode });
      expect(requests).toHaveLength(1);
    }
  });
});

describe('SdkClient and the AJ scheme', () => {
  it('sends the device headers and the answer AES-encrypted with the secretKey', async () => {
    const { fake, requests } = scriptedFetch([{ status: 200, body: { result: true, captchaVerification: 'v' } }]);
    const client = new SdkClient({
      appKey: 'app',
      device: { fingerprint: 'fp', osVersion: 'Android 10', agent: 'ua' },
      lang: 'en',
      forwardedFor: '198.51.100.1',
      fetch: fake,
    });
    await client.checkCaptcha({ token: 't'.repeat(32), answer: { x: 12, y: 5 }, secretKey: 'ABCDEFGHabcdefgh' });
    const headers = new Headers(requests[0]!.init.headers);
    expect(
      Object.fromEntries(
        ['x-client-id', 'x-device-fingerprint', 'x-l', 'x-forwarded-for'].map((h) => [h, headers.get(h)]),
      ),
    ).toEqual({
      'x-client-id': 'app',
      'x-device-fingerprint': 'fp',
      'x-l': 'en',
      'x-forwarded-for': '198.51.100.1',
    });
    const sent = JSON.parse(requests[0]!.init.body as string);
    expect(aesDecrypt(sent.pointJson, 'ABCDEFGHabcdefgh')).toBe('{"x":12,"y":5}');
    expect(sent.captchaType).toBe('blockPuzzle');
  });

  it('round-trips AES, refuses the wrong key, and solves a proof of work', () => {
    const cipher = aesEncrypt('token---{"x":1}', 'ABCDEFGHabcdefgh');
    expect(aesDecrypt(cipher, 'ABCDEFGHabcdefgh')).toBe('token---{"x":1}');
    expect(aesDecrypt(cipher, 'hgfedcbaHGFEDCBA')).not.toBe('token---{"x":1}');
    const salt = 'abcdef0123456789?expires=9999999999';
    const challenge = createHash('sha256').update(`${salt}1234`).digest('hex');
    const payload = solvePow({ algorithm: 'SHA-256', challenge, maxnumber: 5000, salt, signature: 'sig' });
    expect(JSON.parse(Buffer.from(payload!, 'base64').toString('utf8'))).toEqual({
      algorithm: 'SHA-256',
      challenge,
      number: 1234,
      salt,
      signature: 'sig',
    });
    expect(solvePow({ algorithm: 'SHA-256', challenge, maxnumber: 1000, salt, signature: 'sig' })).toBeNull();
  });
});
