import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { loadCaptchaConfig } from './captcha-config.js';
import { EnvReader, isCidr, isPrefix, type Env } from './env-reader.js';
import type { LoadConfigOptions, PlatformConfig } from './platform-config.js';
import { checkSipCarrier, loadSipConfig } from './sip-config.js';
import { loadSmsConfig } from './sms-config.js';
import { loadVerificationConfig } from './verification-config.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const DEV_MASTER_KEY = 'dev-master-key-change-me';

/** Parses `1s,5s,30s,2m,1h` (or plain milliseconds) into milliseconds. */
export function parseDurationList(text: string): number[] | null {
  const out: number[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(ms|s|m|h)?$/.exec(part);
    if (!m) return null;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
    out.push(Number(m[1]) * unit);
  }
  return out.length ? out : null;
}

function readAdminToken(read: EnvReader, production: boolean): string {
  const adminToken = read.str('VERIGATE_ADMIN_TOKEN', production ? '' : DEV_ADMIN_TOKEN);
  if (!adminToken) read.problems.push('VERIGATE_ADMIN_TOKEN is required when NODE_ENV=production');
  else if (production && adminToken === DEV_ADMIN_TOKEN)
    read.problems.push(
      'VERIGATE_ADMIN_TOKEN is the published development token: set your own when NODE_ENV=production (e.g. openssl rand -hex 24)',
    );
  else if (adminToken.length < 12) read.problems.push('VERIGATE_ADMIN_TOKEN must be at least 12 characters');
  return adminToken;
}

function readMasterKey(read: EnvReader, production: boolean): string {
  const masterKey = read.str('VERIGATE_MASTER_KEY', production ? '' : DEV_MASTER_KEY);
  if (!masterKey) read.problems.push('VERIGATE_MASTER_KEY is required when NODE_ENV=production');
  else if (production && masterKey === DEV_MASTER_KEY)
    read.problems.push(
      'VERIGATE_MASTER_KEY is the published development key: set your own when NODE_ENV=production (e.g. openssl rand -hex 32)',
    );
  else if (masterKey.length < 16) read.problems.push('VERIGATE_MASTER_KEY must be at least 16 characters');
  return masterKey;
}

/** A secret: named but never echoed. */
function readMetricsToken(read: EnvReader): string | null {
  const metricsToken = read.str('VERIGATE_METRICS_TOKEN', '') || null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    read.problems.push(
      'VERIGATE_METRICS_TOKEN must be 16-256 printable characters without spaces (or unset: /metrics open)',
    );
  }
  return metricsToken;
}

