import { evenPortCount } from '#libs/media';
import { parseCidr } from './cidr.js';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

/**
 * The platform's configuration, read from the environment once at start-up. Every variable is
 * validated; a bad one stops the process with a message naming it (all bad ones at once).
 */
export interface PlatformConfig {
  production: boolean;
  databaseUrl: string;
  rabbitmqUrl: string;
  /** Prefix of every exchange and queue name (tests use one per run). */
  amqpNamespace: string;
  port: number;
  healthPort: number;
  /** HOST: the address the gateway and every health/metrics server listen on (127.0.0.1 outside production, 0.0.0.0 in production). */
  host: string;
  /** The gateway's HTTP server limits against slow and idle clients (README "Configuration"). */
  http: {
    /** VERIGATE_HTTP_HEADERS_TIMEOUT_MS: the whole header block must arrive within this (slowloris). */
    headersTimeoutMs: number;
    /** VERIGATE_HTTP_REQUEST_TIMEOUT_MS: the whole request, body included, must arrive within this. */
    requestTimeoutMs: number;
    /** VERIGATE_HTTP_IDLE_TIMEOUT_MS: a socket silent this long is closed. */
    idleTimeoutMs: number;
    /** VERIGATE_HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle keep-alive connection is closed after this. */
    keepAliveTimeoutMs: number;
  };
  adminToken: string;
  adminTokenIsDefault: boolean;
  masterKey: string;
  masterKeyIsDefault: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** The gateway's one line per HTTP request: at `info`, at `debug`, or not at all (VERIGATE_ACCESS_LOG). */
  accessLog: 'info' | 'debug' | 'off';
  /** When set, every app's `GET /metrics` needs `Authorization: Bearer <token>` (VERIGATE_METRICS_TOKEN). */
  metricsToken: string | null;
  spId: string;
  hostName: string;
  auth: { skewSeconds: number };
  /** Platform-wide operating controls of the voice API (per-app ones live in the apps table). */
  /** Reverse proxies whose X-Forwarded-For the gateway believes (addresses or CIDRs), for every API. */
  trustedProxies: string[];
  controls: {
    /** `commercial`: apps in stage `test` are refused here (1010011). */
    addressKind: 'commercial' | 'test';
    /** Requests per second across all gateways (403 1010010); null = no limit. */
    platformRequestsPerSecond: number | null;
    /** Calls per day of the whole SP (1013001); null = no limit. */
    spCallsPerDay: number | null;
    /** Calls per service (display) number per minute across all apps (1013118); null = no limit. */
    serviceNumberCallsPerMinute: number | null;
    /** Callee prefixes the platform never calls, e.g. premium-rate ranges (1013100). */
    blockedCalleePrefixes: string[];
    /** A callee with this many failed calls within the window is not called again (1013101); 0 = off. */
    abnormalCalleeFailures: number;
    abnormalCalleeWindowSeconds: number;
    /** Default international rules for apps without their own; empty prefixes = rule off. */
    homePrefixes: string[];
    /** Authentication failures of one IP within the window before it is banned (1020176). */
    authFailuresBeforeBan: number;
    authFailureWindowSeconds: number;
    authBanSeconds: number;
    /** Server-side limit of every gateway statement; a callVerify beyond it answers 1023002 and nothing is kept. */
    statementTimeoutMs: number;
    /**
     * Server-side limit of one CSV export (CDRs, SMS), whose cursor is one statement for as long as
     * the client reads, in place of statementTimeoutMs (VERIGATE_EXPORT_TIMEOUT_S; 0 = none).
     */
    exportTimeoutSeconds: number;
    /** Below this many idle ports the platform port check is exact (serialised); above, cached. */
    exactPortCheckBelow: number;
  };
  voice: {
    carrier: 'sim' | 'sip';
    simRingMs: number;
    simPromptMs: number;
    ports: number;
    ringTimeoutSeconds: number;
    maxCallSeconds: number;
    /** On a graceful stop, live calls get this long to finish before they are ended. */
    shutdownGraceSeconds: number;
    /** How often each voice worker looks for orphaned calls (0 = never; tests call it directly). */
    orphanSweepSeconds: number;
  };
  /** The sip carrier (read when VERIGATE_VOICE_CARRIER=sip; validated always). */
  sip: SipConfig;
  /** A graceful stop exits 1 if it has not finished this long after the signal (VERIGATE_SHUTDOWN_TIMEOUT_S). */
  shutdownTimeoutSeconds: number;
  /** Gateway: readiness answers 503 this long before the listener closes (VERIGATE_SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  webhooks: {
    allowPrivate: boolean;
    retryScheduleMs: number[];
    timeoutMs: number;
    concurrency: number;
    perHostConcurrency: number;
    /** After a Standard Webhooks secret is rotated, the old one still signs this long (VERIGATE_WEBHOOK_SECRET_GRACE_S). */
    secretGraceSeconds: number;
  };
  /** Image captcha (SPEC §2.1); README "Captcha configuration" documents each variable. */
  captcha: CaptchaConfig;
  /** SMS verification codes (SPEC §2.2); README "SMS configuration" documents each variable. */
  sms: SmsConfig;
}

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

