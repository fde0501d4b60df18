import { describe, expect, it } from '@jest/globals';
import { decodeNotifyUrl, validateCallVerify } from './call-verify.schema.js';

const seedExample = {
  displayNbr: '+8675528000088',
  calleeNbr: '+8618900000007',
  languageType: 2,
  preTone: 'welcome.wav',
  verifyCode: '12345678',
  times: 3,
  userData: 'cwgtest',
};

describe('callVerify body (表4)', () => {
  it('accepts the seed example with its defaults', () => {
    const result = validateCallVerify(seedExample);
    expect(result).toEqual({
      ok: true,
      request: { ...seedExample, posTone: null, statusUrl: null, feeUrl: null, returnIdlePort: false },
    });
  });

  it("defaults times to 3 and decodes the seed's base64 URLs", () => {
    const { times, ...rest } = seedExample;
    const result = validateCallVerify({
      ...rest,
      statusUrl: 'aHR0cDovLzIxOC40LjMzLjU1Ojg4ODgvdGVzdA==',
      returnIdlePort: 'true',
    });
    expect(result).toMatchObject({
      ok: true,
      request: { times: 3, statusUrl: 'http://218.4.33.55:8888/test', returnIdlePort: true },
    });
    expect(times).toBe(3);
  });

  it.each([
    [null, 'the body must be a JSON object'],
    [[1], 'the body must be a JSON object'],
    [{ ...seedExample, displayNbr: undefined }, 'displayNbr is required'],
    [{ ...seedExample, displayNbr: '12' }, 'displayNbr must be 4-31 digits'],
    [{ ...seedExample, calleeNbr: '+86 139' }, 'calleeNbr must be 4-31 digits'],
    [{ ...seedExample, languageType: '2' }, 'languageType must be'],
    [{ ...seedExample, preTone: '' }, 'preTone must be'],
    [{ ...seedExample, verifyCode: 12345678 }, 'verifyCode must be a string of 2-8 digits'],
    [{ ...seedExample, verifyCode: '1' }, 'verifyCode must be'],
    [{ ...seedExample, times: -1 }, 'times must be an integer from 0 to 9'],
    [{ ...seedExample, times: 1.5 }, 'times must be'],
    [{ ...seedExample, returnIdlePort: 'yes' }, 'returnIdlePort must be "true" or "false"'],
    [{ ...seedExample, userData: 'x'.repeat(257) }, 'userData must be a string of 1-256'],
    [{ ...seedExample, userData: '{}' }, 'userData must not contain { or }'],
    [{ ...seedExample, userData: '客户' }, 'userData must not contain Chinese'],
    [{ ...seedExample, userData: 'a\nb' }, 'userData must not contain control'],
    [{ ...seedExample, posTone: 5 }, 'posTone must be'],
  ])('%j → %s', (body, detail) => {
    const result = validateCallVerify(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toContain(detail);
  });

  it('accepts times 0 (loop until hang-up) and 9', () => {
    expect(validateCallVerify({ ...seedExample, times: 0 })).toMatchObject({ ok: true, request: { times: 0 } });
    expect(validateCallVerify({ ...seedExample, times: 9 })).toMatchObject({ ok: true, request: { times: 9 } });
  });
});

describe('statusUrl / feeUrl', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    [b64('https://cb.example.com:8443/voice/status'), true],
    [b64('http://10.0.0.1/x'), true],
    [b64('ftp://example.com/x'), false],
    [b64('http://example.com/a?b=c'), false],
    [b64('http://exa mple.com'), false],
    ['not base64!', false],
    ['A'.repeat(132), false],
  ])('%s valid: %s', (value, ok) => {
    expect(decodeNotifyUrl('statusUrl', value).ok).toBe(ok);
  });
});
