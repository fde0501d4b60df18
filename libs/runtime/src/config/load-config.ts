import { loadCaptchaConfig } from './captcha-config.js';
import { EnvReader, type Env } from './env-reader.js';
import { readSection } from './env-schema.js';
import { controlsSection, serverSection } from './platform-sections.js';
import { httpSection, parseDurationList, voiceSection, webhooksSection } from './platform-sections-voice.js';
import type { LoadConfigOptions, PlatformConfig } from './platform-config.js';
import { checkSipCarrier, loadSipConfig } from './sip-config.js';
import { loadSmsConfig } from './sms-config.js';
import { loadVerificationConfig } from './verification-config.js';
import { verificationSection } from './verification-section.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const DEV_MASTER_KEY = 'dev-master-key-change-me';

export { parseDurationList };

/** The sections in the order of the README's "Configuration" table (scripts/config-reference.mjs). */
export const PLATFORM_SECTIONS = [
  serverSection,
  controlsSection,
  voiceSection,
  webhooksSection,
  httpSection,
  verificationSection,
] as const;

/** A secret that production requires and whose development value it refuses (named, never echoed). */
function productionSecret(
  problems: string[],
  name: string,
  given: string,
  rule: { development: string; minLength: number; what: string; example: string },
  production: boolean,
): string {
  const value = given || (production ? '' : rule.development);
  if (!value) problems.push(`${name} is required when NODE_ENV=production`);
  else if (production && value === rule.development)
    problems.push(
      `${name} is the published development ${rule.what}: set your own when NODE_ENV=production (e.g. ${rule.example})`,
    );
  else if (value.length < rule.minLength) problems.push(`${name} must be at least ${rule.minLength} characters`);
  return value;
}

