import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Outbox } from '#libs/messaging';
import { VerificationsRepository } from '#libs/persistence';
import { APP_LOGGER, JsonLogger, Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** Rows of each kind one sweep handles at most (the next sweep takes the rest). */
const SWEEP_BATCH = 200;
/** The fraud guard's old minutes are forgotten this often. */
const FORGET_EVERY_MS = 60_000;

/**
 * The verification API's durable timer, in the sms worker (it owns the receipts the fallback
 * waits for): every VERIGATE_VERIFY_SWEEP_MS one statement (verigate_sweep_verifications) places
 * the fallback calls that are due — no `delivered` receipt within VERIGATE_VERIFY_FALLBACK_S, or
 * a failure receipt — fails `sms` verifications whose SMS failed and expires pending ones past
 * their time, writing the commands and webhook events into the outbox.
 *
 * Why a database sweep and not a RabbitMQ delay queue: the due time lives in the verification's
 * row, so nothing is lost when a worker dies between the SMS and the fallback (any sms worker, or
 * the same one restarted, finds it due), the decision needs the receipt that is in the database
 * anyway, a change of VERIGATE_VERIFY_FALLBACK_S needs no queue re-declared (a queue's TTL is
 * fixed), and the fallback happens once because the wait ends in the statement that writes the
 * call (rows taken with SKIP LOCKED, so several workers share the work). The cost: one indexed
 * query per interval per worker, and up to one interval of lateness.
 */
@Injectable()
export class VerificationSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastForget = 0;
  private readonly outcomes;

  constructor(
    private readonly verifications: VerificationsRepository,
    private readonly outbox: Outbox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter(
      'verification_sweep_outcomes_total',
      'What the verification sweep did: fallback (a call placed because no delivered SMS receipt came in time or the SMS failed), failed, expired',
      ['outcome'],
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((error: Error) => this.logger.warn('verification sweep failed', { error: error.message }))
        .finally(() => (this.running = undefined));
    }, this.config.verifications.sweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep: what it wrote is dispatched (the outbox relay publishes it otherwise). */
  async sweepOnce(): Promise<void> {
    const rows = await this.verifications.sweep(SWEEP_BATCH, this.config.verifications.callTimes);
    if (rows.length) {
      void this.outbox.dispatch(rows);
      for (const row of rows) {
        // One command row per fallback call; the event rows of failures and expiries, one each.
        if (row.kind === 'fallback' && row.routing_key === 'voice.place-call') {
          this.outcomes.inc({ outcome: 'fallback' });
          this.logger.info('verification fallback: the code is spoken by a call', { sessionId: row.message_id });
        } else if (row.kind !== 'fallback') this.outcomes.inc({ outcome: row.kind });
      }
    }
    if (Date.now() - this.lastForget >= FORGET_EVERY_MS) {
      this.lastForget = Date.now();
      await this.verifications.forgetOldPrefixMinutes(this.config.verifications.fraud.windowSeconds);
    }
  }
}
