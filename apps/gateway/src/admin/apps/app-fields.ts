import { randomBytes } from 'node:crypto';
import type { AppLimits, AppStage, AppStatus, InternationalRules, Permission, RestHours } from '#libs/persistence';
import { parseCidr } from '#libs/runtime';
import { invalid } from '../admin-input.js';

/** The fields of an app the management API accepts, each checked on its own (a failure names the field). */

export const PERMISSIONS: readonly Permission[] = ['captcha', 'sms', 'voice', 'verify'];
/** What a new app may use when the request does not say: `verify` (the verification API) is asked for explicitly. */
export const DEFAULT_PERMISSIONS: readonly Permission[] = ['captcha', 'sms', 'voice'];
export const APP_STATUSES: readonly AppStatus[] = ['normal', 'suspended', 'unavailable'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased random string over [A-Za-z0-9] (rejection sampling). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export function booleanField(
  body: Record<string, unknown>,
  name: 'captchaPow' | 'captchaUnderAttack',
): boolean | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid(name, 'true or false');
  return v;
}

export function permissionsField(body: Record<string, unknown>): Permission[] | undefined {
  const v = body.permissions;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((p) => PERMISSIONS.includes(p as Permission)))
    throw invalid('permissions', `an array of ${PERMISSIONS.join(', ')}`);
  return [...new Set(v as Permission[])];
}

export function cidrListField(body: Record<string, unknown>): string[] | undefined {
  const v = body.ipWhitelist;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((c) => typeof c === 'string' && parseCidr(c) !== null))
    throw invalid('ipWhitelist', 'an array of IP addresses or CIDRs');
  return v as string[];
}

export function restHoursField(body: Record<string, unknown>): RestHours | null | undefined {
  const v = body.restHours;
  if (v === undefined) return undefined;
  if (v === null) return null;
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  const r = v as Record<string, unknown>;
  if (
    typeof v !== 'object' ||
    typeof r.from !== 'string' ||
    typeof r.to !== 'string' ||
    !hhmm.test(r.from) ||
    !hhmm.test(r.to) ||
    typeof r.tz !== 'string'
  ) {
    throw invalid('restHours', '{"from":"HH:MM","to":"HH:MM","tz":"<IANA zone>"} or null');
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: r.tz });
  } catch {
    throw invalid('restHours.tz', 'an IANA time zone such as Asia/Shanghai');
  }
  return { from: r.from, to: r.to, tz: r.tz };
}

export function voicePortsField(body: Record<string, unknown>): number | null | undefined {
  const v = body.voicePorts;
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)
    throw invalid('voicePorts', 'an integer 0-65535 or null');
  return v;
}

export const APP_STAGES: readonly AppStage[] = ['commercial', 'test'];
const CAP = [0, 1_000_000_000] as const;
const SMS_CAP = [1, 1_000_000_000] as const;
/** Every limit `limits` accepts, with its range (an absent SMS setting means the platform default). */
export const LIMIT_RANGES: Readonly<Record<keyof AppLimits, readonly [min: number, max: number]>> = {
  apiPerMinute: CAP,
  callsPerDay: CAP,
  displayNumberCallsPerDay: CAP,
  callerCallsPerMinute: CAP,
  calleeCallsPerHour: CAP,
  smsCodeLength: [4, 10],
  smsCodeTtlSeconds: [30, 86_400],
  smsVerifyAttempts: [1, 100],
  smsResendCooldownSeconds: [0, 86_400],
  smsPerMobilePerHour: SMS_CAP,
  smsPerMobilePerDay: SMS_CAP,
  smsDailyBudget: SMS_CAP,
  smsPerDevicePerHour: SMS_CAP,
  smsPerIpPerHour: SMS_CAP,
};
const LIMIT_NAMES = Object.keys(LIMIT_RANGES) as (keyof AppLimits)[];

/** `limits`: an object of the known limits, each an integer in its range or null (removed). Merged into the current limits. */
export function limitsField(body: Record<string, unknown>, current: AppLimits): AppLimits | undefined {
  const v = body.limits;
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalid('limits', `an object with any of ${LIMIT_NAMES.join(', ')}`);
  const next: AppLimits = { ...current };
  for (const [name, value] of Object.entries(v)) {
    if (!Object.hasOwn(LIMIT_RANGES, name)) throw invalid(`limits.${name}`, `one of ${LIMIT_NAMES.join(', ')}`);
    const key = name as keyof AppLimits;
    const [min, max] = LIMIT_RANGES[key];
    if (value === null) delete next[key];
    else if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) next[key] = value;
    else throw invalid(`limits.${name}`, `an integer ${min}-${max} or null`);
  }
  return next;
}

/** `international`: `{homePrefixes: ["+86"], allowCallout, allowCallin}` or null (the platform default). */
export function internationalField(body: Record<string, unknown>): InternationalRules | null | undefined {
  const v = body.international;
  if (v === undefined) return undefined;
  if (v === null) return null;
  const r = v as Record<string, unknown>;
  const prefixesOk =
    Array.isArray(r?.homePrefixes) && r.homePrefixes.every((p) => typeof p === 'string' && /^\+?\d{1,15}$/.test(p));
  if (
    typeof v !== 'object' ||
    !prefixesOk ||
    typeof r.allowCallout !== 'boolean' ||
    typeof r.allowCallin !== 'boolean'
  ) {
    throw invalid('international', '{"homePrefixes":["+86"],"allowCallout":false,"allowCallin":false} or null');
  }
  return { homePrefixes: r.homePrefixes as string[], allowCallout: r.allowCallout, allowCallin: r.allowCallin };
}

/**
 * Refuses a URL whose userinfo is the API's redaction mark `***`: sent back with a change (another
 * host or path), it would be stored literally and the receiver's credentials lost. The URL as
 * shown, unchanged, is handled before (it keeps the stored credentials).
 */
export function withoutRedactedCredentials<T extends string | null | undefined>(url: T, field = 'smsStatusUrl'): T {
  if (typeof url === 'string' && /^[a-z][a-z0-9+.-]*:\/\/\*\*\*@/i.test(url)) {
    throw invalid(
      field,
      'a URL with its own credentials or none: `***@` stands for the stored credentials and is accepted only in the stored URL as shown, unchanged',
    );
  }
  return url;
}