export interface CaptchaConfig {
  /** How long a captcha can be answered (VERIGATE_CAPTCHA_TTL_S, 120). */
  ttlSeconds: number;
  /** How long a captchaVerification stays valid, single use (VERIGATE_CAPTCHA_VERIFICATION_TTL_S, 180). */
  verificationTtlSeconds: number;
  /** blockPuzzle: accepted distance in px between the answer's x and the gap (VERIGATE_CAPTCHA_TOLERANCE_PX, 5). */
  tolerancePx: number;
  /** blockPuzzle: decoy gaps of other shapes drawn beside the real one (VERIGATE_CAPTCHA_DECOYS, 1). */
  decoys: number;
  /** Folder of the operator's own background images (PNG/JPEG); empty = procedural (VERIGATE_CAPTCHA_BACKGROUNDS_DIR). */
  backgroundsDir: string;
  /** Gateway → worker request timeout (VERIGATE_CAPTCHA_RPC_TIMEOUT_MS, 3000). */
  rpcTimeoutMs: number;
  /** Requests one captcha worker handles at once (VERIGATE_CAPTCHA_PREFETCH, 8). */
  prefetch: number;
  /**
   * Length cap of the captcha RPC queue (VERIGATE_CAPTCHA_RPC_QUEUE_MAX, 1000): beyond it requests
   * are refused at once (503). Same value in every process: it is an argument of the queue.
   */
  rpcQueueMaxLength: number;
  /** `get` rate limit per window: per device fingerprint and per client IP (VERIGATE_CAPTCHA_GET_LIMIT_FP 30, _IP 300, _WINDOW_S 60). */
  getLimitPerFingerprint: number;
  getLimitPerIp: number;
  getWindowSeconds: number;
  /** Failed checks within the window that lock the caller out (VERIGATE_CAPTCHA_FAIL_LIMIT_FP 15, _IP 100, _WINDOW_S 600): a ban for abuse; a person's few failures cost a harder PoW instead. */
  failLimitPerFingerprint: number;
  failLimitPerIp: number;
  failWindowSeconds: number;
  /** How long a lock-out lasts (VERIGATE_CAPTCHA_LOCKOUT_S, 600). */
  lockoutSeconds: number;
  /** Reject a blockPuzzle check that carries no drag trajectory (VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY, false: AJ-Captcha clients send none). */
  requireTrajectory: boolean;
  /**
   * The gateway's own `get` budget per client address bucket (IPv4 address, IPv6 /64), a token
   * bucket held in memory by each gateway instance and checked before the captcha RPC is
   * published: `burst` gets at once (VERIGATE_CAPTCHA_FLOOD_BURST), refilled at `perMinute`
   * (VERIGATE_CAPTCHA_FLOOD_PER_MIN). Both default to the worker's per-address limit
   * (VERIGATE_CAPTCHA_GET_LIMIT_IP per VERIGATE_CAPTCHA_GET_WINDOW_S). The answers (`check`,
   * `managed`, `verify`) share a second budget of the same kind: `answerBurst`
   * (VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST) refilled at `answerPerMinute`
   * (VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN), both twice the `get` budget by default (a person
   * answers a captcha at most about twice: managed, then the puzzle).
   */
  flood: { burst: number; perMinute: number; answerBurst: number; answerPerMinute: number };
  /**
   * Captchas each worker keeps rendered ahead, per kind (blockPuzzle, clickWord zh, clickWord en)
   * (VERIGATE_CAPTCHA_POOL_SIZE, 64; 0 = render every captcha inline).
   */
  poolSize: number;
  /** Pause between two background renders while refilling, in ms (VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS, 0 = next turn of the event loop). */
  poolRefillPauseMs: number;
  /** Threads of each worker that render the pool (VERIGATE_CAPTCHA_RENDER_THREADS, 1; 0 = on the event loop). */
  renderThreads: number;
  /** Proof of work (apps with `captchaPow`); README "Captcha proof of work" and docs/captcha-threat-model.md explain each. */
  pow: CaptchaPowConfig;
}

export interface CaptchaPowConfig {
  /** ALTCHA maxnumber for a client with no risk signal (VERIGATE_CAPTCHA_POW_MAXNUMBER, 1600000: ~0.9 CPU-s for a script, < 1 s in a browser on two cores). */
  maxnumber: number;
  /** Multiplier per risk signal (velocity, recent failures, under attack) (VERIGATE_CAPTCHA_POW_FACTOR, 10). */
  factor: number;
  /** Ceiling of the maxnumber whatever the signals (VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER, 200000000). */
  ceiling: number;
  /** Velocity signal: gets within VERIGATE_CAPTCHA_GET_WINDOW_S by one device (VERIGATE_CAPTCHA_VELOCITY_FP, 5) or one address / IPv6 /64 (VERIGATE_CAPTCHA_VELOCITY_IP, 60) above which a client is flagged. */
  velocityPerFingerprint: number;
  velocityPerIp: number;
  /** Failed checks within VERIGATE_CAPTCHA_FAIL_WINDOW_S from which the next PoW is harder (VERIGATE_CAPTCHA_POW_FAILURES, 2). */
  failuresForHarder: number;
}

