import { isIP } from 'node:net';
import * as z from 'zod';
import { isCidr, isPrefix } from './env-reader.js';
import {
  documented,
  envInt,
  envLimit,
  envList,
  envOneOf,
  envOptionalInt,
  envOptionalUrl,
  envSecret,
  envString,
  envUrl,
  inRowOf,
  urlRefusal,
  VARIABLE,
} from './env-schema.js';

/**
 * The platform's configuration sections as schemas, in the order of the README's "Configuration"
 * table (scripts/config-reference.mjs writes that table from them): the server and its secrets,
 * then the voice API's operating controls. The voice, webhook and HTTP sections are in
 * platform-sections-voice.ts. Defaults that depend on other variables (HOST, the secrets in
 * production, VERIGATE_HEALTH_PORT) are applied by loadConfig, which also checks the rules
 * between variables.
 */

const POSTGRES = ['postgres:', 'postgresql:'];

/**
 * RABBITMQ_URL: one amqp(s) URL, or a comma-separated list with one URL per node of a cluster
 * (the broker connects to the first that answers and fails over to the next; broker-nodes.ts).
 * Kept as given; each entry is checked. Problems name the entry's position, never its text
 * (it may carry a password).
 */
function rabbitmqUrls(fallback: string) {
  return envString(fallback).check((ctx) => {
    const urls = ctx.value.split(',').map((u) => u.trim());
    if (urls.some((u) => u === ''))
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${VARIABLE} has an empty entry: give one amqp:// URL, or a comma-separated list with one URL per cluster node`,
      });
    urls.forEach((u, i) => {
      const refusal =
        u === '' ? null : urlRefusal(u, ['amqp:', 'amqps:'], urls.length > 1 ? `${VARIABLE} entry ${i + 1}` : VARIABLE);
      if (refusal) ctx.issues.push({ code: 'custom', input: ctx.value, message: refusal });
    });
  });
}

/** HOST: an IP address or a host name to listen on ('' = the default, which depends on NODE_ENV). */
function listenHost() {
  return envString().check((ctx) => {
    const host = ctx.value;
    if (host === '' || isIP(host) || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host)) return;
    ctx.issues.push({
      code: 'custom',
      input: host,
      message: `${VARIABLE}="${host}" must be an IP address (0.0.0.0 for every interface) or a host name`,
    });
  });
}

/** A secret: named but never echoed; null when unset. */
function metricsToken() {
  return envSecret()
    .check((ctx) => {
      if (ctx.value !== '' && !/^[\x21-\x7e]{16,256}$/.test(ctx.value))
        ctx.issues.push({
          code: 'custom',
          input: '',
          message: `${VARIABLE} must be 16-256 printable characters without spaces (or unset: /metrics open)`,
        });
    })
    .transform((token) => token || null);
}

