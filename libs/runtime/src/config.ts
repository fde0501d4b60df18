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
  adminToken: string;
  adminTokenIsDefault: boolean;
  masterKey: string;
  masterKeyIsDefault: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  spId: string;
  hostName: string;
  auth: { skewSeconds: number };
  /** Platform-wide operating controls of the voice API (per-app ones live in the apps table). */
  controls: {
    /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs). */
    trustedProxies: string[];
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
    /** Below this many idle ports the platform port check is exact (serialised); above, cached. */
    exactPortCheckBelow: number;
  };
  voice: {
    carrier: 'sim';
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
  webhooks: {
    allowPrivate: boolean;
    retryScheduleMs: number[];
    timeoutMs: number;
    concurrency: number;
    perHostConcurrency: number;
  };
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

export function loadConfig(env: Env = process.env, defaults: { healthPort?: number } = {}): PlatformConfig {
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
  else if (adminToken.length < 12) problems.push('VERIGATE_ADMIN_TOKEN must be at least 12 characters');
  const masterKey = str('VERIGATE_MASTER_KEY', production ? '' : DEV_MASTER_KEY);
  if (!masterKey) problems.push('VERIGATE_MASTER_KEY is required when NODE_ENV=production');
  else if (masterKey.length < 16) problems.push('VERIGATE_MASTER_KEY must be at least 16 characters');

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
  const isCidr = (item: string) => {
    const [address, bits, extra] = item.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  const isPrefix = (item: string) => /^\+?\d{1,15}$/.test(item);

  const config: PlatformConfig = {
    production,
    databaseUrl: url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/verigate', ['postgres:', 'postgresql:']),
    rabbitmqUrl: url('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672', ['amqp:', 'amqps:']),
    amqpNamespace: namespace,
    port: int('PORT', 3000, 0, 65535),
    healthPort: int('VERIGATE_HEALTH_PORT', defaults.healthPort ?? 0, 0, 65535),
    adminToken,
    adminTokenIsDefault: adminToken === DEV_ADMIN_TOKEN,
    masterKey,
    masterKeyIsDefault: masterKey === DEV_MASTER_KEY,
    logLevel: oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    spId: str('VERIGATE_SP_ID', 'verigate'),
    hostName: str('VERIGATE_HOST_NAME', hostname()),
    auth: { skewSeconds: int('VERIGATE_AUTH_SKEW_S', 900, 1, 7 * 24 * 3600) },
    controls: {
      trustedProxies: list('VERIGATE_TRUSTED_PROXIES', '', isCidr, 'an IP address or CIDR'),
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
      exactPortCheckBelow: int('VERIGATE_EXACT_PORT_CHECK_BELOW', 64, 0, 65535),
    },
    voice: {
      carrier: oneOf('VERIGATE_VOICE_CARRIER', 'sim', ['sim'] as const, ' (the sip carrier is not part of this build yet)'),
      simRingMs: int('VERIGATE_SIM_RING_MS', 2000, 0, 600_000),
      simPromptMs: int('VERIGATE_SIM_PROMPT_MS', 3000, 0, 600_000),
      ports: int('VERIGATE_VOICE_PORTS', 30, 1, 65535),
      ringTimeoutSeconds: int('VERIGATE_RING_TIMEOUT_S', 45, 1, 600),
      maxCallSeconds: int('VERIGATE_MAX_CALL_S', 300, 1, 3600),
      shutdownGraceSeconds: int('VERIGATE_SHUTDOWN_GRACE_S', 10, 0, 3600),
      orphanSweepSeconds: int('VERIGATE_ORPHAN_SWEEP_S', 10, 0, 3600),
    },
    webhooks: {
      allowPrivate: bool('VERIGATE_WEBHOOK_ALLOW_PRIVATE', false),
      retryScheduleMs: retryScheduleMs ?? [],
      timeoutMs: int('VERIGATE_WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
      concurrency: int('VERIGATE_WEBHOOK_CONCURRENCY', 256, 1, 10_000),
      perHostConcurrency: int('VERIGATE_WEBHOOK_HOST_CONCURRENCY', 32, 1, 10_000),
    },
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
