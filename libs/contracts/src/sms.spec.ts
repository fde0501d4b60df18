import { describe, expect, it } from '@jest/globals';
import { normaliseSmsType, SMS_TYPES } from './sms.js';
import { SDK_ERRORS, sdkErrorBody } from './sdk-errors.js';

describe('normaliseSmsType', () => {
  it('takes the six seed values as they are', () => {
    for (const type of SMS_TYPES) expect(normaliseSmsType(type)).toBe(type);
  });

  it("ignores white space anywhere inside and case, as the seed's own examples need", () => {
    expect(normaliseSmsType('BIND_MOBILE_ SMS ')).toBe('BIND_MOBILE_SMS');
    expect(normaliseSmsType('LOG IN_SMS')).toBe('LOGIN_SMS');
    expect(normaliseSmsType(' register_sms')).toBe('REGISTER_SMS');
    expect(normaliseSmsType('OTP_\tREST_SMS\n')).toBe('OTP_REST_SMS');
    expect(normaliseSmsType('UPDATE_MOBILE_SMS\u3000')).toBe('UPDATE_MOBILE_SMS');
  });

  it('folds ASCII case only: Unicode case mappings (ı → I, ſ → S, İ) do not make a look-alike valid', () => {
    for (const lookAlike of ['REGıSTER_SMS', 'LOGIN_ſMS', 'log\u0130n_sms', 'LOGIN\u200B_SMS', 'ⅬOGIN_SMS'])
      expect(normaliseSmsType(lookAlike)).toBeNull();
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'LOGIN',
      'LOGIN_SMS_',
      'LOGOUT_SMS',
      'LOGIN-SMS',
      'ＬＯＧＩＮ_SMS',
      'LOGIN_SMS'.repeat(8),
      7,
      null,
      undefined,
      ['LOGIN_SMS'],
      { type: 'LOGIN_SMS' },
    ]) {
      expect(normaliseSmsType(bad)).toBeNull();
    }
  });
});

describe('SDK error codes', () => {
  it("prefixes a code with its API and speaks the caller's language", () => {
    expect(sdkErrorBody('SMS', 'RESEND_TOO_SOON', 'zh')).toEqual({
      error_code: 'SMS.RESEND_TOO_SOON',
      error_msg: '发送过于频繁，请稍后再试',
    });
    expect(sdkErrorBody('CAPTCHA', 'PARAMETER_INVALID', 'en', 'token')).toEqual({
      error_code: 'CAPTCHA.PARAMETER_INVALID',
      error_msg: 'Invalid request parameter: token',
    });
  });

  it('answers limits with 429, refusals with 400 and faults with 5xx', () => {
    for (const code of [
      'RESEND_TOO_SOON',
      'MOBILE_HOURLY_LIMIT',
      'MOBILE_DAILY_LIMIT',
      'DEVICE_LIMIT',
      'IP_LIMIT',
      'RATE_LIMITED',
      'LOCKED_OUT',
    ] as const) {
      expect(SDK_ERRORS[code].httpStatus).toBe(429);
    }
    expect(SDK_ERRORS.CODE_WRONG.httpStatus).toBe(400);
    expect(SDK_ERRORS.SERVICE_UNAVAILABLE.httpStatus).toBe(503);
    for (const row of Object.values(SDK_ERRORS)) expect(row.zh && row.en).toBeTruthy();
  });
});
