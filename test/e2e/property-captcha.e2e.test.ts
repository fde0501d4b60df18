import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Platform } from './support/platform.js';
import { reportAnswersSeen, violation } from './support/openapi-oracle.js';
import {
  hostileBody,
  hostileHeaders,
  hostileString,
  NUM_RUNS,
  percentEncoded,
  sendRequest,
} from './support/hostile-inputs.js';
import {
  ABSENT,
  applied,
  CAPTCHA_CHECK_FIELD_CODES,
  CAPTCHA_VERIFY_FIELD_CODES,
  captchaCheckValues,
  captchaVerifyValues,
  expectedSdkAnswer,
  mutationsOf,
  recordMutation,
  reportMutationsSeen,
  type Mutation,
} from './support/valid-envelope.js';
import type { SdkErrorCode } from '#libs/contracts';

/** A client of its own per run (device and address): a wrong answer's lock-out never reaches another run. */
const clientOf = (run: number) => ({ device: `envelope-device-${run}`, ip: `198.18.${(run >> 8) & 255}.${run & 255}` });
/** Each run: nothing spoiled (answer `valid`) in one case out of four, else one field spoiled. */
const oneSpoiled = <F extends string>(
  table: Record<F, Partial<Record<import('./support/valid-envelope.js').Kind, SdkErrorCode | 'OK'>>>,
  values: Parameters<typeof mutationsOf<F, SdkErrorCode>>[1],
) =>
  fc.oneof(
    {
      weight: 1,
      arbitrary: fc.constant<Mutation<SdkErrorCode>>({ field: '-', kind: 'valid', value: ABSENT, expected: 'OK' }),
    },
    { weight: 3, arbitrary: mutationsOf(table, values, 'PARAMETER_INVALID') },
  );

/**
 * Property: whatever a client sends to the captcha SDK API, the answer is one the OpenAPI
 * document lists for that endpoint (status, shape and code), never a fault; afterwards the
 * gateway is healthy and a real captcha flow still works.
 */
