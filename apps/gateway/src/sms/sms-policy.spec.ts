import { describe, expect, it } from '@jest/globals';
import {
  newCode,
  SmsCodeHasher,
  smsMobileBlocked,
  smsPolicy,
  velocityAlertPrefix,
  velocityPrefix,
} from './sms-policy.js';

const defaults = {
  codeLength: 6,
  codeTtlSeconds: 300,
  verifyAttempts: 5,
  resendCooldownSeconds: 60,
  perMobilePerHour: 5,
  perMobilePerDay: 10,
  perDevicePerHour: 10,
  perIpPerHour: 50,
  dailyBudget: 10_000,
};

describe('SMS policy', () => {
  it("takes the app's own limits over the platform defaults, key by key", () => {
    expect(smsPolicy({}, defaults)).toEqual(defaults);
    expect(smsPolicy({ smsCodeLength: 4, smsResendCooldownSeconds: 0, callsPerDay: 3 }, defaults)).toEqual({
      ...defaults,
      codeLength: 4,
      resendCooldownSeconds: 0,
    });
  });

  it('draws codes of the asked length over all digits', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newCode(6);
      expect(code).toMatch(/^\d{6}$/);
      for (const digit of code) seen.add(digit);
    }
    expect(seen.size).toBe(10);
    expect(newCode(8)).toHaveLength(8);
  });
});

describe('SmsCodeHasher', () => {
  const hasher = new SmsCodeHasher('a-master-key-of-some-length');

  it('is keyed: another master key gives another hash, and the hash is not a plain digest of the code', () => {
    const h = hasher.hash('app', '13800000000', 'LOGIN_SMS', '123456');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(new SmsCodeHasher('another-master-key-xx').hash('app', '13800000000', 'LOGIN_SMS', '123456')).not.toBe(h);
    expect(h).not.toContain('123456');
  });

  it('binds the code to the app, mobile and type', () => {
    const h = hasher.hash('app', '13800000000', 'LOGIN_SMS', '123456');
    expect(hasher.hash('app', '13800000000', 'LOGIN_SMS', '123456')).toBe(h);
    expect(hasher.hash('app2', '13800000000', 'LOGIN_SMS', '123456')).not.toBe(h);
    expect(hasher.hash('app', '13800000001', 'LOGIN_SMS', '123456')).not.toBe(h);
    expect(hasher.hash('app', '13800000000', 'REGISTER_SMS', '123456')).not.toBe(h);
    expect(hasher.hash('app', '13800000000', 'LOGIN_SMS', '123457')).not.toBe(h);
  });

  it('forms the velocity prefix from the country code and the first digits; none when velocity is off', () => {
    const velocity = { multiple: 10, floor: 100, prefixDigits: 7 };
    expect(velocityPrefix('13800138000', velocity, '')).toBe('1380013');
    expect(velocityPrefix('13800138000', velocity, '86')).toBe('8613800');
    expect(velocityPrefix('+447700900123', velocity, '86')).toBe('4477009');
    expect(velocityPrefix('13800138000', { ...velocity, multiple: 0 }, '86')).toBeNull();
  });

  it('names the alerted range in VERIGATE_SMS_BLOCKED_PREFIXES form, too short to rebuild the number with its last 4 digits', () => {
    const velocity = { multiple: 10, floor: 100, prefixDigits: 7 };
    // National form, no country code: at most 5 digits (11 - 6).
    expect(velocityAlertPrefix('13800138000', velocity, '')).toBe('13800');
    // Country code known: `+` form, 5 national digits at most.
    expect(velocityAlertPrefix('13800138000', velocity, '86')).toBe('+8613800');
    expect(velocityAlertPrefix('13800138000', { ...velocity, prefixDigits: 12 }, '86')).toBe('+8613800');
    expect(velocityAlertPrefix('+8613800138000', { ...velocity, prefixDigits: 12 }, '86')).toBe('+8613800');
    expect(velocityAlertPrefix('13800138000', { ...velocity, prefixDigits: 4 }, '86')).toBe('+8613');
    // A foreign number: the length bound only.
    expect(velocityAlertPrefix('+447700900123', { ...velocity, prefixDigits: 12 }, '86')).toBe('+447700');
    // Never more than length - 6 digits, whatever the configuration.
    expect(velocityAlertPrefix('1234567', velocity, '')).toBe('1');
    expect(velocityAlertPrefix('123456', velocity, '')).toBe('');
  });

  it('blocks a national mobile by a blocked prefix in either form once the country code is known', () => {
    expect(smsMobileBlocked('17000000001', ['170'], '')).toBe(true);
    expect(smsMobileBlocked('17000000001', ['+170'], '')).toBe(true);
    expect(smsMobileBlocked('17000000001', ['+86170'], '86')).toBe(true);
    expect(smsMobileBlocked('17000000001', ['86170'], '86')).toBe(true);
    expect(smsMobileBlocked('+8617000000001', ['+86170'], '86')).toBe(true);
    expect(smsMobileBlocked('17000000001', ['+86170'], '')).toBe(false);
    expect(smsMobileBlocked('13800000001', ['+86170'], '86')).toBe(false);
    expect(smsMobileBlocked('+4417000000001', ['+86170'], '86')).toBe(false);
  });

  it("takes the app's daily budget over the platform default", () => {
    expect(smsPolicy({ smsDailyBudget: 3 }, defaults).dailyBudget).toBe(3);
  });
});
