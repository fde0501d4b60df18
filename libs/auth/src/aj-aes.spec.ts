import { describe, expect, it } from '@jest/globals';
import { aesDecrypt, aesEncrypt, captchaVerification, decodePointJson, newSecretKey } from './aj-aes.js';

/*
 * Known vectors computed independently of this module: CryptoJS (what AJ-Captcha's web client
 * uses) `CryptoJS.AES.encrypt(word, CryptoJS.enc.Utf8.parse(key), {mode: ECB, padding: Pkcs7})`
 * gives the same bytes as `openssl enc -aes-128-ecb -K <hex key> -a`:
 *   printf '{"x":237.0,"y":5.0}' | openssl enc -aes-128-ecb -K 4142434445464748494a4b4c4d4e4f50 -a
 */
const KEY = 'ABCDEFGHIJKLMNOP';
const VECTORS: Array<[string, string]> = [
  ['{"x":237.0,"y":5.0}', '+54GVoevuykADnPRsnpDxpWV2ftKKLB/DMrzgCordWo='],
  ['', 'zkjCHtNaQPrNkpob8l/FlQ=='],
];

describe('AJ-Captcha AES (AES-128-ECB, PKCS#7, Base64)', () => {
  it.each(VECTORS)('encrypts %j to the known vector', (plain, cipher) => {
    expect(aesEncrypt(plain, KEY)).toBe(cipher);
    expect(aesDecrypt(cipher, KEY)).toBe(plain);
  });

  it('refuses a wrong key, bad Base64 and bad lengths instead of throwing', () => {
    expect(aesDecrypt(VECTORS[0]![1], 'PONMLKJIHGFEDCBA')).not.toBe(VECTORS[0]![0]);
    expect(aesDecrypt('not base64!', KEY)).toBeNull();
    expect(aesDecrypt('AAAA', KEY)).toBeNull();
  });

  it('makes 16-character alphanumeric keys that differ', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newSecretKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('decodes encrypted and plain pointJson, and refuses garbage', () => {
    const encrypted = decodePointJson(VECTORS[0]![1], KEY);
    expect(encrypted).toEqual({ plain: '{"x":237.0,"y":5.0}', value: { x: 237, y: 5 }, encrypted: true });
    expect(decodePointJson('[{"x":1,"y":2}]', KEY)).toEqual({
      plain: '[{"x":1,"y":2}]',
      value: [{ x: 1, y: 2 }],
      encrypted: false,
    });
    expect(decodePointJson('{"x":', KEY)).toBeNull();
    expect(decodePointJson(aesEncrypt('not json', KEY), KEY)).toBeNull();
  });

  it('builds captchaVerification as token---pointJson, encrypted when the client encrypted', () => {
    const plain = decodePointJson('{"x":237.0,"y":5.0}', KEY)!;
    expect(captchaVerification('71d635', plain, KEY)).toBe('71d635---{"x":237.0,"y":5.0}');
    const encrypted = decodePointJson(VECTORS[0]![1], KEY)!;
    expect(aesDecrypt(captchaVerification('71d635', encrypted, KEY), KEY)).toBe('71d635---{"x":237.0,"y":5.0}');
  });
});
