import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Platform } from './support/platform.js';
import { reportAnswersSeen, violation } from './support/openapi-oracle.js';
import { hostileBody, hostileHeaders, NUM_RUNS, sendRequest } from './support/hostile-inputs.js';

/**
 * Property: whatever a client sends to the SMS SDK API, the answer is one the OpenAPI document
 * lists for that endpoint (status, shape and code), never a fault; afterwards the gateway is
 * healthy and a real send is accepted.
 */
describe('SMS SDK API under hostile input (property-based)', () => {
  const platform = new Platform();
  let appKey: string;
  let good: Record<string, string>;

  beforeAll(async () => {
    await platform.start({ VERIGATE_TRUSTED_PROXIES: '127.0.0.1', VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000', VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000', VERIGATE_SMS_LOG_FILE: `/tmp/verigate-sms-prop-${process.pid}.jsonl` }, { voice: false, notifier: false });
    await platform.startCaptcha();
    const created = await platform.admin('POST', '/apps', { name: 'fuzz', permissions: ['captcha', 'sms'] });
    appKey = ((await created.json()) as { appKey: string }).appKey;
    good = platform.sdkHeaders(appKey, 'fuzz-device');
  });

  afterAll(async () => {
    reportAnswersSeen();
    await platform.stop();
  });

  it('POST /api/v2/sdk/sms/send: bodies, types, content types, headers', async () => {
    const valid = { mobile: '13800138000', type: 'LOGIN_SMS', captcha_token: `${'c'.repeat(32)}---{"x":1,"y":2}` };
    await fc.assert(fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
      const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/sms/send', headers, body);
      expect(violation('POST', '/api/v2/sdk/sms/send', answer.status, answer.text, body.body)).toBeNull();
    }), { numRuns: NUM_RUNS });
  });

  it('POST /api/v2/sdk/sms/verify: bodies, types, content types, headers', async () => {
    const valid = { mobile: '13800138000', type: 'LOGIN_SMS', code: '123456' };
    await fc.assert(fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
      const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/sms/verify', headers, body);
      expect(violation('POST', '/api/v2/sdk/sms/verify', answer.status, answer.text, body.body)).toBeNull();
    }), { numRuns: NUM_RUNS });
  });

  it('afterwards: healthy, and a real send is accepted', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    const headers = platform.sdkHeaders(appKey, 'fresh-device', '198.51.100.78');
    const { credential } = await platform.solveCaptcha(headers);
    const sent = await platform.sdk('POST', '/sms/send', headers, { mobile: '13900139000', type: 'REGISTER_SMS', captcha_token: credential });
    expect(sent).toMatchObject({ status: 200, body: { result: true } });
  });
});
