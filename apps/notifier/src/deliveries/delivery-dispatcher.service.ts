import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { errorText, hostKey, jitteredSchedule } from './delivery-policy.js';
import { WebhookClient } from './webhook-client.js';
import { WebhookDeliveriesRepository, type ClaimedDelivery, type ClaimOptions, type RecordedAttempt } from './webhook-deliveries.repository.js';

/** Retries and anything missed (another instance died, a poke was dropped) are found this often. */
export const POLL_INTERVAL_MS = 500;
/** How often blocked status deliveries are re-checked (see `deferBlocked`). */
const DEFER_BLOCKED_INTERVAL_MS = 10_000;
/** Most deliveries leased by one claim. */
const CLAIM_BATCH = 64;
/** Pokes remembered while every slot is busy; beyond this the poller finds them. */
const MAX_POKED = 10_000;
/** In-flight requests get this long to finish on shutdown; their leases expire otherwise. */
const SHUTDOWN_GRACE_MS = 5000;
/** Tries to record an attempt while the database is briefly away (else the lease expires and it is re-sent). */
const RECORD_RETRY_DELAYS_MS = [100, 500, 2000];

/**
 * Sends due webhook deliveries. Work reaches it three ways:
 * - `poke(id)` right after the consumer's commit (the fast path: claim that row by id at once),
 * - the successor fast path: when a status delivery is delivered or fails for good, the same
 *   task claims the session's next status delivery and sends it on the same slot,
 * - a poller every 500 ms (retries whose time has come, pokes that found no slot, rows of
 *   instances that died holding a lease).
 * Claims lease rows in PostgreSQL, so any number of notifier instances can run side by side.
 * In-flight requests are bounded in total (`webhooks.concurrency`) and per receiving host
 * (`webhooks.perHostConcurrency`): a saturated host's deliveries stay in the table for later
 * while other hosts' deliveries keep flowing.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly concurrency: number;
  private readonly perHost: number;
  private readonly leaseMs: number;
  private readonly schedule: readonly number[];
  private readonly log: JsonLogger;

  private inFlight = 0;
  private readonly inFlightByHost = new Map<string, number>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly poked = new Set<string>();
  private sweepWanted = false;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private abandoned = false;
  private pollTimer?: NodeJS.Timeout;
  private deferTimer?: NodeJS.Timeout;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly client: WebhookClient,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.concurrency = config.webhooks.concurrency;
    this.perHost = config.webhooks.perHostConcurrency;
    this.schedule = config.webhooks.retryScheduleMs;
    // Long enough to cover the request and recording its outcome; after it, another instance may retry.
    this.leaseMs = config.webhooks.timeoutMs + 30_000;
    this.log = logger.child({ component: 'dispatcher' });
  }

  onApplicationBootstrap(): void {
    this.pollTimer = setInterval(() => this.poke(), POLL_INTERVAL_MS);
    this.pollTimer.unref();
    this.deferTimer = setInterval(() => void this.deferBlocked(), DEFER_BLOCKED_INTERVAL_MS);
    this.deferTimer.unref();
    this.poke();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.deferTimer);
    if (this.tasks.size > 0) {
      this.log.info('waiting for in-flight webhook deliveries', { inFlight: this.inFlight });
      await Promise.race([Promise.allSettled([...this.tasks]), sleep(SHUTDOWN_GRACE_MS)]);
    }
    if (this.tasks.size > 0) {
      // Unfinished requests are abandoned unrecorded: their leases expire and they are retried.
      this.log.warn('abandoning in-flight webhook deliveries', { inFlight: this.inFlight });
      this.abandoned = true;
    }
    this.client.close();
    await Promise.race([Promise.allSettled([...this.tasks]), sleep(1000)]);
  }

  /**
   * Asks for a dispatch pass: with an id, that delivery is claimed at once (it was just
   * committed); without, a general pass over everything due.
   */
  poke(deliveryId?: string): void {
    if (this.stopped) return;
    if (deliveryId === undefined || this.poked.size >= MAX_POKED) this.sweepWanted = true;
    else this.poked.add(deliveryId);
    this.schedulePump();
  }

  /** Deliveries being sent by this process right now. */
  get activeDeliveries(): number {
    return this.inFlight;
  }

  /**
   * For tests and tools: runs general passes until nothing claimable is due, and waits for every
   * delivery started meanwhile (including successors) to finish.
   */
  async dispatchDue(): Promise<void> {
    this.sweepWanted = true;
    this.schedulePump();
    await this.whenIdle();
  }

  /** Resolves when no pass is running and no delivery is in flight. */
  async whenIdle(): Promise<void> {
    while (this.pumping || this.tasks.size > 0) {
      await Promise.race([Promise.allSettled([...this.tasks]), sleep(5)]);
    }
  }

  private freeSlots(): number {
    return this.concurrency - this.inFlight;
  }

  private schedulePump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    // setImmediate: pokes of the same tick (a prefetch batch) share one claim.
    setImmediate(() => void this.pump());
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        if (this.stopped) break;
        if (this.poked.size > 0 && this.freeSlots() > 0) {
          const ids = takeFirst(this.poked, Math.min(this.freeSlots(), CLAIM_BATCH));
          // A poked row that cannot be claimed now (waiting for its predecessor, leased elsewhere,
          // host saturated) is left to the successor fast path or the poller.
          await this.claimAndStart({ ids, limit: ids.length });
          if (this.poked.size > 0) this.pumpAgain = true;
        }
        if (this.sweepWanted && this.freeSlots() > 0) {
          const claimed = await this.claimAndStart({ limit: Math.min(this.freeSlots(), CLAIM_BATCH) });
          if (claimed === 0) this.sweepWanted = false;
          else this.pumpAgain = true;
        }
      } while (this.pumpAgain && this.freeSlots() > 0);
    } finally {
      this.pumping = false;
    }
  }

  private async claimAndStart(options: Pick<ClaimOptions, 'ids' | 'limit'>): Promise<number> {
    const hosts: string[] = [];
    const free: number[] = [];
    const saturatedHosts: string[] = [];
    for (const [host, count] of this.inFlightByHost) {
      if (count >= this.perHost) saturatedHosts.push(host);
      else {
        hosts.push(host);
        free.push(this.perHost - count);
      }
    }
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.deliveries.claim({
        ...options,
        leaseMs: this.leaseMs,
        saturatedHosts,
        hostFree: { hosts, free },
        perHostLimit: this.perHost,
      });
    } catch (error) {
      this.log.warn('claiming webhook deliveries failed', { error: errorText(error) });
      return 0;
    }
    for (const delivery of claimed) this.start(delivery);
    return claimed.length;
  }

  private start(delivery: ClaimedDelivery): void {
    const host = hostKey(delivery.url);
    this.acquire(host);
    const task: Promise<void> = this.runChain(delivery, host).finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  /** Sends a delivery, then — while each one settles for good — its session's next status delivery. */
  private async runChain(first: ClaimedDelivery, firstHost: string): Promise<void> {
    let host = firstHost;
    let delivery: ClaimedDelivery | null = first;
    try {
      while (delivery) {
        const outcome = await this.attempt(delivery);
        const settled = outcome !== null && outcome.status !== 'pending';
        const next: ClaimedDelivery | null =
          settled && delivery.stream === 'status' && !this.stopped ? await this.claimSuccessor(delivery) : null;
        if (next) {
          const nextHost = hostKey(next.url);
          if (nextHost !== host) {
            this.release(host);
            this.acquire(nextHost);
            host = nextHost;
          }
        }
        delivery = next;
      }
    } catch (error) {
      this.log.error('webhook delivery task failed', { deliveryId: delivery?.id, sessionId: delivery?.sessionId, error });
    } finally {
      this.release(host);
      if (this.poked.size > 0 || this.sweepWanted) this.schedulePump();
    }
  }

  private async claimSuccessor(delivery: ClaimedDelivery): Promise<ClaimedDelivery | null> {
    try {
      const [next] = await this.deliveries.claim({
        successor: { sessionId: delivery.sessionId, seq: delivery.seq + 1 },
        limit: 1,
        leaseMs: this.leaseMs,
      });
      return next ?? null;
    } catch (error) {
      this.log.warn('claiming the next status delivery failed; the poller will send it', {
        sessionId: delivery.sessionId,
        error: errorText(error),
      });
      return null;
    }
  }

  /** One HTTP attempt and its record. Returns null when nothing could be recorded. */
  private async attempt(delivery: ClaimedDelivery): Promise<RecordedAttempt | null> {
    const fields = { sessionId: delivery.sessionId, deliveryId: delivery.id, stream: delivery.stream, seq: delivery.seq };
    const attemptedAt = new Date();
    const result = await this.client.post(delivery.url, JSON.stringify(delivery.body), { 'X-Verigate-Delivery-Id': delivery.id });
    if (result.aborted || this.abandoned) {
      this.log.info('webhook delivery abandoned by shutdown', fields);
      return null;
    }
    const record = {
      id: delivery.id,
      attemptedAt,
      durationMs: result.durationMs,
      httpStatus: result.httpStatus,
      error: result.error,
      ok: result.ok,
      permanent: result.permanent,
      scheduleMs: jitteredSchedule(this.schedule),
    };
    let recorded: RecordedAttempt | null = null;
    for (let i = 0; ; i++) {
      try {
        recorded = await this.deliveries.recordAttempt(record);
        break;
      } catch (error) {
        const delay = RECORD_RETRY_DELAYS_MS[i];
        if (delay === undefined || this.abandoned) {
          this.log.error('could not record a webhook attempt; it will be sent again when its lease expires', {
            ...fields,
            ok: result.ok,
            error: errorText(error),
          });
          return null;
        }
        await sleep(delay);
      }
    }
    if (!recorded) {
      this.log.warn('webhook delivery was settled elsewhere while in flight', fields);
      return null;
    }
    const outcome = {
      ...fields,
      attempt: recorded.attempt,
      durationMs: result.durationMs,
      host: hostKey(delivery.url),
      ...(result.httpStatus !== null ? { httpStatus: result.httpStatus } : {}),
      ...(result.error !== null ? { error: result.error } : {}),
    };
    if (recorded.status === 'delivered') this.log.debug('webhook delivered', outcome);
    else if (recorded.status === 'failed') this.log.warn('webhook delivery failed for good', outcome);
    else this.log.info('webhook attempt failed; will retry', { ...outcome, nextAttemptAt: recorded.nextAttemptAt });
    return recorded;
  }

  private async deferBlocked(): Promise<void> {
    if (this.stopped) return;
    try {
      const n = await this.deliveries.deferBlocked();
      if (n > 0) this.log.info('deferred status deliveries waiting behind a retry', { count: n });
    } catch (error) {
      this.log.warn('deferring blocked deliveries failed', { error: errorText(error) });
    }
  }

  private acquire(host: string): void {
    this.inFlight += 1;
    this.inFlightByHost.set(host, (this.inFlightByHost.get(host) ?? 0) + 1);
  }

  private release(host: string): void {
    this.inFlight -= 1;
    const count = (this.inFlightByHost.get(host) ?? 1) - 1;
    if (count <= 0) this.inFlightByHost.delete(host);
    else this.inFlightByHost.set(host, count);
  }
}

function takeFirst(set: Set<string>, n: number): string[] {
  const out: string[] = [];
  for (const value of set) {
    if (out.length >= n) break;
    out.push(value);
  }
  for (const value of out) set.delete(value);
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