describe('captcha SDK API under hostile input (property-based)', () => {
  const platform = new Platform();
  let good: Record<string, string>;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    // The AJ-Captcha contract: proof of work off (captcha-pow.e2e.test.ts covers it on).
    const created = await platform.admin('POST', '/apps', {
      name: 'fuzz',
      permissions: ['captcha'],
      captchaPow: false,
    });
    good = platform.sdkHeaders(((await created.json()) as { appKey: string }).appKey, 'fuzz-device');
  });

  afterAll(async () => {
    reportAnswersSeen();
    reportMutationsSeen();
    await platform.stop();
  });

  it('GET /api/v2/sdk/captcha: any query and headers', async () => {
    const query = fc.oneof(
      fc.constantFrom(
        '',
        '?captchaType=blockPuzzle',
        '?captchaType=clickWord',
        '?captchaType=',
        '?captchaType[]=x',
        '?captchaType=a&captchaType=b',
        '?%zz',
        '?captchaType=%00',
        '?captchaType=%ED%A0%80',
        '?captchaType=%C0%AF',
      ),
      hostileString.map((s) => `?captchaType=${percentEncoded(s.slice(0, 2000))}`),
    );
    await fc.assert(
      fc.asyncProperty(hostileHeaders(good), query, async (headers, q) => {
        const answer = await sendRequest(platform.baseUrl, 'GET', `/api/v2/sdk/captcha${q}`, headers);
        expect(violation('GET', '/api/v2/sdk/captcha', answer.status, answer.text)).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST /api/v2/sdk/captcha/check: bodies, types, content types, headers', async () => {
    const valid = { captchaType: 'blockPuzzle', token: 'a'.repeat(32), pointJson: '{"x":10,"y":5}', trajectory: [] };
    await fc.assert(
      fc.asyncProperty(hostileHeaders(good), hostileBody(valid), async (headers, body) => {
        const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/captcha/check', headers, body);
        expect(violation('POST', '/api/v2/sdk/captcha/check', answer.status, answer.text, body.body)).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST /api/v2/sdk/captcha/verify: bodies, types, content types, headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileHeaders(good),
        hostileBody({ captchaVerification: `${'b'.repeat(32)}---{"x":1,"y":2}` }),
        async (headers, body) => {
          const answer = await sendRequest(platform.baseUrl, 'POST', '/api/v2/sdk/captcha/verify', headers, body);
          expect(violation('POST', '/api/v2/sdk/captcha/verify', answer.status, answer.text, body.body)).toBeNull();
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  /**
   * Valid envelope: a fresh client gets a real blockPuzzle per run and answers it right (the
   * answer read from the database stands in for the person); nothing spoiled passes (200 with a
   * captchaVerification), one field spoiled gets that field's exact code (CAPTCHA_CHECK_FIELD_CODES).
   */
  it('POST /api/v2/sdk/captcha/check, valid envelope: one field spoiled gets its exact code, the right answer passes', async () => {
    const appKey = good['x-client-id']!;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        run += 1;
        const { device, ip } = clientOf(run);
        const headers = platform.sdkHeaders(appKey, device, ip);
        const got = await platform.sdk('GET', '/captcha?captchaType=blockPuzzle', headers);
        expect(got.status).toBe(200);
        const [row] = await platform.infra.query<{ answer: { x: number; y: number } }>(
          'SELECT answer FROM captcha_sessions WHERE token = $1',
          [got.body.token],
        );
        const valid = {
          captchaType: 'blockPuzzle',
          token: got.body.token as string,
          pointJson: JSON.stringify({ x: row!.answer.x, y: row!.answer.y }),
        };
        const spoiled = g(() => oneSpoiled(CAPTCHA_CHECK_FIELD_CODES, captchaCheckValues(row!.answer, valid.token)));
        const body = JSON.stringify(spoiled.field === '-' ? valid : applied(valid, spoiled));
        const answer = await sendRequest(
          platform.baseUrl,
          'POST',
          '/api/v2/sdk/captcha/check',
          Object.entries(headers),
          { body, contentType: 'application/json;charset=UTF-8' },
        );
        const parsed = JSON.parse(answer.text) as {
          error_code?: string;
          result?: boolean;
          captchaVerification?: string;
        };
        recordMutation('captcha/check', spoiled, parsed.error_code ?? String(answer.status));
        expect(violation('POST', '/api/v2/sdk/captcha/check', answer.status, answer.text, body)).toBeNull();
        expect({ status: answer.status, errorCode: parsed.error_code ?? null }).toEqual(
          expectedSdkAnswer('CAPTCHA', spoiled.expected),
        );
        if (spoiled.expected === 'OK')
          expect(parsed).toMatchObject({ result: true, captchaVerification: `${valid.token}---${valid.pointJson}` });
        // No shrinking: a counterexample is one spoiled field already, and shrinking values drawn inside the run (fc.gen) re-runs without end.
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });

  /** Valid envelope for verify: a fresh credential per run (a real captcha solved); it passes once, one field spoiled gets its exact code. */
  it('POST /api/v2/sdk/captcha/verify, valid envelope: one field spoiled gets its exact code, a live credential passes', async () => {
    const appKey = good['x-client-id']!;
    let run = 10_000;
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        run += 1;
        const { device, ip } = clientOf(run);
        const headers = platform.sdkHeaders(appKey, device, ip);
        const { credential } = await platform.solveCaptcha(headers);
        const spoiled = g(() => oneSpoiled(CAPTCHA_VERIFY_FIELD_CODES, captchaVerifyValues(credential)));
        const valid = { captchaVerification: credential };
        const body = JSON.stringify(spoiled.field === '-' ? valid : applied(valid, spoiled));
        const answer = await sendRequest(
          platform.baseUrl,
          'POST',
          '/api/v2/sdk/captcha/verify',
          Object.entries(headers),
          { body, contentType: 'application/json;charset=UTF-8' },
        );
        const parsed = JSON.parse(answer.text) as { error_code?: string; result?: boolean };
        recordMutation('captcha/verify', spoiled, parsed.error_code ?? String(answer.status));
        expect(violation('POST', '/api/v2/sdk/captcha/verify', answer.status, answer.text, body)).toBeNull();
        expect({ status: answer.status, errorCode: parsed.error_code ?? null }).toEqual(
          expectedSdkAnswer('CAPTCHA', spoiled.expected),
        );
        if (spoiled.expected === 'OK') {
          expect(parsed.result).toBe(true);
          // Single use: the same credential again is refused.
          const again = await sendRequest(
            platform.baseUrl,
            'POST',
            '/api/v2/sdk/captcha/verify',
            Object.entries(headers),
            { body, contentType: 'application/json;charset=UTF-8' },
          );
          expect(JSON.parse(again.text)).toMatchObject({ error_code: 'CAPTCHA.VERIFICATION_INVALID' });
        }
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });

  it('afterwards: healthy, and a real captcha is solved and verified', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    const headers = platform.sdkHeaders(good['x-client-id']!, 'fresh-device', '198.51.100.77');
    const { credential } = await platform.solveCaptcha(headers);
    const verified = await platform.sdk('POST', '/captcha/verify', headers, { captchaVerification: credential });
    expect(verified).toMatchObject({ status: 200, body: { result: true } });
  });
});
