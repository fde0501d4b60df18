import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import type { AppLimits } from '#libs/persistence';
import type { SmsDefaults, SmsVelocityConfig } from '#libs/runtime';
import { calleeBlocked } from '../policy/number-ranges.js';

/** An app's SMS limits: its own `limits.sms*`, else the platform defaults (VERIGATE_SMS_*). */
export function smsPolicy(limits: AppLimits, defaults: SmsDefaults): SmsDefaults {
  return {
    codeLength: limits.smsCodeLength ?? defaults.codeLength,
    codeTtlSeconds: limits.smsCodeTtlSeconds ?? defaults.codeTtlSeconds,
    verifyAttempts: limits.smsVerifyAttempts ?? defaults.verifyAttempts,
    resendCooldownSeconds: limits.smsResendCooldownSeconds ?? defaults.resendCooldownSeconds,
    perMobilePerHour: limits.smsPerMobilePerHour ?? defaults.perMobilePerHour,
    perMobilePerDay: limits.smsPerMobilePerDay ?? defaults.perMobilePerDay,
    perDevicePerHour: limits.smsPerDevicePerHour ?? defaults.perDevicePerHour,
    perIpPerHour: limits.smsPerIpPerHour ?? defaults.perIpPerHour,
    dailyBudget: limits.smsDailyBudget ?? defaults.dailyBudget,
  };
}

/**
 * The destination prefix that per-prefix velocity counts: the first `digits` digits of the
 * number in international form (the country code VERIGATE_SMPP_DEST_PREFIX prepends, if any,
 * then the mobile without its `+`). Null when the check is off.
 */
export function velocityPrefix(mobile: string, velocity: SmsVelocityConfig, countryCode: string): string | null {
  if (velocity.multiple === 0) return null;
  const digits = mobile.startsWith('+') ? mobile.slice(1) : countryCode + mobile;
  return digits.slice(0, velocity.prefixDigits);
}

/**
 * The destination range a pumping alert names: the velocity prefix cut so the line cannot be
 * joined with a masked mobile (its last 4 digits, logged elsewhere) to rebuild the number — at
 * most `length - 6` digits and at most 5 digits after the country code. Written as
 * VERIGATE_SMS_BLOCKED_PREFIXES takes it: `+<country code>…` when the country code is known (or
 * the mobile came with `+`), the mobile's leading digits as sent otherwise. The full velocity
 * prefix is in sms_prefix_hours (docs/operations.md).
 */
export function velocityAlertPrefix(mobile: string, velocity: SmsVelocityConfig, countryCode: string): string {
  const international = mobile.startsWith('+') || countryCode !== '';
  const digits = mobile.startsWith('+') ? mobile.slice(1) : countryCode + mobile;
  // A foreign `+` number's country code length is unknown: only the length bound applies to it.
  const home = !mobile.startsWith('+') || (countryCode !== '' && digits.startsWith(countryCode));
  const shown = Math.max(
    0,
    Math.min(velocity.prefixDigits, digits.length - 6, home ? countryCode.length + 5 : Infinity),
  );
  return (international ? '+' : '') + digits.slice(0, shown);
}

/**
 * Whether a mobile is in VERIGATE_SMS_BLOCKED_PREFIXES: its leading digits as sent, or (a
 * national-form mobile, the country code known) its international form `+<country code><mobile>`,
 * so `+86170` and `170` both block a national `170…`.
 */
export function smsMobileBlocked(mobile: string, blockedPrefixes: readonly string[], countryCode: string): boolean {
  if (calleeBlocked(mobile, blockedPrefixes)) return true;
  return countryCode !== '' && !mobile.startsWith('+') && calleeBlocked(`+${countryCode}${mobile}`, blockedPrefixes);
}

/** A uniformly random numeric code of `length` digits (leading zeros allowed). */
export function newCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/**
 * Keyed hashes of codes (HMAC-SHA256 under a key derived from the master key): what the
 * database keeps, so a copy of it does not give the codes away, even though a code has only
 * 10^6 values. The app, mobile and type are part of the input, so one hash never matches
 * another (mobile, type)'s code.
 */
export class SmsCodeHasher {
  private readonly key: Buffer;

  constructor(masterKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, 'verigate', 'sms-code-hash v1', 32));
  }

  hash(appId: string, mobile: string, type: string, code: string): string {
    return createHmac('sha256', this.key).update(`${appId}\n${mobile}\n${type}\n${code}`).digest('hex');
  }
}
