import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { PowChallenge } from './types.js';

/**
 * AJ-Captcha's client scheme, as its JS/Android/iOS clients do it with CryptoJS: AES-128-ECB with
 * PKCS#7 padding, the UTF-8 bytes of the captcha's 16-character `secretKey` as the key, Base64
 * output. `pointJson` of a check is sent this way, and the `captchaVerification` of such a check
 * comes back this way (its plain form is `token---pointJson`).
 */
export function aesEncrypt(plain: string, secretKey: string): string {
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(secretKey, 'utf8'), null);
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** The plain text, or null when `cipherText` is not Base64 AES under this key. */
export function aesDecrypt(cipherText: string, secretKey: string): string | null {
  try {
    const decipher = createDecipheriv('aes-128-ecb', Buffer.from(secretKey, 'utf8'), null);
    return Buffer.concat([decipher.update(Buffer.from(cipherText, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/**
 * Solves a captcha's proof of work (ALTCHA's scheme: the number n in [0, maxnumber] with
 * hex(SHA-256(salt + n)) = challenge) and returns the `powSolution` payload a check or managed
 * call sends: Base64 of `{algorithm, challenge, number, salt, signature}`. Null when no number
 * solves it (not a challenge of this gateway).
 */
export function solvePow(pow: PowChallenge): string | null {
  const { algorithm = 'SHA-256', challenge, salt, signature, maxnumber } = pow;
  if (algorithm !== 'SHA-256' || !challenge || salt === undefined || maxnumber === undefined) return null;
  for (let number = 0; number <= maxnumber; number++) {
    if (
      createHash('sha256')
        .update(salt + number)
        .digest('hex') === challenge
    )
      return Buffer.from(JSON.stringify({ algorithm, challenge, number, salt, signature })).toString('base64');
  }
  return null;
}
