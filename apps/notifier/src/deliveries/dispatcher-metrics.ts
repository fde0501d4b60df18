import { cachedProbe, LATENCY_BUCKETS, SLOW_BUCKETS, type Metrics } from '#libs/runtime';
import type { AttemptOutcome, streamLabel } from './delivery-metrics.js';

type StreamLabel = ReturnType<typeof streamLabel>;

/**
 * The dispatcher's metrics: attempts by stream and outcome, attempt duration, delivery lag, and
 * the pending backlog (a database count at scrape time, cached and bounded).
 */
export class DispatcherMetrics {
  private readonly attemptsCounter;
  private readonly attemptDuration;
  private readonly deliveryLag;

  constructor(metrics: Metrics, pendingBacklog: () => Promise<{ pending: number; oldestSeconds: number }>) {
    this.attemptsCounter = metrics.counter(
      'webhook_attempts_total',
      'Webhook delivery attempts, by stream (status, fee, sms) and outcome (ok, http_error, timeout, network_error, refused_address, invalid_url)',
      ['stream', 'outcome'],
    );
    this.attemptDuration = metrics.histogram(
      'webhook_attempt_duration_seconds',
      'One webhook HTTP attempt, from connecting to the response headers',
      ['stream'],
      LATENCY_BUCKETS,
    );
    this.deliveryLag = metrics.histogram(
      'webhook_delivery_lag_seconds',
      'From the notifier recording an event to the receiver acknowledging it with HTTP 200 (retries included)',
      ['stream'],
      SLOW_BUCKETS,
    );
    const backlogErrors = metrics.counter(
      'webhook_backlog_check_errors_total',
      'Pending-delivery queries at scrape time that failed or timed out',
    );
    const backlog = cachedProbe(pendingBacklog, { ttlMs: 5000, timeoutMs: 1500, onError: () => backlogErrors.inc() });
    metrics.gauge(
      'webhook_pending_deliveries',
      'Webhook deliveries not yet delivered or failed for good, retries included (whole database)',
      [],
      async (g) => {
        g.reset();
        const b = await backlog();
        if (b) g.set(b.pending);
      },
    );
    metrics.gauge(
      'webhook_oldest_pending_age_seconds',
      'Age of the oldest pending webhook delivery (0 when none)',
      [],
      async (g) => {
        g.reset();
        const b = await backlog();
        if (b) g.set(b.oldestSeconds);
      },
    );
  }

  /** One attempt that is recorded (an attempt cut off by shutdown is not an outcome). */
  attempt(stream: StreamLabel, outcome: AttemptOutcome | null, durationMs: number): void {
    if (outcome) this.attemptsCounter.inc({ stream, outcome });
    this.attemptDuration.observe({ stream }, durationMs / 1000);
  }

  delivered(stream: StreamLabel, lagSeconds: number): void {
    this.deliveryLag.observe({ stream }, lagSeconds);
  }
}
