import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { httpStatusIsTransient, signHttpSms } from './http.provider.js';

describe('HTTP SMS provider', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 under the secret', () => {
    const body = '{"messageId":"m","to":"13800000000","text":"x"}';
    const expected = createHmac('sha256', 'a-secret-of-16-chars').update(`1764000000.${body}`).digest('hex');
    expect(signHttpSms('a-secret-of-16-chars', body, 1764000000)).toBe(`t=1764000000,v1=${expected}`);
    expect(signHttpSms('another-secret-16ch', body, 1764000000)).not.toBe(`t=1764000000,v1=${expected}`);
  });

  it('retries on timeouts, throttling and server faults, not on other client errors', () => {
    expect([408, 425, 429, 500, 502, 503].map(httpStatusIsTransient)).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 410, 422].map(httpStatusIsTransient)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
