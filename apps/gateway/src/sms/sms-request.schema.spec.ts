import { describe, expect, it } from '@jest/globals';
import { SdkError } from '../sdk/sdk-error.js';
import type { SdkHeaders } from '../sdk/sdk-headers.js';
import { parseSendSms, parseVerifySms } from './sms-request.schema.js';

const sdk: SdkHeaders = { lang: 'en', clientId: 'c', fingerprint: 'f', osVersion: 'o', agent: 'a' };
const seedRule = /^[0-9]{11}$/;
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as SdkError).code;
  }
  return 'accepted';
};

describe('SMS request parsing', () => {
  it('reads the seed example', () => {
    expect(
      parseSendSms(
        { mobile: '12345678901', type: 'BIND_MOBILE_ SMS ', captcha_token: '71d---{"x":237.0,"y":5.0}' },
        seedRule,
        sdk,
      ),
    ).toEqual({ mobile: '12345678901', type: 'BIND_MOBILE_SMS', captchaToken: '71d---{"x":237.0,"y":5.0}' });
  });

  it('applies the configured national format', () => {
    const uk = /^07[0-9]{9}$/;
    expect(codeOf(() => parseSendSms({ mobile: '07700900123', type: 'LOGIN_SMS', captcha_token: 't' }, uk, sdk))).toBe(
      'accepted',
    );
    expect(codeOf(() => parseSendSms({ mobile: '12345678901', type: 'LOGIN_SMS', captcha_token: 't' }, uk, sdk))).toBe(
      'MOBILE_INVALID',
    );
  });

  it('tells a missing field from a malformed one', () => {
    expect(codeOf(() => parseSendSms({ type: 'LOGIN_SMS', captcha_token: 't' }, seedRule, sdk))).toBe(
      'PARAMETER_INVALID',
    );
    expect(
      codeOf(() => parseSendSms({ mobile: '+8613800000000', type: 'LOGIN_SMS', captcha_token: 't' }, seedRule, sdk)),
    ).toBe('MOBILE_INVALID');
    expect(codeOf(() => parseSendSms({ mobile: '12345678901', captcha_token: 't' }, seedRule, sdk))).toBe(
      'PARAMETER_INVALID',
    );
    expect(
      codeOf(() => parseSendSms({ mobile: '12345678901', type: 'SIGNUP', captcha_token: 't' }, seedRule, sdk)),
    ).toBe('TYPE_INVALID');
    expect(
      codeOf(() => parseSendSms({ mobile: '12345678901', type: 'LOGIN_SMS', captcha_token: '  ' }, seedRule, sdk)),
    ).toBe('PARAMETER_INVALID');
    expect(
      codeOf(() =>
        parseSendSms({ mobile: '12345678901', type: 'LOGIN_SMS', captcha_token: 'x'.repeat(5000) }, seedRule, sdk),
      ),
    ).toBe('CAPTCHA_TOKEN_INVALID');
  });

  it('refuses codes that cannot be codes without counting an attempt', () => {
    expect(parseVerifySms({ mobile: '12345678901', type: 'LOGIN_SMS', code: '012345' }, seedRule, sdk).code).toBe(
      '012345',
    );
    for (const code of ['', '12a456', ' 123456', '12345678901', 123456, null]) {
      expect(codeOf(() => parseVerifySms({ mobile: '12345678901', type: 'LOGIN_SMS', code }, seedRule, sdk))).toBe(
        'PARAMETER_INVALID',
      );
    }
  });
});
