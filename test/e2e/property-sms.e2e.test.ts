import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Platform } from './support/platform.js';
import { reportAnswersSeen, violation } from './support/openapi-oracle.js';
import { hostileBody, hostileHeaders, NUM_RUNS, sendRequest } from './support/hostile-inputs.js';
import {
  ABSENT,
  applied,
  expectedSdkAnswer,
  mutationsOf,
  recordMutation,
  reportMutationsSeen,
  SMS_SEND_FIELD_CODES,
  SMS_VERIFY_FIELD_CODES,
  smsSendValues,
  smsVerifyValues,
  type Mutation,
} from './support/valid-envelope.js';
import type { SdkErrorCode } from '#libs/contracts';

/** A client of its own per run (device and address), so no per-device or per-IP cap links two runs. */
const caller = (run: number) => ({ device: `envelope-device-${run}`, ip: `198.18.${(run >> 8) & 255}.${run & 255}` });
/** A mobile of its own per run (11 digits), so no cool-down or per-number cap links two runs. */
const mobileOf = (run: number) => `139${String(run).padStart(8, '0')}`;

/**
 * Property: whatever a client sends to the SMS SDK API, the answer is one the OpenAPI document
 * lists for that endpoint (status, shape and code), never a fault; afterwards the gateway is
 * healthy and a real send is accepted.
 */
