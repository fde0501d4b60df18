import { createCipheriv, createDecipheriv, createHash, randomInt } from 'node:crypto';

/**
 * AJ-Captcha's client scheme: AES-128-ECB with PKCS#7 padding, the 16-character secretKey's
 * UTF-8 bytes as the key, Base64 output (what its JS/Android/iOS clients do with CryptoJS).
 */
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh 16-character key (letters and digits, as AJ-Captcha generates). */
export function newSecretKey(): string {
  let key = '';
  for (let i = 0; i < 16; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

export function aesEncrypt(plain: string, secretKey: string): string {
  const cipher = createCipheriv('aes-128-ecb', Buffer.from(secretKey, 'utf8'), null);
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** The plain text, or null if `cipherText` is not Base64 AES under this key (wrong key, bad padding…). */
export function aesDecrypt(cipherText: string, secretKey: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cipherText)) return null;
  const data = Buffer.from(cipherText, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return null;
  try {
    const decipher = createDecipheriv('aes-128-ecb', Buffer.from(secretKey, 'utf8'), null);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

export interface DecodedPointJson {
  /** The JSON text as the client meant it (decrypted if it was encrypted). */
  plain: string;
  value: unknown;
  encrypted: boolean;
}

/**
 * `pointJson` as sent by a client: Base64 AES of the JSON (AJ-Captcha clients), or the plain
 * JSON (clients without AES). Null when it is neither.
 */
export function decodePointJson(pointJson: string, secretKey: string): DecodedPointJson | null {
  const trimmed = pointJson.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const value = parseJson(trimmed);
    return value === undefined ? null : { plain: trimmed, value, encrypted: false };
  }
  const plain = aesDecrypt(trimmed, secretKey);
  if (plain === null) return null;
  const value = parseJson(plain);
  return value === undefined ? null : { plain, value, encrypted: true };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The credential handed out on success: `token---pointJson` (plain JSON as the client sent it),
 * AES-encrypted with the secretKey when the client used AES — exactly as AJ-Captcha does.
 */
export function captchaVerification(token: string, decoded: DecodedPointJson, secretKey: string): string {
  const plain = `${token}---${decoded.plain}`;
  return decoded.encrypted ? aesEncrypt(plain, secretKey) : plain;
}

/**
 * What is stored of a captchaVerification: its SHA-256 (the credential itself never is). The
 * captcha worker stores it; the SMS send consumes it by the same hash.
 */
export function verificationHash(captchaVerification: string): string {
  return createHash('sha256').update(captchaVerification, 'utf8').digest('hex');
}

/** The 32-hex-digit token of a credential in plain form (`token---pointJson`), or null. */
export function plainCredentialToken(captchaVerification: string): string | null {
  return /^([0-9a-f]{32})---/.exec(captchaVerification)?.[1] ?? null;
}

/**
 * docs/contract.md#image-captcha, #sms-verification-code: a credential handed out in AES form may come back in its plain form
 * (`token---pointJson`). Its AES form, for looking it up by hash, when `secretKeyOf` knows the
 * token's key; null when the credential is not in plain form or its session is unknown.
 */
export async function aesFormOfPlainCredential(
  credential: string,
  secretKeyOf: (token: string) => Promise<string | null>,
): Promise<string | null> {
  const token = plainCredentialToken(credential);
  if (!token) return null;
  const secretKey = await secretKeyOf(token);
  return secretKey ? aesEncrypt(credential, secretKey) : null;
}