function amqpNamespace() {
  return envString().check((ctx) => {
    if (!/^[A-Za-z0-9_.-]*$/.test(ctx.value))
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${VARIABLE} may contain only letters, digits, _ . -`,
      });
  });
}

/** Databases, broker, listeners, secrets, logs. */
export const serverSection = z.object({
  DATABASE_URL: documented(envUrl('postgres://postgres@127.0.0.1:5432/verigate', POSTGRES), {
    default: '`postgres://postgres@127.0.0.1:5432/verigate`',
    meaning: 'PostgreSQL; the database is created if missing',
  }),
  DATABASE_READ_URL: documented(envOptionalUrl(POSTGRES), {
    default: 'empty (everything reads from `DATABASE_URL`)',
    meaning:
      "gateway: a read-only PostgreSQL replica (a `postgres:` URL, validated like `DATABASE_URL`, never echoed) for the operators' CDR, call and SMS listings and CSV exports; a pool of 5, no migrations run on it; see [docs/operations.md](docs/operations.md#reading-from-a-postgresql-replica)",
  }),
  RABBITMQ_URL: documented(rabbitmqUrls('amqp://guest:guest@127.0.0.1:5672'), {
    default: '`amqp://guest:guest@127.0.0.1:5672`',
    meaning:
      'RabbitMQ; a comma-separated list with one URL per node of a cluster (failover: [docs/operations.md](docs/operations.md#running-a-rabbitmq-cluster))',
  }),
  PORT: documented(envInt(3000, 0, 65535), { default: '`3000`', meaning: 'gateway HTTP port' }),
  HOST: documented(listenHost(), {
    default: '`127.0.0.1` outside production, `0.0.0.0` with `NODE_ENV=production`',
    meaning:
      "address the gateway and every worker's `/health` and `/metrics` server listen on (an IP address or host name; `0.0.0.0` = every interface). `docker-compose.yml` sets `0.0.0.0`",
  }),
  VERIGATE_HEALTH_PORT: documented(envOptionalInt(0, 65535), {
    default: '3011–3014 (by `npm start`)',
    meaning: "a worker's `/health` and `/metrics` port",
  }),
  VERIGATE_METRICS_TOKEN: documented(metricsToken(), {
    default: 'empty (open)',
    meaning:
      'when set (16–256 printable characters), `GET /metrics` of every app needs `Authorization: Bearer <token>`, else 401; see [docs/operations.md](docs/operations.md#metrics)',
  }),
  VERIGATE_ACCESS_LOG: documented(envOneOf('info', ['info', 'debug', 'off']), {
    default: '`info`',
    meaning:
      "the gateway's one JSON line per HTTP request: `info`, `debug` or `off` (`/health`, `/metrics` always at `debug`)",
  }),
  VERIGATE_ADMIN_TOKEN: documented(envSecret(), {
    default: '`dev-admin-token` outside production; required with `NODE_ENV=production`',
    meaning: 'operator token (≥ 12 characters); with `NODE_ENV=production` the development value is refused',
  }),
  VERIGATE_MASTER_KEY: documented(envSecret(), {
    default: 'a development key outside production; required in production',
    meaning:
      'encrypts app secrets and verification codes at rest (≥ 16 characters); with `NODE_ENV=production` the development value is refused. Changing it makes stored secrets unreadable.',
  }),
  NODE_ENV: documented(envString(), {
    default: '–',
    meaning:
      '`production` makes the two secrets above mandatory (and refuses their development values), makes the sms worker demand a real `VERIGATE_SMS_PROVIDER`, and makes `HOST` default to `0.0.0.0`',
  }),
  LOG_LEVEL: documented(envOneOf('info', ['debug', 'info', 'warn', 'error']), {
    default: '`info`',
    meaning:
      '`debug`, `info`, `warn`, `error` (JSON lines on stdout, with the `requestId` of the request being handled: [docs/operations.md](docs/operations.md#logs-and-request-ids))',
  }),
  VERIGATE_AMQP_NAMESPACE: documented(amqpNamespace(), {
    default: 'empty',
    meaning: 'prefix of every exchange and queue (several platforms on one broker; tests)',
  }),
  VERIGATE_WAIT_PUMP_PREFETCH: documented(envInt(256, 1, 10_000), {
    default: '`256`',
    meaning:
      'retries one voice or sms worker holds at once until they are due, per command queue (its wait-queue pump: [docs/operations.md](docs/operations.md#running-a-rabbitmq-cluster))',
  }),
});

