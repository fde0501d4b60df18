import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keyed hashes of verification codes (HMAC-SHA256 under a key derived from the master key, with
 * its own label, so it never equals an SMS code's hash): what the database keeps. The app and the
 * verification are part of the input, so a hash matches only its own verification's code.
 */
export class VerificationCodeHasher {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, 'verigate', 'verification-code-hash v1', 32));
  }

  hash(appId: string, verificationId: string, code: string): string {
    return createHmac('sha256', this.key).update(`${appId}\n${verificationId}\n${code}`).digest('hex');
  }
}

/**
 * The fraud guard's prefix of an E.164 destination: its first `digits` digits after the `+`
 * (the country code and the next digits). Null when the guard is off (0 digits).
 */
export function fraudPrefix(destination: string, digits: number): string | null {
  if (digits === 0) return null;
  return destination.replace(/^\+/, '').slice(0, digits);
}

/**
 * The SMS leg's mobile as the sms worker sends it: the SMPP destination is VERIGATE_SMPP_DEST_PREFIX
 * followed by the mobile, so a number of that country goes without its country code, and with no
 * country code configured the number goes as its digits. Null when a country code is configured and
 * the number is of another country (the SMS centre would get a wrong number).
 */
export function smsMobileOf(destination: string, countryCode: string): string | null {
  const digits = destination.replace(/^\+/, '');
  if (countryCode === '') return digits;
  return digits.startsWith(countryCode) ? digits.slice(countryCode.length) : null;
}

/** `+8613800138000` → `+86138****8000`: enough to tell numbers apart in logs, not to read one. */
export function maskDestination(destination: string): string {
  const head = Math.min(6, Math.max(1, destination.length - 8));
  return `${destination.slice(0, head)}${'*'.repeat(destination.length - head - 4)}${destination.slice(-4)}`;
}
