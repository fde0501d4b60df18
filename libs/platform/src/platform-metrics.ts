import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Broker, delayQueueOf, WORK_QUEUES } from '#libs/messaging';
import { cachedProbe, Metrics } from '#libs/runtime';

/** Queue and outbox figures are measured at most this often, however many scrapes come. */
export const PROBE_TTL_MS = 5000;
/** A scrape waits at most this long for RabbitMQ or PostgreSQL; the series are left out after that. */
export const PROBE_TIMEOUT_MS = 1500;

export const PLATFORM_METRICS_OPTIONS = Symbol('PLATFORM_METRICS_OPTIONS');

export interface PlatformMetricsOptions {
  /** Logical queues this app consumes; a work queue's wait/delay (`.wait` or `.retry`) and `.dead` queues are added. */
  queues: readonly string[];
  /** Apps that write to the outbox report its backlog. */
  outbox: boolean;
}

/** The queues whose depth an app reports: each consumed queue, and a work queue's delay and dead-letter queues. */
export function reportedQueues(consumed: readonly string[]): string[] {
  const work = new Map(WORK_QUEUES.map((q) => [q.name, q]));
  return consumed.flatMap((queue) => {
    const spec = work.get(queue);
    return spec ? [queue, delayQueueOf(spec), `${queue}.dead`] : [queue];
  });
}

/**
 * Series every app has beside its own: RabbitMQ connected, the depth and consumers of the queues
 * it consumes (checked at scrape time on a channel of their own), and the outbox backlog of apps
 * that write to it. Both probes are cached and bounded (see cachedProbe): a scrape never hangs
 * when RabbitMQ or PostgreSQL is down; the series are left out and an error counter rises.
 */
@Injectable()
export class PlatformMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly metrics: Metrics,
    private readonly broker: Broker,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_METRICS_OPTIONS) private readonly options: PlatformMetricsOptions,
  ) {}

  onApplicationBootstrap(): void {
    const { metrics, broker } = this;
    metrics.gauge('rabbitmq_connected', '1 while this process is connected to RabbitMQ', [], (g) =>
      g.set(broker.isConnected ? 1 : 0),
    );

    const queues = reportedQueues(this.options.queues);
    if (queues.length > 0) {
      const checkErrors = metrics.counter(
        'queue_check_errors_total',
        'Queue depth checks at scrape time that failed or timed out',
      );
      const stats = cachedProbe(
        async () => {
          const result = await broker.queueStats(queues);
          const failed = result.filter((s) => 'error' in s).length;
          if (failed > 0) checkErrors.inc(failed);
          return result;
        },
        { ttlMs: PROBE_TTL_MS, timeoutMs: PROBE_TIMEOUT_MS, onError: () => checkErrors.inc() },
      );
      metrics.gauge(
        'queue_messages_ready',
        'Messages ready in a queue this app consumes (its delay and .dead queues included)',
        ['queue'],
        async (g) => {
          g.reset();
          for (const s of (await stats()) ?? []) if (!('error' in s)) g.set({ queue: s.queue }, s.ready);
        },
      );
      metrics.gauge('queue_consumers', 'Consumers attached to a queue this app consumes', ['queue'], async (g) => {
        g.reset();
        for (const s of (await stats()) ?? []) if (!('error' in s)) g.set({ queue: s.queue }, s.consumers);
      });
    }

    if (this.options.outbox) {
      const checkErrors = metrics.counter(
        'outbox_check_errors_total',
        'Outbox backlog queries at scrape time that failed or timed out',
      );
      const backlog = cachedProbe(
        async () => {
          const [row] = (await this.dataSource.query(
            `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest FROM outbox`,
          )) as Array<{ pending: number; oldest: number }>;
          return row ?? { pending: 0, oldest: 0 };
        },
        { ttlMs: PROBE_TTL_MS, timeoutMs: PROBE_TIMEOUT_MS, onError: () => checkErrors.inc() },
      );
      metrics.gauge(
        'outbox_pending_messages',
        'Messages written to the outbox and not yet confirmed by RabbitMQ (whole database)',
        [],
        async (g) => {
          g.reset();
          const b = await backlog();
          if (b) g.set(b.pending);
        },
      );
      metrics.gauge(
        'outbox_oldest_age_seconds',
        'Age of the oldest unpublished outbox message (0 when none)',
        [],
        async (g) => {
          g.reset();
          const b = await backlog();
          if (b) g.set(b.oldest);
        },
      );
    }
  }
}
