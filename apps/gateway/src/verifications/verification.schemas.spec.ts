import { describe, expect, it } from '@jest/globals';
import {
  checkVerificationSchema,
  createVerificationSchema,
  parseVerificationBody,
  resendVerificationSchema,
} from './verification.schemas.js';

const create = (body: unknown) => parseVerificationBody(createVerificationSchema, body);

describe('verification request schemas', () => {
  it('reads a valid start request, the optional fields included', () => {
    expect(create({ to: '+8613800138000', channel: 'auto', locale: 'zh' })).toEqual({
      ok: true,
      value: { to: '+8613800138000', channel: 'auto', locale: 'zh' },
    });
    expect(
      create({
        to: '+447700900123',
        channel: 'sms',
        locale: 'en',
        codeLength: 8,
        ttlSeconds: 60,
        captchaVerification: 't',
      }),
    ).toMatchObject({ ok: true, value: { codeLength: 8, ttlSeconds: 60 } });
  });

  it('refuses each bad field with 1020001 and a detail that names it', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ channel: 'sms', locale: 'en' }, /^to is required/],
      [{ to: '8613800138000', channel: 'sms', locale: 'en' }, /E\.164/],
      [{ to: '+0613800138000', channel: 'sms', locale: 'en' }, /E\.164/],
      [{ to: '+8613800138000', channel: 'fax', locale: 'en' }, /channel must be/],
      [{ to: '+8613800138000', channel: 'sms', locale: 'fr' }, /locale must be/],
      [{ to: '+8613800138000', channel: 'sms', locale: 'en', codeLength: 3 }, /codeLength/],
      [{ to: '+8613800138000', channel: 'sms', locale: 'en', codeLength: 6.5 }, /codeLength/],
      [{ to: '+8613800138000', channel: 'sms', locale: 'en', ttlSeconds: '60' }, /ttlSeconds/],
    ];
    for (const [body, detail] of cases) {
      const parsed = create(body);
      expect(parsed).toMatchObject({ ok: false, code: 'PARAMETER_ERROR' });
      expect(parsed.ok ? '' : parsed.detail).toMatch(detail);
    }
  });

  it('maps a bad captchaVerification to its own code, and a non-object body to 1020001', () => {
    expect(create({ to: '+8613800138000', channel: 'sms', locale: 'en', captchaVerification: '' })).toMatchObject({
      ok: false,
      code: 'VERIFICATION_CAPTCHA_INVALID',
    });
    for (const body of [null, [], 'x', 5, undefined])
      expect(create(body)).toEqual({ ok: false, code: 'PARAMETER_ERROR', detail: 'the body must be a JSON object' });
  });

  it('takes codes of 4-10 digits only, and resends on sms or call', () => {
    expect(parseVerificationBody(checkVerificationSchema, { code: '012345' })).toEqual({
      ok: true,
      value: { code: '012345' },
    });
    for (const code of ['123', '12a456', 123456, null, ' 123456'])
      expect(parseVerificationBody(checkVerificationSchema, { code }).ok).toBe(false);
    expect(parseVerificationBody(resendVerificationSchema, { channel: 'call' }).ok).toBe(true);
    expect(parseVerificationBody(resendVerificationSchema, { channel: 'auto' }).ok).toBe(false);
  });
});
