import { hostname } from 'node:os';
import * as z from 'zod';
import { documented, envBool, envInt, envOneOf, envOptionalInt, envString, inRowOf, VARIABLE } from './env-schema.js';

/** The voice worker, webhook and gateway HTTP sections (see platform-sections.ts). */

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

function retrySchedule(fallback: string) {
  return envString(fallback).transform((text, ctx) => {
    const schedule = parseDurationList(text);
    if (schedule) return schedule;
    ctx.issues.push({
      code: 'custom',
      input: text,
      message: `${VARIABLE}="${text}" must be a comma-separated list like 1s,30s,5m,1h`,
    });
    return z.NEVER;
  });
}

/** The voice worker: carrier, simulated network, ports, call limits, graceful stop, CDR identity. */
export const voiceSection = z.object({
  VERIGATE_VOICE_CARRIER: documented(envOneOf('sim', ['sim', 'sip']), {
    default: '`sim`',
    meaning: 'the voice carrier: `sim` or `sip` (see [SIP carrier](#sip-carrier))',
  }),
  VERIGATE_SIM_RING_MS: documented(envInt(2000, 0, 600_000), {
    variable: '`VERIGATE_SIM_RING_MS` / `VERIGATE_SIM_PROMPT_MS`',
    default: '`2000` / `3000`',
    meaning: 'simulated ringing time / prompt time per play',
  }),
  VERIGATE_SIM_PROMPT_MS: inRowOf(envInt(3000, 0, 600_000), 'VERIGATE_SIM_RING_MS'),
  VERIGATE_VOICE_PORTS: documented(envInt(30, 1, 65535), {
    default: '`30`',
    meaning: 'concurrent calls per voice worker (its RabbitMQ prefetch)',
  }),
  VERIGATE_RING_TIMEOUT_S: documented(envInt(45, 1, 600), {
    default: '`45`',
    meaning: 'ringing time before giving up',
  }),
  VERIGATE_MAX_CALL_S: documented(envInt(300, 1, 3600), {
    default: '`300`',
    meaning: 'longest call (bounds `times: 0`)',
  }),
  VERIGATE_SHUTDOWN_GRACE_S: documented(envInt(10, 0, 3600), {
    default: '`10`',
    meaning: 'on SIGTERM, how long a voice worker lets live calls finish before ending them (stateCode 8000)',
  }),
  VERIGATE_SHUTDOWN_TIMEOUT_S: documented(envOptionalInt(1, 7200), {
    default: '`VERIGATE_SHUTDOWN_GRACE_S` + 20',
    meaning:
      'every app: a graceful stop not finished this long after SIGTERM exits 1 (must exceed the grace); see [docs/operations.md](docs/operations.md#graceful-shutdown-and-rolling-restarts)',
  }),
  VERIGATE_SHUTDOWN_DRAIN_MS: documented(envInt(2000, 0, 600_000), {
    default: '`2000`',
    meaning: 'gateway: how long `/health` answers 503 after SIGTERM before the listener closes',
  }),
  VERIGATE_ORPHAN_SWEEP_S: documented(envInt(10, 0, 3600), {
    default: '`10`',
    meaning: 'how often a voice worker ends calls left behind by a dead worker (0 = off)',
  }),
  VERIGATE_SP_ID: documented(envString('verigate'), {
    variable: '`VERIGATE_SP_ID` / `VERIGATE_HOST_NAME`',
    default: '`verigate` / the host name',
    meaning: '`spId` and `hostName` of CDRs',
  }),
  VERIGATE_HOST_NAME: inRowOf(envString(hostname()), 'VERIGATE_SP_ID'),
});

/** Webhook deliveries (the notifier) and Standard Webhooks secrets. */
export const webhooksSection = z.object({
  VERIGATE_WEBHOOK_ALLOW_PRIVATE: documented(envBool(false), {
    default: '`false`',
    meaning: 'allow statusUrl/feeUrl on private, loopback and link-local addresses',
  }),
  VERIGATE_WEBHOOK_RETRY_SCHEDULE: documented(retrySchedule('1s,5s,30s,2m,10m,30m,1h,2h,6h'), {
    default: '`1s,5s,30s,2m,10m,30m,1h,2h,6h`',
    meaning:
      'delays between delivery attempts; after the last, a status event is `failed`, a CDR keeps retrying at the last interval',
  }),
  VERIGATE_WEBHOOK_TIMEOUT_MS: documented(envInt(5000, 100, 120_000), {
    default: '`5000`',
    meaning: 'per-request timeout',
  }),
  VERIGATE_WEBHOOK_CONCURRENCY: documented(envInt(256, 1, 10_000), {
    variable: '`VERIGATE_WEBHOOK_CONCURRENCY` / `VERIGATE_WEBHOOK_HOST_CONCURRENCY`',
    default: '`256` / `32`',
    meaning: 'requests in flight per notifier, and per receiving host',
  }),
  VERIGATE_WEBHOOK_HOST_CONCURRENCY: inRowOf(envInt(32, 1, 10_000), 'VERIGATE_WEBHOOK_CONCURRENCY'),
  VERIGATE_WEBHOOK_SECRET_GRACE_S: documented(envInt(86_400, 0, 30 * 86_400), {
    default: '`86400`',
    meaning: 'after a Standard Webhooks secret is rotated, how long the previous one still signs (beside the new one)',
  }),
});

/** The gateway's HTTP server limits against slow and idle clients. */
export const httpSection = z.object({
  VERIGATE_HTTP_HEADERS_TIMEOUT_MS: documented(envInt(10_000, 100, 600_000), {
    default: '`10000`',
    meaning: 'the gateway cuts off a client whose request headers have not all arrived in this time (408; slowloris)',
  }),
  VERIGATE_HTTP_REQUEST_TIMEOUT_MS: documented(envInt(60_000, 100, 3_600_000), {
    default: '`60000`',
    meaning: '… whose whole request, body included, has not arrived (408); at least the headers timeout',
  }),
  VERIGATE_HTTP_IDLE_TIMEOUT_MS: documented(envInt(30_000, 100, 3_600_000), {
    default: '`30000`',
    meaning: 'a gateway socket silent this long is closed',
  }),
  VERIGATE_HTTP_KEEP_ALIVE_TIMEOUT_MS: documented(envInt(72_000, 100, 3_600_000), {
    default: '`72000`',
    meaning: "an idle keep-alive connection is closed after this (keep it above a load balancer's idle timeout)",
  }),
});