export interface SipConfig {
  /** VERIGATE_SIP_TRUNK `sip:host[:port]` (UDP); null when not set (required with carrier sip). */
  trunk: { uri: string; host: string; port: number } | null;
  username: string | null;
  password: string | null;
  /** VERIGATE_SIP_LOCAL_PORT; 0 = any free port. */
  localPort: number;
  bindAddress: string;
  /** VERIGATE_SIP_PUBLIC_ADDRESS: the address in Via/Contact/SDP; null = the one that routes to the trunk. */
  publicAddress: string | null;
  rtpPortMin: number;
  rtpPortMax: number;
  /** Offered in this order of preference. */
  codecs: ('PCMU' | 'PCMA')[];
  fromDomain: string | null;
  stripPlus: boolean;
  /**
   * VERIGATE_RTP_ALLOW_PRIVATE: send RTP to loopback, private, link-local and other non-public
   * addresses an SDP answer names (a trunk or PBX on the local network). Off by default.
   */
  allowPrivateMedia: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const DEV_MASTER_KEY = 'dev-master-key-change-me';

/** Parses `1s,5s,30s,2m,1h` (or plain milliseconds) into milliseconds. */
export function parseDurationList(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(ms|s|m|h)?$/.exec(part);
    if (!m) return null;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
    out.push(Number(m[1]) * unit);
  }
  return out.length ? out : null;
}

/** The five apps; each demands only the variables it uses (the SMS provider is the sms worker's). */
export type AppName = 'gateway' | 'captcha' | 'sms' | 'voice' | 'notifier';

export interface LoadConfigOptions {
  healthPort?: number;
  /** The app being configured; unset (tests, tools) = every app's requirements apply. */
  app?: AppName;
}

