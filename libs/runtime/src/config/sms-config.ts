import { isPrefix, type EnvReader } from './env-reader.js';

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
/** Parses VERIGATE_SMPP_URL `smpp://system_id:password@host[:port]` (`ssmpp://` = TLS; port 2775 / 3550). */
export function parseSmppUrl(
  text: string,
): Pick<SmppConfig, 'host' | 'port' | 'tls' | 'systemId' | 'password'> | string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'is not a URL like smpp://system_id:password@host:2775';
  }
  if (u.protocol !== 'smpp:' && u.protocol !== 'ssmpp:') return `must use smpp: or ssmpp: (got ${u.protocol})`;
  if (!u.hostname) return 'has no host';
  let systemId: string;
  let password: string;
  try {
    systemId = decodeURIComponent(u.username);
    password = decodeURIComponent(u.password);
  } catch {
    return 'has a malformed %-escape in its system_id or password';
  }
  // SMPP 3.4 §5.2: system_id is at most 15 characters, password at most 8.
  if (!systemId || systemId.length > 15) return 'needs a system_id of 1-15 characters before the @';
  if (password.length > 8) return "has a password longer than SMPP's 8 characters";
  const tls = u.protocol === 'ssmpp:';
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : tls ? 3550 : 2775,
    tls,
    systemId,
    password,
  };
}

/** The `sms` section: VERIGATE_SMS_* and VERIGATE_SMPP_*. */
export function loadSmsConfig(
  read: EnvReader,
  /** NODE_ENV=production and this app sends SMS: a real provider must be chosen. */
  providerRequired: boolean,
): SmsConfig {
  const provider = read.oneOf('VERIGATE_SMS_PROVIDER', 'log', ['log', 'smpp', 'http'] as const);
  let smpp: SmppConfig | null = null;
  // The country code is read by every app, not only with VERIGATE_SMPP_URL: the gateway forms
  // per-prefix velocity prefixes and matches blocked prefixes in international form with it.
  const destPrefix = read.str('VERIGATE_SMPP_DEST_PREFIX', '');
  if (!/^\d{0,6}$/.test(destPrefix))
    read.problems.push(`VERIGATE_SMPP_DEST_PREFIX="${destPrefix}" must be up to 6 digits (a country code such as 86)`);
  const smppText = read.str('VERIGATE_SMPP_URL', '');
  if (smppText) {
    const parsed = parseSmppUrl(smppText);
    // The URL carries the password: never echo it back.
    if (typeof parsed === 'string') read.problems.push(`VERIGATE_SMPP_URL ${parsed}`);
    else {
      const sourceAddr = read.str('VERIGATE_SMPP_SOURCE_ADDR', '');
      if (sourceAddr.length > 20) read.problems.push('VERIGATE_SMPP_SOURCE_ADDR must be at most 20 characters');
      const systemType = read.str('VERIGATE_SMPP_SYSTEM_TYPE', '');
      if (systemType.length > 12) read.problems.push('VERIGATE_SMPP_SYSTEM_TYPE must be at most 12 characters');
      smpp = {
        ...parsed,
        systemType,
        sourceAddr,
        destPrefix,
        window: read.int('VERIGATE_SMPP_WINDOW', 10, 1, 1000),
        enquireLinkSeconds: read.int('VERIGATE_SMPP_ENQUIRE_LINK_S', 30, 1, 3600),
        responseTimeoutMs: read.int('VERIGATE_SMPP_RESPONSE_TIMEOUT_MS', 10_000, 100, 600_000),
      };
    }
  } else if (provider === 'smpp') {
    read.problems.push(
      'VERIGATE_SMPP_URL is required when VERIGATE_SMS_PROVIDER=smpp (e.g. smpp://system_id:password@smsc.example.com:2775)',
    );
  }
  let http: SmsConfig['http'] = null;
  const httpUrl = read.str('VERIGATE_SMS_HTTP_URL', '');
  const httpSecret = read.str('VERIGATE_SMS_HTTP_SECRET', '');
  if (httpUrl) {
    try {
      const u = new URL(httpUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        read.problems.push(`VERIGATE_SMS_HTTP_URL must use http: or https: (got ${u.protocol})`);
    } catch {
      read.problems.push('VERIGATE_SMS_HTTP_URL is not a valid URL');
    }
    if (httpSecret.length < 16)
      read.problems.push(
        'VERIGATE_SMS_HTTP_SECRET must be at least 16 characters (it signs every request to VERIGATE_SMS_HTTP_URL)',
      );
    http = { url: httpUrl, secret: httpSecret };
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
  const patternText = read.str('VERIGATE_SMS_MOBILE_PATTERN', '^[0-9]{11}$');
  let mobilePattern = /^[0-9]{11}$/;
  try {
    mobilePattern = new RegExp(patternText);
    if (!patternText.startsWith('^') || !patternText.endsWith('$'))
      read.problems.push(`VERIGATE_SMS_MOBILE_PATTERN="${patternText}" must be anchored with ^ and $`);
  } catch {
    read.problems.push(`VERIGATE_SMS_MOBILE_PATTERN="${patternText}" is not a valid regular expression`);
  }
  const config: SmsConfig = {
    provider,
    smpp,
    http,
    countryCode: destPrefix,
    logFile: read.str('VERIGATE_SMS_LOG_FILE', 'var/sms-log.jsonl'),
    mobilePattern,
    prefetch: read.int('VERIGATE_SMS_PREFETCH', 64, 1, 10_000),
    verifyPerDeviceHour: read.int('VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR', 30, 1, 1_000_000),
    verifyPerIpHour: read.int('VERIGATE_SMS_VERIFY_PER_IP_HOUR', 300, 1, 1_000_000),
    defaults: {
      codeLength: read.int('VERIGATE_SMS_CODE_LENGTH', 6, 4, 10),
      codeTtlSeconds: read.int('VERIGATE_SMS_CODE_TTL_S', 300, 30, 86_400),
      verifyAttempts: read.int('VERIGATE_SMS_VERIFY_ATTEMPTS', 5, 1, 100),
      resendCooldownSeconds: read.int('VERIGATE_SMS_RESEND_COOLDOWN_S', 60, 0, 86_400),
      perMobilePerHour: read.int('VERIGATE_SMS_PER_MOBILE_HOUR', 5, 1, 1_000_000),
      perMobilePerDay: read.int('VERIGATE_SMS_PER_MOBILE_DAY', 10, 1, 1_000_000),
      perDevicePerHour: read.int('VERIGATE_SMS_PER_DEVICE_HOUR', 10, 1, 1_000_000),
      perIpPerHour: read.int('VERIGATE_SMS_PER_IP_HOUR', 50, 1, 1_000_000),
      dailyBudget: read.int('VERIGATE_SMS_DAILY_BUDGET', 10_000, 1, 1_000_000_000),
    },
    blockedPrefixes: [], // set below
    velocity: {
      multiple: read.int('VERIGATE_SMS_VELOCITY_MULTIPLE', 10, 0, 1_000_000),
      floor: read.int('VERIGATE_SMS_VELOCITY_FLOOR', 100, 1, 1_000_000_000),
      prefixDigits: read.int('VERIGATE_SMS_VELOCITY_PREFIX_DIGITS', 7, 1, 15),
    },
  };
  // Read last, as loadConfig always did (the order of reported problems is unchanged). The same
  // shape as VERIGATE_BLOCKED_CALLEE_PREFIXES (voice): `+86170` and `86170` are alike.
  config.blockedPrefixes = read.list('VERIGATE_SMS_BLOCKED_PREFIXES', '', isPrefix, 'a number prefix such as +86170');
  return config;
}
