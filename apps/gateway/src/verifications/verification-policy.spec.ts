import { describe, expect, it } from '@jest/globals';
import { SmsCodeHasher } from '../sms/sms-policy.js';
import { fraudPrefix, maskDestination, smsMobileOf, VerificationCodeHasher } from './verification-policy.js';

describe('VerificationCodeHasher', () => {
  const hasher = new VerificationCodeHasher('a-master-key-of-some-length');

  it('is keyed and binds the code to its app and verification', () => {
    const h = hasher.hash('app', 'v1', '123456');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('123456');
    expect(hasher.hash('app', 'v1', '123456')).toBe(h);
    expect(new VerificationCodeHasher('another-master-key-xx').hash('app', 'v1', '123456')).not.toBe(h);
    expect(hasher.hash('app2', 'v1', '123456')).not.toBe(h);
    expect(hasher.hash('app', 'v2', '123456')).not.toBe(h);
    expect(hasher.hash('app', 'v1', '123457')).not.toBe(h);
  });

  it('never equals an SMS API hash of the same input (its own key label)', () => {
    const sms = new SmsCodeHasher('a-master-key-of-some-length');
    expect(hasher.hash('app', 'v1', '123456')).not.toBe(sms.hash('app', 'v1', '', '123456'));
  });
});

describe('destinations', () => {
  it('forms the fraud prefix from the digits after +; none when the guard is off', () => {
    expect(fraudPrefix('+8821612345678', 6)).toBe('882161');
    expect(fraudPrefix('+447700900123', 4)).toBe('4477');
    expect(fraudPrefix('+447700900123', 0)).toBeNull();
  });

  it("sends SMS in national form after the SMPP prefix's country code, or as digits without one", () => {
    expect(smsMobileOf('+8613800138000', '86')).toBe('13800138000');
    expect(smsMobileOf('+447700900123', '86')).toBeNull();
    expect(smsMobileOf('+447700900123', '')).toBe('447700900123');
  });

  it('masks a destination for logs, keeping its head and last 4 digits', () => {
    expect(maskDestination('+8613800138000')).toBe('+86138****8000');
    expect(maskDestination('+1234567')).toBe('+***4567');
    expect(maskDestination('+8613800138000')).not.toContain('13800138000');
  });
});