/** Reads and validates every variable; throws a ConfigError naming all the bad ones. */
export function loadConfig(env: Env = process.env, defaults: LoadConfigOptions = {}): PlatformConfig {
  const read = new EnvReader(env);
  const problems = read.problems;
  const production = env.NODE_ENV === 'production';
  const server = readSection(serverSection, env, problems);
  const adminToken = productionSecret(
    problems,
    'VERIGATE_ADMIN_TOKEN',
    server.VERIGATE_ADMIN_TOKEN,
    { development: DEV_ADMIN_TOKEN, minLength: 12, what: 'token', example: 'openssl rand -hex 24' },
    production,
  );
  const masterKey = productionSecret(
    problems,
    'VERIGATE_MASTER_KEY',
    server.VERIGATE_MASTER_KEY,
    { development: DEV_MASTER_KEY, minLength: 16, what: 'key', example: 'openssl rand -hex 32' },
    production,
  );
  const controls = readSection(controlsSection, env, problems);
  const voice = readSection(voiceSection, env, problems);
  const sip = loadSipConfig(read);
  if (voice.VERIGATE_VOICE_CARRIER === 'sip') checkSipCarrier(read, sip, voice.VERIGATE_VOICE_PORTS);
  const webhooks = readSection(webhooksSection, env, problems);
  const http = readSection(httpSection, env, problems);
  if (http.VERIGATE_HTTP_HEADERS_TIMEOUT_MS > http.VERIGATE_HTTP_REQUEST_TIMEOUT_MS) {
    problems.push(
      `VERIGATE_HTTP_HEADERS_TIMEOUT_MS=${http.VERIGATE_HTTP_HEADERS_TIMEOUT_MS} must not exceed VERIGATE_HTTP_REQUEST_TIMEOUT_MS=${http.VERIGATE_HTTP_REQUEST_TIMEOUT_MS}`,
    );
  }

  const config: PlatformConfig = {
    production,
    databaseUrl: server.DATABASE_URL,
    databaseReadUrl: server.DATABASE_READ_URL,
    rabbitmqUrl: server.RABBITMQ_URL,
    amqpNamespace: server.VERIGATE_AMQP_NAMESPACE,
    waitPumpPrefetch: server.VERIGATE_WAIT_PUMP_PREFETCH,
    port: server.PORT,
    healthPort: server.VERIGATE_HEALTH_PORT ?? defaults.healthPort ?? 0,
    host: server.HOST || (production ? '0.0.0.0' : '127.0.0.1'),
    http: {
      headersTimeoutMs: http.VERIGATE_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: http.VERIGATE_HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: http.VERIGATE_HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: http.VERIGATE_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    adminToken,
    adminTokenIsDefault: adminToken === DEV_ADMIN_TOKEN,
    masterKey,
    masterKeyIsDefault: masterKey === DEV_MASTER_KEY,
    logLevel: server.LOG_LEVEL,
    accessLog: server.VERIGATE_ACCESS_LOG,
    metricsToken: server.VERIGATE_METRICS_TOKEN,
    spId: voice.VERIGATE_SP_ID,
    hostName: voice.VERIGATE_HOST_NAME,
    auth: { skewSeconds: controls.VERIGATE_AUTH_SKEW_S },
    trustedProxies: controls.VERIGATE_TRUSTED_PROXIES,
    controls: {
      addressKind: controls.VERIGATE_ADDRESS_KIND,
      platformRequestsPerSecond: controls.VERIGATE_PLATFORM_REQUESTS_PER_S,
      spCallsPerDay: controls.VERIGATE_SP_CALLS_PER_DAY,
      serviceNumberCallsPerMinute: controls.VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN,
      blockedCalleePrefixes: controls.VERIGATE_BLOCKED_CALLEE_PREFIXES,
      abnormalCalleeFailures: controls.VERIGATE_ABNORMAL_CALLEE_FAILURES,
      abnormalCalleeWindowSeconds: controls.VERIGATE_ABNORMAL_CALLEE_WINDOW_S,
      homePrefixes: controls.VERIGATE_HOME_PREFIXES,
      authFailuresBeforeBan: controls.VERIGATE_AUTH_FAILURES_BEFORE_BAN,
      authFailureWindowSeconds: controls.VERIGATE_AUTH_FAILURE_WINDOW_S,
      authBanSeconds: controls.VERIGATE_AUTH_BAN_S,
      statementTimeoutMs: controls.VERIGATE_DB_STATEMENT_TIMEOUT_MS,
      exportTimeoutSeconds: controls.VERIGATE_EXPORT_TIMEOUT_S,
      exactPortCheckBelow: controls.VERIGATE_EXACT_PORT_CHECK_BELOW,
    },
    voice: {
      carrier: voice.VERIGATE_VOICE_CARRIER,
      simRingMs: voice.VERIGATE_SIM_RING_MS,
      simPromptMs: voice.VERIGATE_SIM_PROMPT_MS,
      ports: voice.VERIGATE_VOICE_PORTS,
      ringTimeoutSeconds: voice.VERIGATE_RING_TIMEOUT_S,
      maxCallSeconds: voice.VERIGATE_MAX_CALL_S,
      shutdownGraceSeconds: voice.VERIGATE_SHUTDOWN_GRACE_S,
      orphanSweepSeconds: voice.VERIGATE_ORPHAN_SWEEP_S,
    },
    sip,
    // The voice worker lets live calls run for the grace period, then ends them (up to ~15 s more).
    shutdownTimeoutSeconds: voice.VERIGATE_SHUTDOWN_TIMEOUT_S ?? voice.VERIGATE_SHUTDOWN_GRACE_S + 20,
    shutdownDrainMs: voice.VERIGATE_SHUTDOWN_DRAIN_MS,
    webhooks: {
      allowPrivate: webhooks.VERIGATE_WEBHOOK_ALLOW_PRIVATE,
      retryScheduleMs: webhooks.VERIGATE_WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: webhooks.VERIGATE_WEBHOOK_TIMEOUT_MS,
      concurrency: webhooks.VERIGATE_WEBHOOK_CONCURRENCY,
      perHostConcurrency: webhooks.VERIGATE_WEBHOOK_HOST_CONCURRENCY,
      secretGraceSeconds: webhooks.VERIGATE_WEBHOOK_SECRET_GRACE_S,
    },
  } as PlatformConfig;
  config.captcha = loadCaptchaConfig(read);
  // Only the sms worker sends SMS: the other apps need no provider (docker-compose sets it for sms alone).
  const smsProviderRequired = production && (defaults.app === undefined || defaults.app === 'sms');
  config.sms = loadSmsConfig(read, smsProviderRequired);
  config.verifications = loadVerificationConfig(read);
  const graceSeconds = config.voice.shutdownGraceSeconds;
  if (config.shutdownTimeoutSeconds <= graceSeconds) {
    problems.push(
      `VERIGATE_SHUTDOWN_TIMEOUT_S=${config.shutdownTimeoutSeconds} must be greater than VERIGATE_SHUTDOWN_GRACE_S=${graceSeconds}`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