/** Reads and validates every variable; throws a ConfigError naming all the bad ones. */
export function loadConfig(env: Env = process.env, defaults: LoadConfigOptions = {}): PlatformConfig {
  const read = new EnvReader(env);
  const production = env.NODE_ENV === 'production';
  const adminToken = readAdminToken(read, production);
  const masterKey = readMasterKey(read, production);
  const metricsToken = readMetricsToken(read);

  const retryText = read.str('VERIGATE_WEBHOOK_RETRY_SCHEDULE', '1s,5s,30s,2m,10m,30m,1h,2h,6h');
  const retryScheduleMs = parseDurationList(retryText);
  if (!retryScheduleMs)
    read.problems.push(
      `VERIGATE_WEBHOOK_RETRY_SCHEDULE="${retryText}" must be a comma-separated list like 1s,30s,5m,1h`,
    );

  const namespace = read.str('VERIGATE_AMQP_NAMESPACE', '');
  if (!/^[A-Za-z0-9_.-]*$/.test(namespace))
    read.problems.push('VERIGATE_AMQP_NAMESPACE may contain only letters, digits, _ . -');

  const sip = loadSipConfig(read);
  const voicePorts = read.int('VERIGATE_VOICE_PORTS', 30, 1, 65535);
  const carrier = read.oneOf('VERIGATE_VOICE_CARRIER', 'sim', ['sim', 'sip'] as const);
  if (carrier === 'sip') checkSipCarrier(read, sip, voicePorts);

  const config: PlatformConfig = {
    production,
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/verigate', ['postgres:', 'postgresql:']),
    databaseReadUrl: readReplicaUrl(read),
    rabbitmqUrl: rabbitmqUrls(read, read.str('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672')),
    amqpNamespace: namespace,
    waitPumpPrefetch: read.int('VERIGATE_WAIT_PUMP_PREFETCH', 256, 1, 10_000),
    port: read.int('PORT', 3000, 0, 65535),
    healthPort: read.int('VERIGATE_HEALTH_PORT', defaults.healthPort ?? 0, 0, 65535),
    host: listenHost(read, read.str('HOST', production ? '0.0.0.0' : '127.0.0.1')),
    http: loadHttpLimits(read),
    adminToken,
    adminTokenIsDefault: adminToken === DEV_ADMIN_TOKEN,
    masterKey,
    masterKeyIsDefault: masterKey === DEV_MASTER_KEY,
    logLevel: read.oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const),
    accessLog: read.oneOf('VERIGATE_ACCESS_LOG', 'info', ['info', 'debug', 'off'] as const),
    metricsToken,
    spId: read.str('VERIGATE_SP_ID', 'verigate'),
    hostName: read.str('VERIGATE_HOST_NAME', hostname()),
    auth: { skewSeconds: read.int('VERIGATE_AUTH_SKEW_S', 900, 1, 7 * 24 * 3600) },
    trustedProxies: read.list('VERIGATE_TRUSTED_PROXIES', '', isCidr, 'an IP address or CIDR'),
    controls: {
      addressKind: read.oneOf('VERIGATE_ADDRESS_KIND', 'commercial', ['commercial', 'test'] as const),
      platformRequestsPerSecond: read.optionalLimit('VERIGATE_PLATFORM_REQUESTS_PER_S'),
      spCallsPerDay: read.optionalLimit('VERIGATE_SP_CALLS_PER_DAY'),
      serviceNumberCallsPerMinute: read.optionalLimit('VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN'),
      blockedCalleePrefixes: read.list(
        'VERIGATE_BLOCKED_CALLEE_PREFIXES',
        '',
        isPrefix,
        'a number prefix such as +86900',
      ),
      abnormalCalleeFailures: read.int('VERIGATE_ABNORMAL_CALLEE_FAILURES', 10, 0, 1_000_000),
      abnormalCalleeWindowSeconds: read.int('VERIGATE_ABNORMAL_CALLEE_WINDOW_S', 3600, 1, 30 * 24 * 3600),
      homePrefixes: read.list('VERIGATE_HOME_PREFIXES', '', isPrefix, 'a number prefix such as +86'),
      authFailuresBeforeBan: read.int('VERIGATE_AUTH_FAILURES_BEFORE_BAN', 10, 1, 1_000_000),
      authFailureWindowSeconds: read.int('VERIGATE_AUTH_FAILURE_WINDOW_S', 600, 1, 24 * 3600),
      authBanSeconds: read.int('VERIGATE_AUTH_BAN_S', 1800, 1, 30 * 24 * 3600),
      statementTimeoutMs: read.int('VERIGATE_DB_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
      exportTimeoutSeconds: read.int('VERIGATE_EXPORT_TIMEOUT_S', 3600, 0, 7 * 86_400),
      exactPortCheckBelow: read.int('VERIGATE_EXACT_PORT_CHECK_BELOW', 64, 0, 65535),
    },
    voice: {
      carrier,
      simRingMs: read.int('VERIGATE_SIM_RING_MS', 2000, 0, 600_000),
      simPromptMs: read.int('VERIGATE_SIM_PROMPT_MS', 3000, 0, 600_000),
      ports: voicePorts,
      ringTimeoutSeconds: read.int('VERIGATE_RING_TIMEOUT_S', 45, 1, 600),
      maxCallSeconds: read.int('VERIGATE_MAX_CALL_S', 300, 1, 3600),
      shutdownGraceSeconds: read.int('VERIGATE_SHUTDOWN_GRACE_S', 10, 0, 3600),
      orphanSweepSeconds: read.int('VERIGATE_ORPHAN_SWEEP_S', 10, 0, 3600),
    },
    sip,
    shutdownTimeoutSeconds: 0, // set below: it depends on VERIGATE_SHUTDOWN_GRACE_S
    shutdownDrainMs: read.int('VERIGATE_SHUTDOWN_DRAIN_MS', 2000, 0, 600_000),
    webhooks: {
      allowPrivate: read.bool('VERIGATE_WEBHOOK_ALLOW_PRIVATE', false),
      retryScheduleMs: retryScheduleMs ?? [],
      timeoutMs: read.int('VERIGATE_WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
      concurrency: read.int('VERIGATE_WEBHOOK_CONCURRENCY', 256, 1, 10_000),
      perHostConcurrency: read.int('VERIGATE_WEBHOOK_HOST_CONCURRENCY', 32, 1, 10_000),
      secretGraceSeconds: read.int('VERIGATE_WEBHOOK_SECRET_GRACE_S', 86_400, 0, 30 * 86_400),
    },
  } as PlatformConfig;
  config.captcha = loadCaptchaConfig(read);
  // Only the sms worker sends SMS: the other apps need no provider (docker-compose sets it for sms alone).
  const smsProviderRequired = production && (defaults.app === undefined || defaults.app === 'sms');
  config.sms = loadSmsConfig(read, smsProviderRequired);
  config.verifications = loadVerificationConfig(read);
  // The voice worker lets live calls run for the grace period, then ends them (up to ~15 s more).
  const graceSeconds = config.voice.shutdownGraceSeconds;
  config.shutdownTimeoutSeconds = read.int('VERIGATE_SHUTDOWN_TIMEOUT_S', graceSeconds + 20, 1, 7200);
  if (config.shutdownTimeoutSeconds <= graceSeconds) {
    read.problems.push(
      `VERIGATE_SHUTDOWN_TIMEOUT_S=${config.shutdownTimeoutSeconds} must be greater than VERIGATE_SHUTDOWN_GRACE_S=${graceSeconds}`,
    );
  }
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}

/** HOST: an IP address or a host name to listen on. */
/** DATABASE_READ_URL: optional; when set, validated like DATABASE_URL (never echoed: it may carry a password). */
function readReplicaUrl(read: EnvReader): string | null {
  if (!read.str('DATABASE_READ_URL', '')) return null;
  return read.url('DATABASE_READ_URL', '', ['postgres:', 'postgresql:']);
}

function listenHost(read: EnvReader, host: string): string {
  if (isIP(host) || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) return host;
  read.problems.push(`HOST="${host}" must be an IP address (0.0.0.0 for every interface) or a host name`);
  return '127.0.0.1';
}

/** The gateway's HTTP timeouts: Node refuses a headers timeout longer than the request timeout. */
function loadHttpLimits(read: EnvReader): PlatformConfig['http'] {
  const limits = {
    headersTimeoutMs: read.int('VERIGATE_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: read.int('VERIGATE_HTTP_REQUEST_TIMEOUT_MS', 60_000, 100, 3_600_000),
    idleTimeoutMs: read.int('VERIGATE_HTTP_IDLE_TIMEOUT_MS', 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: read.int('VERIGATE_HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    read.problems.push(
      `VERIGATE_HTTP_HEADERS_TIMEOUT_MS=${limits.headersTimeoutMs} must not exceed VERIGATE_HTTP_REQUEST_TIMEOUT_MS=${limits.requestTimeoutMs}`,
    );
  }
  return limits;
}

/**
 * RABBITMQ_URL: one amqp(s) URL, or a comma-separated list with one URL per node of a cluster
 * (the broker connects to the first that answers and fails over to the next; broker-nodes.ts).
 * Returned as given; each entry is checked. Problems name the entry's position, never its text
 * (it may carry a password).
 */
function rabbitmqUrls(read: EnvReader, setting: string): string {
  const urls = setting.split(',').map((u) => u.trim());
  if (urls.some((u) => u === ''))
    read.problems.push(
      'RABBITMQ_URL has an empty entry: give one amqp:// URL, or a comma-separated list with one URL per cluster node',
    );
  urls.forEach((u, i) => {
    if (u === '') return;
    const which = urls.length > 1 ? `RABBITMQ_URL entry ${i + 1}` : 'RABBITMQ_URL';
    try {
      const parsed = new URL(u);
      if (!['amqp:', 'amqps:'].includes(parsed.protocol))
        read.problems.push(`${which} must use amqp: or amqps: (got ${parsed.protocol})`);
    } catch {
      read.problems.push(`${which} is not a valid URL`);
    }
  });
  return setting;
}
