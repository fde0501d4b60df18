import { describe, expect, it } from '@jest/globals';
import { optionalHttpUrl } from '../admin-schema.js';
import { limitsField } from './app.schema.js';

describe('optionalHttpUrl', () => {
  const read = (value: unknown) => optionalHttpUrl({ url: value }, 'url', 40);

  it('takes an absolute http(s) URL up to the maximum, null, or nothing', () => {
    expect(read('https://hooks.example.com/sms')).toBe('https://hooks.example.com/sms');
    expect(read('http://127.0.0.1:8080/x?y=1')).toBe('http://127.0.0.1:8080/x?y=1');
    expect(read(null)).toBeNull();
    expect(optionalHttpUrl({}, 'url')).toBeUndefined();
    expect(read(`https://h.example/${'a'.repeat(40 - 'https://h.example/'.length)}`)).toHaveLength(40);
  });

  it.each([
    ['ftp://h.example/x'],
    ['/relative'],
    ['hooks.example.com'],
    [''],
    [5],
    [{}],
    [`https://h.example/${'a'.repeat(30)}`],
    ['mailto:a@b.c'],
  ])('refuses %j', (value) => {
    expect(() => read(value)).toThrow('url must be an absolute http or https URL of at most 40 characters, or null');
  });
});

describe('limitsField', () => {
  it('merges valid SMS settings and removes those set to null', () => {
    const next = limitsField(
      { limits: { smsCodeLength: 4, smsResendCooldownSeconds: 0, smsPerIpPerHour: 1, apiPerMinute: null } },
      { apiPerMinute: 5, smsCodeLength: 6, smsVerifyAttempts: 3 },
    );
    expect(next).toEqual({ smsCodeLength: 4, smsResendCooldownSeconds: 0, smsPerIpPerHour: 1, smsVerifyAttempts: 3 });
    expect(limitsField({}, {})).toBeUndefined();
  });

  it.each([
    ['smsCodeLength', 3, '4-10'],
    ['smsCodeLength', 11, '4-10'],
    ['smsCodeTtlSeconds', 86_401, '30-86400'],
    ['smsVerifyAttempts', 101, '1-100'],
    ['smsResendCooldownSeconds', -1, '0-86400'],
    ['smsPerMobilePerHour', 0, '1-1000000000'],
    ['smsPerMobilePerDay', 1.5, '1-1000000000'],
    ['smsPerDevicePerHour', '2', '1-1000000000'],
    ['apiPerMinute', -1, '0-1000000000'],
  ])('refuses %s = %j (range %s)', (name, value, range) => {
    expect(() => limitsField({ limits: { [name]: value } }, {})).toThrow(
      `limits.${name} must be an integer ${range} or null`,
    );
  });

  it('accepts each range’s bounds', () => {
    expect(
      limitsField(
        {
          limits: {
            smsCodeLength: 10,
            smsCodeTtlSeconds: 30,
            smsVerifyAttempts: 100,
            smsResendCooldownSeconds: 86_400,
          },
        },
        {},
      ),
    ).toEqual({ smsCodeLength: 10, smsCodeTtlSeconds: 30, smsVerifyAttempts: 100, smsResendCooldownSeconds: 86_400 });
  });

  it('refuses unknown names and non-objects', () => {
    expect(() => limitsField({ limits: { smsPerWeek: 1 } }, {})).toThrow(
      /^limits\.smsPerWeek must be one of apiPerMinute, /,
    );
    expect(() => limitsField({ limits: [1] }, {})).toThrow(/^limits must be an object with any of /);
  });
});