/** The voice API's platform-wide operating controls (per-app ones live in the apps table). */
export const controlsSection = z.object({
  VERIGATE_AUTH_SKEW_S: documented(envInt(900, 1, 7 * 24 * 3600), {
    default: '`900`',
    meaning: 'accepted distance of AKSK `Created` from the server clock',
  }),
  VERIGATE_TRUSTED_PROXIES: documented(envList('', isCidr, 'an IP address or CIDR'), {
    default: 'empty',
    meaning:
      'addresses/CIDRs of reverse proxies whose `X-Forwarded-For` the gateway believes (every API); from anyone else it is ignored',
  }),
  VERIGATE_ADDRESS_KIND: documented(envOneOf('commercial', ['commercial', 'test']), {
    default: '`commercial`',
    meaning: '`commercial`: apps in stage `test` are refused (1010011); `test`: a sandbox gateway that serves both',
  }),
  VERIGATE_PLATFORM_REQUESTS_PER_S: documented(envLimit(), {
    default: '`0` (off)',
    meaning: 'callVerify requests per second across all gateways (403 1010010)',
  }),
  VERIGATE_SP_CALLS_PER_DAY: documented(envLimit(), {
    default: '`0` (off)',
    meaning: 'calls accepted per UTC day for the whole SP (1013001)',
  }),
  VERIGATE_SERVICE_NUMBER_CALLS_PER_MIN: documented(envLimit(), {
    default: '`0` (off)',
    meaning: 'calls per display number per minute across apps (1013118)',
  }),
  VERIGATE_BLOCKED_CALLEE_PREFIXES: documented(envList('', isPrefix, 'a number prefix such as +86900'), {
    default: 'empty',
    meaning: 'callee prefixes never called, e.g. `+86900,+86168` (1013100)',
  }),
  VERIGATE_ABNORMAL_CALLEE_FAILURES: documented(envInt(10, 0, 1_000_000), {
    variable: '`VERIGATE_ABNORMAL_CALLEE_FAILURES` / `_WINDOW_S`',
    default: '`10` / `3600`',
    meaning: 'failed calls to one callee within the window before it is not called again (1013101); 0 = off',
  }),
  VERIGATE_ABNORMAL_CALLEE_WINDOW_S: inRowOf(envInt(3600, 1, 30 * 24 * 3600), 'VERIGATE_ABNORMAL_CALLEE_FAILURES'),
  VERIGATE_HOME_PREFIXES: documented(envList('', isPrefix, 'a number prefix such as +86'), {
    default: 'empty (off)',
    meaning: 'default home prefixes of the international rules for apps without their own (1013111 / 1013112)',
  }),
  VERIGATE_AUTH_FAILURES_BEFORE_BAN: documented(envInt(10, 1, 1_000_000), {
    variable: '`VERIGATE_AUTH_FAILURES_BEFORE_BAN` / `VERIGATE_AUTH_FAILURE_WINDOW_S` / `VERIGATE_AUTH_BAN_S`',
    default: '`10` / `600` / `1800`',
    meaning: 'the auth-failure ban of a client address (1020176)',
  }),
  VERIGATE_AUTH_FAILURE_WINDOW_S: inRowOf(envInt(600, 1, 24 * 3600), 'VERIGATE_AUTH_FAILURES_BEFORE_BAN'),
  VERIGATE_AUTH_BAN_S: inRowOf(envInt(1800, 1, 30 * 24 * 3600), 'VERIGATE_AUTH_FAILURES_BEFORE_BAN'),
  VERIGATE_DB_STATEMENT_TIMEOUT_MS: documented(envInt(5000, 10, 600_000), {
    default: '`5000`',
    meaning:
      'server-side limit of every gateway statement (callVerify answers 1023002 beyond it, nothing kept); migrations and CSV exports are exempt',
  }),
  VERIGATE_EXPORT_TIMEOUT_S: documented(envInt(3600, 0, 7 * 86_400), {
    default: '`3600`',
    meaning:
      'server-side limit of one CSV export (`GET /admin/v1/cdrs?format=csv`, `/sms?format=csv`), which is one statement for as long as the client reads; `0` = none (a client that stops reading is still cut off by `VERIGATE_HTTP_IDLE_TIMEOUT_MS`)',
  }),
  VERIGATE_EXACT_PORT_CHECK_BELOW: documented(envInt(64, 0, 65535), {
    default: '`64`',
    meaning: 'below this many idle ports (cached count), the platform port check is exact and serialised',
  }),
});
