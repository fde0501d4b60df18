import type { EnvReader } from './env-reader.js';
import { readSection } from './env-schema.js';
import { smsSection } from './sms-section.js';

export { parseSmppUrl } from './smpp-url.js';

/** Platform defaults of an app's SMS limits (each can be overridden in the app's `limits`). */
export interface SmsDefaults {
  /** Digits of a code (VERIGATE_SMS_CODE_LENGTH, 6). */
  codeLength: number;
  /** How long a code can be verified (VERIGATE_SMS_CODE_TTL_S, 300). */
  codeTtlSeconds: number;
  /** Wrong verifications before the code is dead (VERIGATE_SMS_VERIFY_ATTEMPTS, 5). */
  verifyAttempts: number;
  /** Minimum time between two sends to one (mobile, type) (VERIGATE_SMS_RESEND_COOLDOWN_S, 60). */
  resendCooldownSeconds: number;
  /** Sends to one mobile per rolling hour / day (VERIGATE_SMS_PER_MOBILE_HOUR 5, _DAY 10). */
  perMobilePerHour: number;
  perMobilePerDay: number;
  /** Sends per device fingerprint / per client IP per rolling hour (VERIGATE_SMS_PER_DEVICE_HOUR 10, VERIGATE_SMS_PER_IP_HOUR 50). */
  perDevicePerHour: number;
  perIpPerHour: number;
  /** Sends the app may make per UTC day, all numbers together (VERIGATE_SMS_DAILY_BUDGET, 10000). */
  dailyBudget: number;
}

/**
 * Per-prefix velocity (SMS pumping): sends to one destination prefix in the current UTC hour are
 * refused beyond max(floor, multiple × the prefix's usual rate), the usual rate being its average
 * sends per hour over the 168 hours before the current one.
 */
export interface SmsVelocityConfig {
  /** VERIGATE_SMS_VELOCITY_MULTIPLE (10); 0 turns the check off. */
  multiple: number;
  /** VERIGATE_SMS_VELOCITY_FLOOR (100): sends per hour a prefix may always have (a new prefix is not refused on its first sends). */
  floor: number;
  /** VERIGATE_SMS_VELOCITY_PREFIX_DIGITS (7): leading digits of the destination (country code first) that form its prefix. */
  prefixDigits: number;
}

export interface SmppConfig {
  /** From VERIGATE_SMPP_URL `smpp://system_id:password@host:port` (or `ssmpp://` for TLS). */
  host: string;
  port: number;
  tls: boolean;
  systemId: string;
  password: string;
  /** VERIGATE_SMPP_SYSTEM_TYPE (''). */
  systemType: string;
  /** source_addr of every submit_sm, e.g. a short code or alphanumeric sender (VERIGATE_SMPP_SOURCE_ADDR, ''). */
  sourceAddr: string;
  /** Prepended to the mobile to form destination_addr, e.g. `86` (VERIGATE_SMPP_DEST_PREFIX, ''). */
  destPrefix: string;
  /** Outstanding submit_sm without a response, per connection (VERIGATE_SMPP_WINDOW, 10). */
  window: number;
  /** enquire_link interval (VERIGATE_SMPP_ENQUIRE_LINK_S, 30). */
  enquireLinkSeconds: number;
  /** How long to wait for any response PDU before the connection is deemed dead (VERIGATE_SMPP_RESPONSE_TIMEOUT_MS, 10000). */
  responseTimeoutMs: number;
}

