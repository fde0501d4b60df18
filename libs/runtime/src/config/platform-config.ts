import type { CaptchaConfig } from './captcha-config.js';
import type { SipConfig } from './sip-config.js';
import type { SmsConfig } from './sms-config.js';
import type { VerificationConfig } from './verification-config.js';

/**
 * The platform's configuration, read from the environment once at start-up. Every variable is
 * validated; a bad one stops the process with a message naming it (all bad ones at once).
 */
export interface PlatformConfig {
  production: boolean;
  databaseUrl: string;
  /**
   * DATABASE_READ_URL (gateway): a read-only replica for the operators' CDR, call and SMS listings
   * and CSV exports; null = they read from the primary.
   */
  databaseReadUrl: string | null;
  rabbitmqUrl: string;
  /** Prefix of every exchange and queue name (tests use one per run). */
  amqpNamespace: string;
  /**
   * VERIGATE_WAIT_PUMP_PREFETCH: how many waiting retries a consumer process's wait-queue pump
   * holds at once per quorum work queue (libs/messaging wait-queue-pump.ts).
   */
  waitPumpPrefetch: number;
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
  /** Image captcha (docs/contract.md#image-captcha); README "Captcha configuration" documents each variable. */
  captcha: CaptchaConfig;
  /** SMS verification codes (docs/contract.md#sms-verification-code); README "SMS configuration" documents each variable. */
  sms: SmsConfig;
  /** The verification API (docs/verifications.md); each variable: verification-section.ts (README "Configuration" table). */
  verifications: VerificationConfig;
}

/** The five apps; each demands only the variables it uses (the SMS provider is the sms worker's). */
export type AppName = 'gateway' | 'captcha' | 'sms' | 'voice' | 'notifier';

export interface LoadConfigOptions {
  healthPort?: number;
  /** The app being configured; unset (tests, tools) = every app's requirements apply. */
  app?: AppName;
}