describe('SMS SDK API under hostile input (property-based)', () => {
  const platform = new Platform();
  let appKey: string;
  let otherAppKey: string;
  let good: Record<string, string>;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
        VERIGATE_SMS_LOG_FILE: `/tmp/verigate-sms-prop-${process.pid}.jsonl`,
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    const created = await platform.admin('POST', '/apps', { name: 'fuzz', permissions: ['captcha', 'sms'] });
    appKey = ((await created.json()) as { appKey: string }).appKey;
    good = platform.sdkHeaders(appKey, 'fuzz-device');
    const other = await platform.admin('POST', '/apps', { name: 'other', permissions: ['captcha', 'sms'] });
    otherAppKey = ((await other.json()) as { appKey: string }).appKey;
  });

  afterAll(async () => {
    reportAnswersSeen();
    reportMutationsSeen();
    await platform.stop();
  });

  it('POST /api/v2/sdk/sms/send: bodies, types, content types, headers', async () => {
    const valid = { mobile: '13800138000', type: 'LOGIN_SMS', captcha_token: `${'c'.repeat(32)}---{"x":1,"y":2}` };
    await fc.assert(
      fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
        const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/sms/send', headers, body);
        expect(violation('POST', '/api/v2/sdk/sms/send', answer.status, answer.text, body.body)).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST /api/v2/sdk/sms/verify: bodies, types, content types, headers', async () => {
    const valid = { mobile: '13800138000', type: 'LOGIN_SMS', code: '123456' };
    await fc.assert(
      fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
        const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/sms/verify', headers, body);
        expect(violation('POST', '/api/v2/sdk/sms/verify', answer.status, answer.text, body.body)).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  /**
   * Valid envelope: good headers of a fresh client, a fresh mobile and a live captcha credential
   * of the app per run; nothing spoiled is accepted (200), one field spoiled gets that field's
   * exact code (SMS_SEND_FIELD_CODES).
   */
  it('POST /api/v2/sdk/sms/send, valid envelope: one field spoiled gets its exact code, none spoiled is accepted', async () => {
    const used = await platform.passedCaptchaCredential(appKey);
    const first = await platform.sdk('POST', '/sms/send', platform.sdkHeaders(appKey, 'envelope-setup', '198.19.0.1'), {
      mobile: '13700000001',
      type: 'LOGIN_SMS',
      captcha_token: used,
    });
    expect(first).toMatchObject({ status: 200, body: { result: true } });
    const spare = await platform.passedCaptchaCredential(appKey);
    const credentials = {
      unknown: () => `${'0123456789abcdef'.repeat(2)}---{"x":1,"y":1}`,
      tampered: spare.replace('"x":1', '"x":2'),
      used,
      ofAnotherApp: await platform.passedCaptchaCredential(otherAppKey),
    };
    const mutation = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constant<Mutation<SdkErrorCode>>({ field: '-', kind: 'valid', value: ABSENT, expected: 'OK' }),
      },
      { weight: 4, arbitrary: mutationsOf(SMS_SEND_FIELD_CODES, smsSendValues(credentials), 'PARAMETER_INVALID') },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (spoiled) => {
        run += 1;
        const { device, ip } = caller(run);
        const valid = {
          mobile: mobileOf(run),
          type: 'LOGIN_SMS',
          captcha_token: await platform.passedCaptchaCredential(appKey),
        };
        const body = JSON.stringify(spoiled.field === '-' ? valid : applied(valid, spoiled));
        const answer = await sendRequest(
          platform.baseUrl,
          'POST',
          '/api/v2/sdk/sms/send',
          Object.entries(platform.sdkHeaders(appKey, device, ip)),
          { body, contentType: 'application/json;charset=UTF-8' },
        );
        const parsed = JSON.parse(answer.text) as { error_code?: string; result?: boolean };
        recordMutation('sms/send', spoiled, parsed.error_code ?? String(answer.status));
        expect(violation('POST', '/api/v2/sdk/sms/send', answer.status, answer.text, body)).toBeNull();
        expect({ status: answer.status, errorCode: parsed.error_code ?? null }).toEqual(
          expectedSdkAnswer('SMS', spoiled.expected),
        );
        if (spoiled.expected === 'OK') expect(parsed.result).toBe(true);
        // Cheap runs, many (field, kind) pairs: more runs so every pair is reached at the default count.
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  /** Valid envelope for verify: no code was sent to these mobiles, so the unspoiled request is CODE_WRONG; one field spoiled gets its exact code. */
  it('POST /api/v2/sdk/sms/verify, valid envelope: one field spoiled gets its exact code', async () => {
    const mutation = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.constant<Mutation<SdkErrorCode>>({
          field: '-',
          kind: 'valid',
          value: ABSENT,
          expected: 'CODE_WRONG',
        }),
      },
      { weight: 4, arbitrary: mutationsOf(SMS_VERIFY_FIELD_CODES, smsVerifyValues, 'PARAMETER_INVALID') },
    );
    let run = 10_000;
    await fc.assert(
      fc.asyncProperty(mutation, async (spoiled) => {
        run += 1;
        const { device, ip } = caller(run);
        const valid = { mobile: mobileOf(run), type: 'REGISTER_SMS', code: '123456' };
        const body = JSON.stringify(spoiled.field === '-' ? valid : applied(valid, spoiled));
        const answer = await sendRequest(
          platform.baseUrl,
          'POST',
          '/api/v2/sdk/sms/verify',
          Object.entries(platform.sdkHeaders(appKey, device, ip)),
          { body, contentType: 'application/json;charset=UTF-8' },
        );
        const parsed = JSON.parse(answer.text) as { error_code?: string };
        recordMutation('sms/verify', spoiled, parsed.error_code ?? String(answer.status));
        expect(violation('POST', '/api/v2/sdk/sms/verify', answer.status, answer.text, body)).toBeNull();
        expect({ status: answer.status, errorCode: parsed.error_code ?? null }).toEqual(
          expectedSdkAnswer('SMS', spoiled.expected),
        );
        // Cheap runs, many (field, kind) pairs: more runs so every pair is reached at the default count.
      }),
      { numRuns: NUM_RUNS * 3 },
    );
  });

  it('afterwards: healthy, and a real send is accepted', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    const headers = platform.sdkHeaders(appKey, 'fresh-device', '198.51.100.78');
    const { credential } = await platform.solveCaptcha(headers);
    const sent = await platform.sdk('POST', '/sms/send', headers, {
      mobile: '13900139000',
      type: 'REGISTER_SMS',
      captcha_token: credential,
    });
    expect(sent).toMatchObject({ status: 200, body: { result: true } });
  });
});
