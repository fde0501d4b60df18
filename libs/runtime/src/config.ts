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
  /** Image captcha (SPEC §2.1); README "Captcha configuration" documents each variable. */
  captcha: CaptchaConfig;
}

export interface CaptchaConfig {
  /** How long a captcha can be answered (VERIGATE_CAPTCHA_TTL_S, 120). */
  ttlSeconds: number;
  /** How long a captchaVerification stays valid, single use (VERIGATE_CAPTCHA_VERIFICATION_TTL_S, 180). */
  verificationTtlSeconds: number;
  /** blockPuzzle: accepted distance in px between the answer's x and the gap (VERIGATE_CAPTCHA_TOLERANCE_PX, 5). */
  tolerancePx: number;
  /** blockPuzzle: decoy gaps drawn beside the real one (VERIGATE_CAPTCHA_DECOYS, 2). */
  decoys: number;
  /** Folder of the operator's own background images (PNG/JPEG); empty = procedural (VERIGATE_CAPTCHA_BACKGROUNDS_DIR). */
  backgroundsDir: string;
  /** Gateway → worker request timeout (VERIGATE_CAPTCHA_RPC_TIMEOUT_MS, 3000). */
  rpcTimeoutMs: number;
  /** Requests one captcha worker handles at once (VERIGATE_CAPTCHA_PREFETCH, 8). */
  prefetch: number;
  /** `get` rate limit per window: per device fingerprint and per client IP (VERIGATE_CAPTCHA_GET_LIMIT_FP 30, _IP 300, _WINDOW_S 60). */
  getLimitPerFingerprint: number;
  getLimitPerIp: number;
  getWindowSeconds: number;
  /** Failed checks within the window that lock the caller out (VERIGATE_CAPTCHA_FAIL_LIMIT_FP 5, _IP 30, _WINDOW_S 600). */
  failLimitPerFingerprint: number;
  failLimitPerIp: number;
  failWindowSeconds: number;
  /** How long a lock-out lasts (VERIGATE_CAPTCHA_LOCKOUT_S, 600). */
  lockoutSeconds: number;
  /** Reject a blockPuzzle check that carries no drag trajectory (VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY, false: AJ-Captcha clients send none). */
  requireTrajectory: boolean;
  /** Addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed (VERIGATE_TRUSTED_PROXIES, empty). */
  trustedProxies: string[];
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
  } as PlatformConfig;
  const trustedProxies = str('VERIGATE_TRUSTED_PROXIES', '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const proxy of trustedProxies) {
    if (!/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(proxy)) problems.push(`VERIGATE_TRUSTED_PROXIES: "${proxy}" is not an IP address or CIDR`);
  }
  config.captcha = {
    ttlSeconds: int('VERIGATE_CAPTCHA_TTL_S', 120, 5, 3600),
    verificationTtlSeconds: int('VERIGATE_CAPTCHA_VERIFICATION_TTL_S', 180, 5, 3600),
    tolerancePx: int('VERIGATE_CAPTCHA_TOLERANCE_PX', 5, 1, 20),
    decoys: int('VERIGATE_CAPTCHA_DECOYS', 2, 0, 2),
    backgroundsDir: str('VERIGATE_CAPTCHA_BACKGROUNDS_DIR', ''),
    rpcTimeoutMs: int('VERIGATE_CAPTCHA_RPC_TIMEOUT_MS', 3000, 100, 60_000),
    prefetch: int('VERIGATE_CAPTCHA_PREFETCH', 8, 1, 1000),
    getLimitPerFingerprint: int('VERIGATE_CAPTCHA_GET_LIMIT_FP', 30, 1, 1_000_000),
    getLimitPerIp: int('VERIGATE_CAPTCHA_GET_LIMIT_IP', 300, 1, 1_000_000),
    getWindowSeconds: int('VERIGATE_CAPTCHA_GET_WINDOW_S', 60, 1, 86_400),
    failLimitPerFingerprint: int('VERIGATE_CAPTCHA_FAIL_LIMIT_FP', 5, 1, 1_000_000),
    failLimitPerIp: int('VERIGATE_CAPTCHA_FAIL_LIMIT_IP', 30, 1, 1_000_000),
    failWindowSeconds: int('VERIGATE_CAPTCHA_FAIL_WINDOW_S', 600, 1, 86_400),
    lockoutSeconds: int('VERIGATE_CAPTCHA_LOCKOUT_S', 600, 1, 86_400),
    requireTrajectory: bool('VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY', false),
    trustedProxies,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
