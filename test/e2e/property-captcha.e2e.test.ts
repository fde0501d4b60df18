import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Platform } from './support/platform.js';
import { reportAnswersSeen, violation } from './support/openapi-oracle.js';
import { hostileBody, hostileHeaders, hostileString, NUM_RUNS, percentEncoded, sendRequest } from './support/hostile-inputs.js';

/**
 * Property: whatever a client sends to the captcha SDK API, the answer is one the OpenAPI
 * document lists for that endpoint (status, shape and code), never a fault; afterwards the
 * gateway is healthy and a real captcha flow still works.
 */
describe('captcha SDK API under hostile input (property-based)', () => {
  const platform = new Platform();
  let good: Record<string, string>;

  beforeAll(async () => {
    await platform.start({ VERIGATE_TRUSTED_PROXIES: '127.0.0.1', VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000', VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000' }, { voice: false, notifier: false });
    await platform.startCaptcha();
    const created = await platform.admin('POST', '/apps', { name: 'fuzz', permissions: ['captcha'] });
    good = platform.sdkHeaders(((await created.json()) as { appKey: string }).appKey, 'fuzz-device');
  });

  afterAll(async () => {
    reportAnswersSeen();
    await platform.stop();
  });

  it('GET /api/v2/sdk/captcha: any query and headers', async () => {
    const query = fc.oneof(fc.constantFrom('', '?captchaType=blockPuzzle', '?captchaType=clickWord', '?captchaType=', '?captchaType[]=x', '?captchaType=a&captchaType=b', '?%zz', '?captchaType=%00', '?captchaType=%ED%A0%80', '?captchaType=%C0%AF'), hostileString.map((s) => `?captchaType=${percentEncoded(s.slice(0, 2000))}`));
    await fc.assert(fc.asyncProperty(hostileHeaders(good), query, async (headers, q) => {
      const answer = await sendRequest(platform.baseUrl, 'GET', `/api/v2/sdk/captcha${q}`, headers);
      expect(violation('GET', '/api/v2/sdk/captcha', answer.status, answer.text)).toBeNull();
    }), { numRuns: NUM_RUNS });
  });

  it('POST /api/v2/sdk/captcha/check: bodies, types, content types, headers', async () => {
    const valid = { captchaType: 'blockPuzzle', token: 'a'.repeat(32), pointJson: '{"x":10,"y":5}', trajectory: [] };
    await fc.assert(fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
      const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/captcha/check', headers, body);
      expect(violation('POST', '/api/v2/sdk/captcha/check', answer.status, answer.text, body.body)).toBeNull();
    }), { numRuns: NUM_RUNS });
  });

  it('POST /api/v2/sdk/captcha/verify: bodies, types, content types, headers', async () => {
    await fc.assert(fc.asyncProperty(hostileHeaders(good), hostileBody({ captchaVerification: `${'b'.repeat(32)}---{"x":1,"y":2}` }), async (headers, body) => {
      const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/captcha/verify', headers, body);
      expect(violation('POST', '/api/v2/sdk/captcha/verify', answer.status, answer.text, body.body)).toBeNull();
    }), { numRuns: NUM_RUNS });
  });

  it('afterwards: healthy, and a real captcha is solved and verified', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    const headers = platform.sdkHeaders(good['x-client-id']!, 'fresh-device', '198.51.100.77');
    const { credential } = await platform.solveCaptcha(headers);
    const verified = await platform.sdk('POST', '/captcha/verify', headers, { captchaVerification: credential });
    expect(verified).toMatchObject({ status: 200, body: { result: true } });
  });
});
