import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * App secrets must be recoverable (the AKSK digest is an HMAC keyed by the secret), so they are
 * stored encrypted with AES-256-GCM under the operator's master key, never in clear.
 * Format: v1.<iv b64>.<tag b64>.<ciphertext b64>
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    this.key = createHash('sha256').update(masterKey).digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unknown sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }

  /**
   * `open`, or null when the value cannot be opened (sealed under a master key since replaced, or
   * damaged): for values a caller can do without, such as a captcha credential's key, which then
   * counts as unknown instead of failing the request.
   */
  openOrNull(sealed: string): string | null {
    try {
      return this.open(sealed);
    } catch {
      return null;
    }
  }
}
