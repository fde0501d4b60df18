import client, { type Counter, type Gauge, type Histogram, type Registry } from 'prom-client';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Every metric of ours starts with this; prom-client's process_ and nodejs_ metrics keep their names. */
export const METRIC_PREFIX = 'verigate_';

/** Latency buckets (seconds) of requests and short operations: 1 ms … 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets (seconds) of things that take seconds to minutes: call durations, delivery lag. */
export const SLOW_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The metrics of one app: its own prom-client registry (so several apps in one test process do
 * not mix), every series labelled `app`, prom-client's default process metrics included.
 * Metrics are created on first use and shared afterwards (two services asking for the same
 * name get the same metric). Label values must come from bounded sets: never a session id,
 * app key, URL, number or address (see `boundedLabel`).
 */
export class Metrics {
  readonly registry: Registry = new client.Registry();

  constructor(
    readonly app: string,
    options: { processMetrics?: boolean } = {},
  ) {
    this.registry.setDefaultLabels({ app });
    if (options.processMetrics !== false) client.collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return (
      this.existing<Counter<L>>(name) ??
      new client.Counter<L>({ name: METRIC_PREFIX + name, help, labelNames, registers: [this.registry] })
    );
  }

  /** A gauge; with `collect`, its value is computed at scrape time (may be async). */
  gauge<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return (
      this.existing<Gauge<L>>(name) ??
      new client.Gauge<L>({
        name: METRIC_PREFIX + name,
        help,
        labelNames,
        registers: [this.registry],
        ...(collect
          ? {
              collect(this: Gauge<L>) {
                return collect(this);
              },
            }
          : {}),
      })
    );
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = LATENCY_BUCKETS,
  ): Histogram<L> {
    return (
      this.existing<Histogram<L>>(name) ??
      new client.Histogram<L>({ name: METRIC_PREFIX + name, help, labelNames, buckets, registers: [this.registry] })
    );
  }

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private existing<M>(name: string): M | undefined {
    return this.registry.getSingleMetric(METRIC_PREFIX + name) as M | undefined;
  }
}

/** `value` when it is one of `allowed`, else `other`: keeps a label's values a small fixed set. */
export function boundedLabel(
  value: unknown,
  allowed: ReadonlySet<string> | readonly string[],
  other = 'other',
): string {
  const set = allowed instanceof Set ? allowed : new Set(allowed as readonly string[]);
  return typeof value === 'string' && set.has(value) ? value : other;
}

/** Seconds elapsed since `startNs` (from process.hrtime.bigint()). */
export function secondsSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

export interface ProbeOptions {
  /** A result this fresh is reused (scrapes from several Prometheus servers share one query). */
  ttlMs: number;
  /** A scrape waits at most this long; a probe still running keeps running, and no second one starts. */
  timeoutMs: number;
  /** Told about each failed or timed-out probe (e.g. to count it). */
  onError?: (error: Error) => void;
}

/**
 * Wraps an expensive measurement (a database count, RabbitMQ queue checks) for scrape time:
 * cached for `ttlMs`, bounded by `timeoutMs`, at most one in flight. Resolves undefined when the
 * probe failed or took too long, so a scrape never hangs or fails because PostgreSQL or RabbitMQ is
 * down; the caller then leaves its series out.
 */
export function cachedProbe<T>(probe: () => Promise<T>, options: ProbeOptions): () => Promise<T | undefined> {
  let cached: { value: T; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < options.ttlMs) return cached.value;
    if (!inFlight) {
      const started = probe();
      inFlight = started;
      started
        .then(
          (value) => {
            cached = { value, at: Date.now() };
          },
          () => {
            cached = undefined;
          },
        )
        .finally(() => {
          if (inFlight === started) inFlight = undefined;
        });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        inFlight,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
        }),
      ]);
    } catch (error) {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Whether a scrape may read /metrics: always when no token is configured (VERIGATE_METRICS_TOKEN
 * unset), else only with `Authorization: Bearer <token>` (compared in constant time).
 */
export function metricsAuthorized(authorization: string | string[] | undefined, token: string | null): boolean {
  if (!token) return true;
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(typeof authorization === 'string' ? authorization : '')?.[1];
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
