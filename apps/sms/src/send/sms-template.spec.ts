import { describe, expect, it } from '@jest/globals';
import { SMS_TYPES } from '#libs/contracts';
import { renderSmsText } from './sms-template.js';

describe('renderSmsText', () => {
  it('writes the Chinese text with the signature in 【】, the purpose, the code and its validity', () => {
    expect(
      renderSmsText({ type: 'BIND_MOBILE_SMS', lang: 'zh', signature: '华为云', code: '042917', ttlSeconds: 300 }),
    ).toBe('【华为云】您的绑定手机号验证码是042917，5分钟内有效。请勿泄露给他人。');
  });

  it('writes the English text with the signature in []', () => {
    expect(renderSmsText({ type: 'LOGIN_SMS', lang: 'en', signature: 'Acme', code: '123456', ttlSeconds: 600 })).toBe(
      '[Acme] Your login code is 123456. Valid for 10 min. Never share it.',
    );
  });

  it('names a different purpose for each of the six types, in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const texts = SMS_TYPES.map((type) => renderSmsText({ type, lang, signature: 'S', code: '1', ttlSeconds: 60 }));
      expect(new Set(texts).size).toBe(SMS_TYPES.length);
    }
  });

  it('never says 0 minutes', () => {
    expect(renderSmsText({ type: 'LOGIN_SMS', lang: 'en', signature: 'S', code: '1', ttlSeconds: 30 })).toContain(
      'Valid for 1 min',
    );
  });

  it('fits one segment with a 10-character signature (70 UCS-2 / 160 GSM characters)', () => {
    for (const type of SMS_TYPES) {
      expect(
        renderSmsText({ type, lang: 'zh', signature: '十个字的应用签名啊啊', code: '12345678', ttlSeconds: 3600 })
          .length,
      ).toBeLessThanOrEqual(70);
      expect(
        renderSmsText({ type, lang: 'en', signature: 'TenLetters', code: '12345678', ttlSeconds: 3600 }).length,
      ).toBeLessThanOrEqual(160);
    }
  });
});