export interface SmsConfig {
  /** VERIGATE_SMS_PROVIDER: log (default; development), smpp or http. */
  provider: 'log' | 'smpp' | 'http';
  /** Set when provider is smpp (validated whenever VERIGATE_SMPP_URL is set). */
  smpp: SmppConfig | null;
  /** provider http: VERIGATE_SMS_HTTP_URL and VERIGATE_SMS_HTTP_SECRET (signs each request). */
  http: { url: string; secret: string } | null;
  /** provider log: the file every message is appended to (VERIGATE_SMS_LOG_FILE, var/sms-log.jsonl). */
  logFile: string;
  /** A valid `mobile` (VERIGATE_SMS_MOBILE_PATTERN, `^[0-9]{11}$`: the seed's rule). */
  mobilePattern: RegExp;
  /** Send commands one sms worker handles at once (VERIGATE_SMS_PREFETCH, 64). */
  prefetch: number;
  /**
   * Verify calls per device fingerprint / per client IP (IPv6: /64) per hour, per app
   * (VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR 30, VERIGATE_SMS_VERIFY_PER_IP_HOUR 300): the attempts per
   * code stop guessing one code; these stop one caller from spending other people's codes.
   */
  verifyPerDeviceHour: number;
  verifyPerIpHour: number;
  defaults: SmsDefaults;
  /**
   * The country code of national-form mobiles (VERIGATE_SMPP_DEST_PREFIX, '', read by every app,
   * with or without VERIGATE_SMPP_URL): the gateway's velocity prefixes and blocked-prefix match
   * use the number in international form with it.
   */
  countryCode: string;
  /** Destination prefixes never sent to, e.g. premium-rate ranges (VERIGATE_SMS_BLOCKED_PREFIXES, ''; SMS.MOBILE_BLOCKED). */
  blockedPrefixes: string[];
  velocity: SmsVelocityConfig;
}
/** The `sms` section (sms-section.ts), with the rules between its variables: the provider and what it needs. */
export function loadSmsConfig(
  read: EnvReader,
  /** NODE_ENV=production and this app sends SMS: a real provider must be chosen. */
  providerRequired: boolean,
): SmsConfig {
  const v = readSection(smsSection, read.env, read.problems);
  const provider = v.VERIGATE_SMS_PROVIDER;
  // The country code is read by every app, not only with VERIGATE_SMPP_URL: the gateway forms
  // per-prefix velocity prefixes and matches blocked prefixes in international form with it.
  const destPrefix = v.VERIGATE_SMPP_DEST_PREFIX;
  const smpp: SmppConfig | null = v.VERIGATE_SMPP_URL && {
    ...v.VERIGATE_SMPP_URL,
    systemType: v.VERIGATE_SMPP_SYSTEM_TYPE,
    sourceAddr: v.VERIGATE_SMPP_SOURCE_ADDR,
    destPrefix,
    window: v.VERIGATE_SMPP_WINDOW,
    enquireLinkSeconds: v.VERIGATE_SMPP_ENQUIRE_LINK_S,
    responseTimeoutMs: v.VERIGATE_SMPP_RESPONSE_TIMEOUT_MS,
  };
  if (provider === 'smpp' && !read.env.VERIGATE_SMPP_URL)
    read.problems.push(
      'VERIGATE_SMPP_URL is required when VERIGATE_SMS_PROVIDER=smpp (e.g. smpp://system_id:password@smsc.example.com:2775)',
    );
  let http: SmsConfig['http'] = null;
  // As given (a refused URL is reported by the section, and still needs its secret).
  const httpUrl = read.env.VERIGATE_SMS_HTTP_URL ?? '';
  if (httpUrl) {
    if (v.VERIGATE_SMS_HTTP_SECRET.length < 16)
      read.problems.push(
        'VERIGATE_SMS_HTTP_SECRET must be at least 16 characters (it signs every request to VERIGATE_SMS_HTTP_URL)',
      );
    http = { url: httpUrl, secret: v.VERIGATE_SMS_HTTP_SECRET };
  } else if (provider === 'http') {
    read.problems.push('VERIGATE_SMS_HTTP_URL is required when VERIGATE_SMS_PROVIDER=http');
  }
  if (provider === 'log' && providerRequired) {
    read.problems.push(
      read.env.VERIGATE_SMS_PROVIDER === 'log'
        ? 'VERIGATE_SMS_PROVIDER=log is refused when NODE_ENV=production (it writes codes in clear to a file; use smpp or http)'
        : 'VERIGATE_SMS_PROVIDER must be set when NODE_ENV=production (smpp or http; log writes codes to a file and is for development)',
    );
  }
  return {
    provider,
    smpp,
    http,
    countryCode: destPrefix,
    logFile: v.VERIGATE_SMS_LOG_FILE,
    mobilePattern: v.VERIGATE_SMS_MOBILE_PATTERN,
    prefetch: v.VERIGATE_SMS_PREFETCH,
    verifyPerDeviceHour: v.VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR,
    verifyPerIpHour: v.VERIGATE_SMS_VERIFY_PER_IP_HOUR,
    defaults: {
      codeLength: v.VERIGATE_SMS_CODE_LENGTH,
      codeTtlSeconds: v.VERIGATE_SMS_CODE_TTL_S,
      verifyAttempts: v.VERIGATE_SMS_VERIFY_ATTEMPTS,
      resendCooldownSeconds: v.VERIGATE_SMS_RESEND_COOLDOWN_S,
      perMobilePerHour: v.VERIGATE_SMS_PER_MOBILE_HOUR,
      perMobilePerDay: v.VERIGATE_SMS_PER_MOBILE_DAY,
      perDevicePerHour: v.VERIGATE_SMS_PER_DEVICE_HOUR,
      perIpPerHour: v.VERIGATE_SMS_PER_IP_HOUR,
      dailyBudget: v.VERIGATE_SMS_DAILY_BUDGET,
    },
    blockedPrefixes: v.VERIGATE_SMS_BLOCKED_PREFIXES,
    velocity: {
      multiple: v.VERIGATE_SMS_VELOCITY_MULTIPLE,
      floor: v.VERIGATE_SMS_VELOCITY_FLOOR,
      prefixDigits: v.VERIGATE_SMS_VELOCITY_PREFIX_DIGITS,
    },
  };
}