export function loadConfig(env: Env = process.env, defaults: LoadConfigOptions = {}): PlatformConfig {
  const problems: string[] = [];
  const str = (name: string, fallback: string) => {
    const v = env[name];
    return v === undefined || v === '' ? fallback : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be an integer between ${min} and ${max}`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name}="${raw}" must be true or false`);
    return fallback;
  };
  const url = (name: string, fallback: string, protocols: string[]) => {
    const v = str(name, fallback);
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return v;
  };
  const oneOf = <T extends string>(name: string, fallback: T, allowed: readonly T[], hint = '') => {
    const v = str(name, fallback);
    if (!allowed.includes(v as T)) problems.push(`${name}="${v}" must be one of ${allowed.join(', ')}${hint}`);
    return (allowed.includes(v as T) ? v : fallback) as T;
  };

  const production = env.NODE_ENV === 'production';
  const adminToken = str('VERIGATE_ADMIN_TOKEN', production ? '' : DEV_ADMIN_TOKEN);
  if (!adminToken) problems.push('VERIGATE_ADMIN_TOKEN is required when NODE_ENV=production');
  else if (production && adminToken === DEV_ADMIN_TOKEN) problems.push('VERIGATE_ADMIN_TOKEN is the published development token: set your own when NODE_ENV=production (e.g. openssl rand -hex 24)');
  else if (adminToken.length < 12) problems.push('VERIGATE_ADMIN_TOKEN must be at least 12 characters');
  const masterKey = str('VERIGATE_MASTER_KEY', production ? '' : DEV_MASTER_KEY);
  if (!masterKey) problems.push('VERIGATE_MASTER_KEY is required when NODE_ENV=production');
  else if (production && masterKey === DEV_MASTER_KEY) problems.push('VERIGATE_MASTER_KEY is the published development key: set your own when NODE_ENV=production (e.g. openssl rand -hex 32)');
  else if (masterKey.length < 16) problems.push('VERIGATE_MASTER_KEY must be at least 16 characters');

  // A secret: named but never echoed.
  const metricsToken = str('VERIGATE_METRICS_TOKEN', '') || null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push('VERIGATE_METRICS_TOKEN must be 16-256 printable characters without spaces (or unset: /metrics open)');
  }

  const retryText = str('VERIGATE_WEBHOOK_RETRY_SCHEDULE', '1s,5s,30s,2m,10m,30m,1h,2h,6h');
  const retryScheduleMs = parseDurationList(retryText);
  if (!retryScheduleMs) problems.push(`VERIGATE_WEBHOOK_RETRY_SCHEDULE="${retryText}" must be a comma-separated list like 1s,30s,5m,1h`);

  const namespace = str('VERIGATE_AMQP_NAMESPACE', '');
  if (!/^[A-Za-z0-9_.-]*$/.test(namespace)) problems.push('VERIGATE_AMQP_NAMESPACE may contain only letters, digits, _ . -');

  const list = (name: string, fallback: string, check: (item: string) => boolean, what: string) => {
    const items = str(name, fallback).split(',').map((p) => p.trim()).filter(Boolean);
    const bad = items.filter((item) => !check(item));
    if (bad.length) problems.push(`${name} has invalid entries (${bad.join(', ')}): each must be ${what}`);
    return items.filter(check);
  };
  const optionalLimit = (name: string) => {
    const n = int(name, 0, 0, 1_000_000_000);
    return n === 0 ? null : n;
  };
  const isCidr = (item: string) => parseCidr(item) !== null;
  const isPrefix = (item: string) => /^\+?\d{1,15}$/.test(item);
  const sip = loadSipConfig(env, str, int, bool, problems);
  const voicePorts = int('VERIGATE_VOICE_PORTS', 30, 1, 65535);
  const carrier = oneOf('VERIGATE_VOICE_CARRIER', 'sim', ['sim', 'sip'] as const);
  if (carrier === 'sip') {
    if (!sip.trunk && !problems.some((p) => p.startsWith('VERIGATE_SIP_TRUNK'))) problems.push('VERIGATE_SIP_TRUNK is required when VERIGATE_VOICE_CARRIER=sip (e.g. sip:pbx.example.com:5060)');
    const rtpPorts = evenPortCount(sip.rtpPortMin, sip.rtpPortMax);
    if (rtpPorts < voicePorts && !problems.some((p) => p.startsWith('VERIGATE_VOICE_PORTS'))) {
      problems.push(`VERIGATE_RTP_PORT_MIN/_MAX ${sip.rtpPortMin}-${sip.rtpPortMax} hold ${rtpPorts} RTP ports (even ones), fewer than VERIGATE_VOICE_PORTS=${voicePorts}`);
    }
  }

  const config: PlatformConfig = {
    production,
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/verigate', ['postgres:', 'postgresql:']),
    rabbitmqUrl: rabbitmqUrls(str('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672'), problems),
    amqpNamespace: namespace,
    port: int('PORT', 3000, 0, 65535),
    healthPort: int('VERIGATE_HEALTH_PORT', defaults.healthPort ?? 0, 0, 65535),
    host: listenHost(str('HOST', production ? '0.0.0.0' : '127.0.0.1'), problems),
    http: loadHttpLimits(int, problems),
    adminToken,
    adminTokenIsDefault: adminToken === DEV_ADMIN_TOKEN,
    masterKey,
    masterKeyIsDefault: masterKey === DEV_MASTER_KEY,
    logLevel: oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    accessLog: oneOf('VERIGATE_ACCESS_LOG', 'info', ['info', 'debug', 'off'] as const),
    metricsToken,
    spId: str('VERIGATE_SP_ID', 'verigate'),
    hostName: str('VERIGATE_HOST_NAME', hostname()),
    auth: { skewSeconds: int('VERIGATE_AUTH_SKEW_S', 900, 1, 7 * 24 * 3600) },
    trustedProxies: list('VERIGATE_TRUSTED_PROXIES', '', isCidr, 'an IP address or CIDR'),
    controls: {
      addressKind: oneOf('VERIGATE_ADDRESS_KIND', 'commercial', ['commercial', 'test'] as const),
      platformRequestsPerSecond: optionalLimit('VERIGATE_PLATFORM_REQUESTS_PER_S'),
      spCallsPerDay: optionalLimit('VERIGATE_SP_CALLS_PER_DAY'),
      serviceNumberCallsPerMinute: optionalLimit('VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN'),
      blockedCalleePrefixes: list('VERIGATE_BLOCKED_CALLEE_PREFIXES', '', isPrefix, 'a number prefix such as +86900'),
      abnormalCalleeFailures: int('VERIGATE_ABNORMAL_CALLEE_FAILURES', 10, 0, 1_000_000),
      abnormalCalleeWindowSeconds: int('VERIGATE_ABNORMAL_CALLEE_WINDOW_S', 3600, 1, 30 * 24 * 3600),
      homePrefixes: list('VERIGATE_HOME_PREFIXES', '', isPrefix, 'a number prefix such as +86'),
      authFailuresBeforeBan: int('VERIGATE_AUTH_FAILURES_BEFORE_BAN', 10, 1, 1_000_000),
      authFailureWindowSeconds: int('VERIGATE_AUTH_FAILURE_WINDOW_S', 600, 1, 24 * 3600),
      authBanSeconds: int('VERIGATE_AUTH_BAN_S', 1800, 1, 30 * 24 * 3600),
      statementTimeoutMs: int('VERIGATE_DB_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
      exportTimeoutSeconds: int('VERIGATE_EXPORT_TIMEOUT_S', 3600, 0, 7 * 86_400),
      exactPortCheckBelow: int('VERIGATE_EXACT_PORT_CHECK_BELOW', 64, 0, 65535),
    },
    voice: {
      carrier,
      simRingMs: int('VERIGATE_SIM_RING_MS', 2000, 0, 600_000),
      simPromptMs: int('VERIGATE_SIM_PROMPT_MS', 3000, 0, 600_000),
      ports: voicePorts,
      ringTimeoutSeconds: int('VERIGATE_RING_TIMEOUT_S', 45, 1, 600),
      maxCallSeconds: int('VERIGATE_MAX_CALL_S', 300, 1, 3600),
      shutdownGraceSeconds: int('VERIGATE_SHUTDOWN_GRACE_S', 10, 0, 3600),
      orphanSweepSeconds: int('VERIGATE_ORPHAN_SWEEP_S', 10, 0, 3600),
    },
    sip,
    shutdownTimeoutSeconds: 0, // set below: it depends on VERIGATE_SHUTDOWN_GRACE_S
    shutdownDrainMs: int('VERIGATE_SHUTDOWN_DRAIN_MS', 2000, 0, 600_000),
    webhooks: {
      allowPrivate: bool('VERIGATE_WEBHOOK_ALLOW_PRIVATE', false),
      retryScheduleMs: retryScheduleMs ?? [],
      timeoutMs: int('VERIGATE_WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
      concurrency: int('VERIGATE_WEBHOOK_CONCURRENCY', 256, 1, 10_000),
      perHostConcurrency: int('VERIGATE_WEBHOOK_HOST_CONCURRENCY', 32, 1, 10_000),
      secretGraceSeconds: int('VERIGATE_WEBHOOK_SECRET_GRACE_S', 86_400, 0, 30 * 86_400),
    },
  } as PlatformConfig;
  config.captcha = {
    ttlSeconds: int('VERIGATE_CAPTCHA_TTL_S', 120, 5, 3600),
    verificationTtlSeconds: int('VERIGATE_CAPTCHA_VERIFICATION_TTL_S', 180, 5, 3600),
    tolerancePx: int('VERIGATE_CAPTCHA_TOLERANCE_PX', 5, 1, 20),
    decoys: int('VERIGATE_CAPTCHA_DECOYS', 1, 0, 2),
    backgroundsDir: str('VERIGATE_CAPTCHA_BACKGROUNDS_DIR', ''),
    rpcTimeoutMs: int('VERIGATE_CAPTCHA_RPC_TIMEOUT_MS', 3000, 100, 60_000),
    prefetch: int('VERIGATE_CAPTCHA_PREFETCH', 8, 1, 1000),
    rpcQueueMaxLength: int('VERIGATE_CAPTCHA_RPC_QUEUE_MAX', 1000, 1, 1_000_000),
    getLimitPerFingerprint: int('VERIGATE_CAPTCHA_GET_LIMIT_FP', 30, 1, 1_000_000),
    getLimitPerIp: int('VERIGATE_CAPTCHA_GET_LIMIT_IP', 300, 1, 1_000_000),
    getWindowSeconds: int('VERIGATE_CAPTCHA_GET_WINDOW_S', 60, 1, 86_400),
    failLimitPerFingerprint: int('VERIGATE_CAPTCHA_FAIL_LIMIT_FP', 15, 1, 1_000_000),
    failLimitPerIp: int('VERIGATE_CAPTCHA_FAIL_LIMIT_IP', 100, 1, 1_000_000),
    failWindowSeconds: int('VERIGATE_CAPTCHA_FAIL_WINDOW_S', 600, 1, 86_400),
    lockoutSeconds: int('VERIGATE_CAPTCHA_LOCKOUT_S', 600, 1, 86_400),
    requireTrajectory: bool('VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY', false),
    flood: { burst: 0, perMinute: 0, answerBurst: 0, answerPerMinute: 0 }, // set below: the defaults follow the worker's per-address limit
    poolSize: int('VERIGATE_CAPTCHA_POOL_SIZE', 64, 0, 10_000),
    poolRefillPauseMs: int('VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS', 0, 0, 60_000),
    renderThreads: int('VERIGATE_CAPTCHA_RENDER_THREADS', 1, 0, 64),
    pow: {
      maxnumber: int('VERIGATE_CAPTCHA_POW_MAXNUMBER', 1_600_000, 1, 1_000_000_000),
      factor: int('VERIGATE_CAPTCHA_POW_FACTOR', 10, 1, 1000),
      ceiling: int('VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER', 200_000_000, 1, 1_000_000_000),
      velocityPerFingerprint: int('VERIGATE_CAPTCHA_VELOCITY_FP', 5, 1, 1_000_000),
      velocityPerIp: int('VERIGATE_CAPTCHA_VELOCITY_IP', 60, 1, 1_000_000),
      failuresForHarder: int('VERIGATE_CAPTCHA_POW_FAILURES', 2, 1, 1000),
    },
  };
  if (config.captcha.pow.ceiling < config.captcha.pow.maxnumber) {
    problems.push(`VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER=${config.captcha.pow.ceiling} must not be below VERIGATE_CAPTCHA_POW_MAXNUMBER=${config.captcha.pow.maxnumber} (the ceiling would lower the base difficulty)`);
  }
  const floodBurst = int('VERIGATE_CAPTCHA_FLOOD_BURST', config.captcha.getLimitPerIp, 1, 10_000_000);
  const floodPerMinute = int('VERIGATE_CAPTCHA_FLOOD_PER_MIN', Math.ceil((config.captcha.getLimitPerIp * 60) / config.captcha.getWindowSeconds), 1, 100_000_000);
  config.captcha.flood = {
    burst: floodBurst,
    perMinute: floodPerMinute,
    answerBurst: int('VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST', Math.min(2 * floodBurst, 20_000_000), 1, 20_000_000),
    answerPerMinute: int('VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN', Math.min(2 * floodPerMinute, 200_000_000), 1, 200_000_000),
  };
  // Only the sms worker sends SMS: the other apps need no provider (docker-compose sets it for sms alone).
  const smsProviderRequired = production && (defaults.app === undefined || defaults.app === 'sms');
  config.sms = loadSmsConfig(env, str, int, oneOf, problems, smsProviderRequired);
  // The same shape as VERIGATE_BLOCKED_CALLEE_PREFIXES (voice): `+86170` and `86170` are alike.
  config.sms.blockedPrefixes = list('VERIGATE_SMS_BLOCKED_PREFIXES', '', isPrefix, 'a number prefix such as +86170');
  // The voice worker lets live calls run for the grace period, then ends them (up to ~15 s more).
  const graceSeconds = config.voice.shutdownGraceSeconds;
  config.shutdownTimeoutSeconds = int('VERIGATE_SHUTDOWN_TIMEOUT_S', graceSeconds + 20, 1, 7200);
  if (config.shutdownTimeoutSeconds <= graceSeconds) {
    problems.push(`VERIGATE_SHUTDOWN_TIMEOUT_S=${config.shutdownTimeoutSeconds} must be greater than VERIGATE_SHUTDOWN_GRACE_S=${graceSeconds}`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** HOST: an IP address or a host name to listen on. */
function listenHost(host: string, problems: string[]): string {
  if (isIP(host) || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) return host;
  problems.push(`HOST="${host}" must be an IP address (0.0.0.0 for every interface) or a host name`);
  return '127.0.0.1';
}

/** The gateway's HTTP timeouts: Node refuses a headers timeout longer than the request timeout. */
function loadHttpLimits(int: (name: string, fallback: number, min: number, max: number) => number, problems: string[]): PlatformConfig['http'] {
  const limits = {
    headersTimeoutMs: int('VERIGATE_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: int('VERIGATE_HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000),
    idleTimeoutMs: int('VERIGATE_HTTP_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: int('VERIGATE_HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    problems.push(`VERIGATE_HTTP_HEADERS_TIMEOUT_MS=${limits.headersTimeoutMs} must not exceed VERIGATE_HTTP_REQUEST_TIMEOUT_MS=${limits.requestTimeoutMs}`);
  }
  return limits;
}

/** The `sip` section: VERIGATE_SIP_* and VERIGATE_RTP_PORT_MIN/_MAX. */
function loadSipConfig(
  env: Env,
  str: (name: string, fallback: string) => string,
  int: (name: string, fallback: number, min: number, max: number) => number,
  bool: (name: string, fallback: boolean) => boolean,
  problems: string[],
): SipConfig {
  let trunk: SipConfig['trunk'] = null;
  const trunkText = str('VERIGATE_SIP_TRUNK', '');
  if (trunkText) {
    // sip:host[:port][;transport=udp]; a user part is allowed and ignored (the callee replaces it).
    const m = /^sip:(?:[^@;]+@)?(\[[^\]]+\]|[A-Za-z0-9.-]+)(?::(\d+))?((?:;[^;=]+(?:=[^;]*)?)*)$/i.exec(trunkText);
    const port = m?.[2] ? Number(m[2]) : 5060;
    const params = (m?.[3] ?? '').toLowerCase();
    const transport = /;transport=([^;]*)/.exec(params)?.[1];
    if (!m) problems.push(`VERIGATE_SIP_TRUNK="${trunkText}" must look like sip:host or sip:host:port (e.g. sip:10.0.0.5:5060)`);
    else if (port < 1 || port > 65535) problems.push(`VERIGATE_SIP_TRUNK="${trunkText}" has an invalid port`);
    else if (m[1]!.startsWith('[')) problems.push(`VERIGATE_SIP_TRUNK="${trunkText}": IPv6 trunks are not supported (use an IPv4 address or a host name)`);
    else if (transport && transport !== 'udp') problems.push(`VERIGATE_SIP_TRUNK="${trunkText}": only transport=udp is supported`);
    else trunk = { uri: trunkText, host: m[1]!, port };
  }
  const username = str('VERIGATE_SIP_USERNAME', '') || null;
  const password = str('VERIGATE_SIP_PASSWORD', '') || null;
  if (password && !username) problems.push('VERIGATE_SIP_PASSWORD is set but VERIGATE_SIP_USERNAME is not');
  if (username && !password) problems.push('VERIGATE_SIP_USERNAME is set but VERIGATE_SIP_PASSWORD is not');
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
  const address = (name: string, fallback: string) => {
    const v = str(name, fallback);
    if (v && !(ipv4.exec(v)?.slice(1).every((o) => Number(o) <= 255) ?? false)) problems.push(`${name}="${v}" must be an IPv4 address`);
    return v;
  };
  const bindAddress = address('VERIGATE_SIP_BIND_ADDRESS', '0.0.0.0');
  const publicAddress = address('VERIGATE_SIP_PUBLIC_ADDRESS', '') || null;
  if (publicAddress === '0.0.0.0') problems.push('VERIGATE_SIP_PUBLIC_ADDRESS must be an address the trunk can reach, not 0.0.0.0');
  const rtpPortMin = int('VERIGATE_RTP_PORT_MIN', 10000, 1024, 65534);
  const rtpPortMax = int('VERIGATE_RTP_PORT_MAX', 20000, 1025, 65535);
  if (rtpPortMin >= rtpPortMax) problems.push(`VERIGATE_RTP_PORT_MIN (${rtpPortMin}) must be below VERIGATE_RTP_PORT_MAX (${rtpPortMax})`);
  const codecText = str('VERIGATE_SIP_CODECS', 'PCMU,PCMA');
  const codecs = codecText.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (!codecs.length || codecs.some((c) => c !== 'PCMU' && c !== 'PCMA') || new Set(codecs).size !== codecs.length) {
    problems.push(`VERIGATE_SIP_CODECS="${codecText}" must list PCMU and/or PCMA, in order of preference (e.g. PCMA,PCMU)`);
  }
  const fromDomain = str('VERIGATE_SIP_FROM_DOMAIN', '') || null;
  if (fromDomain && !/^[A-Za-z0-9.-]+$/.test(fromDomain)) problems.push(`VERIGATE_SIP_FROM_DOMAIN="${fromDomain}" must be a host name or address`);
  return {
    trunk,
    username,
    password,
    localPort: int('VERIGATE_SIP_LOCAL_PORT', 5060, 0, 65535),
    bindAddress,
    publicAddress,
    rtpPortMin,
    rtpPortMax,
    codecs: codecs.filter((c): c is 'PCMU' | 'PCMA' => c === 'PCMU' || c === 'PCMA'),
    fromDomain,
    stripPlus: bool('VERIGATE_SIP_STRIP_PLUS', false),
    allowPrivateMedia: bool('VERIGATE_RTP_ALLOW_PRIVATE', false),
  };
}

/** Parses VERIGATE_SMPP_URL `smpp://system_id:password@host[:port]` (`ssmpp://` = TLS; port 2775 / 3550). */
export function parseSmppUrl(text: string): Pick<SmppConfig, 'host' | 'port' | 'tls' | 'systemId' | 'password'> | string {
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
  if (password.length > 8) return 'has a password longer than SMPP\'s 8 characters';
  const tls = u.protocol === 'ssmpp:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : tls ? 3550 : 2775, tls, systemId, password };
}

/** The `sms` section: VERIGATE_SMS_* and VERIGATE_SMPP_*. */
function loadSmsConfig(
  env: Env,
  str: (name: string, fallback: string) => string,
  int: (name: string, fallback: number, min: number, max: number) => number,
  oneOf: <T extends string>(name: string, fallback: T, allowed: readonly T[], hint?: string) => T,
  problems: string[],
  /** NODE_ENV=production and this app sends SMS: a real provider must be chosen. */
  providerRequired: boolean,
): SmsConfig {
  const provider = oneOf('VERIGATE_SMS_PROVIDER', 'log', ['log', 'smpp', 'http'] as const);
  let smpp: SmppConfig | null = null;
  // The country code is read by every app, not only with VERIGATE_SMPP_URL: the gateway forms
  // per-prefix velocity prefixes and matches blocked prefixes in international form with it.
  const destPrefix = str('VERIGATE_SMPP_DEST_PREFIX', '');
  if (!/^\d{0,6}$/.test(destPrefix)) problems.push(`VERIGATE_SMPP_DEST_PREFIX="${destPrefix}" must be up to 6 digits (a country code such as 86)`);
  const smppText = str('VERIGATE_SMPP_URL', '');
  if (smppText) {
    const parsed = parseSmppUrl(smppText);
    // The URL carries the password: never echo it back.
    if (typeof parsed === 'string') problems.push(`VERIGATE_SMPP_URL ${parsed}`);
    else {
      const sourceAddr = str('VERIGATE_SMPP_SOURCE_ADDR', '');
      if (sourceAddr.length > 20) problems.push('VERIGATE_SMPP_SOURCE_ADDR must be at most 20 characters');
      const systemType = str('VERIGATE_SMPP_SYSTEM_TYPE', '');
      if (systemType.length > 12) problems.push('VERIGATE_SMPP_SYSTEM_TYPE must be at most 12 characters');
      smpp = {
        ...parsed,
        systemType,
        sourceAddr,
        destPrefix,
        window: int('VERIGATE_SMPP_WINDOW', 10, 1, 1000),
        enquireLinkSeconds: int('VERIGATE_SMPP_ENQUIRE_LINK_S', 30, 1, 3600),
        responseTimeoutMs: int('VERIGATE_SMPP_RESPONSE_TIMEOUT_MS', 10_000, 100, 600_000),
      };
    }
  } else if (provider === 'smpp') {
    problems.push('VERIGATE_SMPP_URL is required when VERIGATE_SMS_PROVIDER=smpp (e.g. smpp://system_id:password@smsc.example.com:2775)');
  }
  let http: SmsConfig['http'] = null;
  const httpUrl = str('VERIGATE_SMS_HTTP_URL', '');
  const httpSecret = str('VERIGATE_SMS_HTTP_SECRET', '');
  if (httpUrl) {
    try {
      const u = new URL(httpUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`VERIGATE_SMS_HTTP_URL must use http: or https: (got ${u.protocol})`);
    } catch {
      problems.push('VERIGATE_SMS_HTTP_URL is not a valid URL');
    }
    if (httpSecret.length < 16) problems.push('VERIGATE_SMS_HTTP_SECRET must be at least 16 characters (it signs every request to VERIGATE_SMS_HTTP_URL)');
    http = { url: httpUrl, secret: httpSecret };
  } else if (provider === 'http') {
    problems.push('VERIGATE_SMS_HTTP_URL is required when VERIGATE_SMS_PROVIDER=http');
  }
  if (provider === 'log' && providerRequired) {
    problems.push(env.VERIGATE_SMS_PROVIDER === 'log'
      ? 'VERIGATE_SMS_PROVIDER=log is refused when NODE_ENV=production (it writes codes in clear to a file; use smpp or http)'
      : 'VERIGATE_SMS_PROVIDER must be set when NODE_ENV=production (smpp or http; log writes codes to a file and is for development)');
  }
  const patternText = str('VERIGATE_SMS_MOBILE_PATTERN', '^[0-9]{11}$');
  let mobilePattern = /^[0-9]{11}$/;
  try {
    mobilePattern = new RegExp(patternText);
    if (!patternText.startsWith('^') || !patternText.endsWith('$')) problems.push(`VERIGATE_SMS_MOBILE_PATTERN="${patternText}" must be anchored with ^ and $`);
  } catch {
    problems.push(`VERIGATE_SMS_MOBILE_PATTERN="${patternText}" is not a valid regular expression`);
  }
  return {
    provider,
    smpp,
    http,
    countryCode: destPrefix,
    logFile: str('VERIGATE_SMS_LOG_FILE', 'var/sms-log.jsonl'),
    mobilePattern,
    prefetch: int('VERIGATE_SMS_PREFETCH', 64, 1, 10_000),
    verifyPerDeviceHour: int('VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR', 30, 1, 1_000_000),
    verifyPerIpHour: int('VERIGATE_SMS_VERIFY_PER_IP_HOUR', 300, 1, 1_000_000),
    defaults: {
      codeLength: int('VERIGATE_SMS_CODE_LENGTH', 6, 4, 10),
      codeTtlSeconds: int('VERIGATE_SMS_CODE_TTL_S', 300, 30, 86_400),
      verifyAttempts: int('VERIGATE_SMS_VERIFY_ATTEMPTS', 5, 1, 100),
      resendCooldownSeconds: int('VERIGATE_SMS_RESEND_COOLDOWN_S', 60, 0, 86_400),
      perMobilePerHour: int('VERIGATE_SMS_PER_MOBILE_HOUR', 5, 1, 1_000_000),
      perMobilePerDay: int('VERIGATE_SMS_PER_MOBILE_DAY', 10, 1, 1_000_000),
      perDevicePerHour: int('VERIGATE_SMS_PER_DEVICE_HOUR', 10, 1, 1_000_000),
      perIpPerHour: int('VERIGATE_SMS_PER_IP_HOUR', 50, 1, 1_000_000),
      dailyBudget: int('VERIGATE_SMS_DAILY_BUDGET', 10_000, 1, 1_000_000_000),
    },
    blockedPrefixes: [], // set by loadConfig (its list parser)
    velocity: {
      multiple: int('VERIGATE_SMS_VELOCITY_MULTIPLE', 10, 0, 1_000_000),
      floor: int('VERIGATE_SMS_VELOCITY_FLOOR', 100, 1, 1_000_000_000),
      prefixDigits: int('VERIGATE_SMS_VELOCITY_PREFIX_DIGITS', 7, 1, 15),
    },
  };
}

/**
 * RABBITMQ_URL: one amqp(s) URL, or a comma-separated list with one URL per node of a cluster
 * (the broker connects to the first that answers and fails over to the next; broker-nodes.ts).
 * Returned as given; each entry is checked. Problems name the entry's position, never its text
 * (it may carry a password).
 */
function rabbitmqUrls(setting: string, problems: string[]): string {
  const urls = setting.split(',').map((u) => u.trim());
  if (urls.some((u) => u === '')) problems.push('RABBITMQ_URL has an empty entry: give one amqp:// URL, or a comma-separated list with one URL per cluster node');
  urls.forEach((u, i) => {
    if (u === '') return;
    const which = urls.length > 1 ? `RABBITMQ_URL entry ${i + 1}` : 'RABBITMQ_URL';
    try {
      const parsed = new URL(u);
      if (!['amqp:', 'amqps:'].includes(parsed.protocol)) problems.push(`${which} must use amqp: or amqps: (got ${parsed.protocol})`);
    } catch {
      problems.push(`${which} is not a valid URL`);
    }
  });
  return setting;
}
