import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_LOGGER,
  JsonLogger,
  Metrics,
  outsideRequestContext,
  PLATFORM_CONFIG,
  type PlatformConfig,
} from '#libs/runtime';
import { MicroBatcher } from '../batching/micro-batcher.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import { DeliveryAttemptRunner } from './delivery-attempt-runner.js';
import { DeliveryAttemptsRepository } from './delivery-attempts.repository.js';
import { DeliveryLeasesRepository, type ClaimOptions } from './delivery-leases.repository.js';
import { errorText } from './delivery-policy.js';
import {
  claimBudget,
  leaseMsFor,
  matchSuccessors,
  nextStep,
  successorKeys,
  takeFirst,
  type DispatchPolicy,
  type DispatchState,
} from './delivery-transitions.js';
import { DispatcherMetrics } from './dispatcher-metrics.js';
import { RequestSlots } from './request-slots.js';
import { WebhookClient } from './webhook-client.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookSigner } from './webhook-signer.js';

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

/**
 * Sends due webhook deliveries. Work reaches it three ways:
 * - `poke(id)` right after the consumer's commit (the fast path: claim that row by id at once),
 * - the successor fast path: when a status delivery is delivered or fails for good, the same
 *   task claims the session's next status delivery and sends it,
 * - a poller every 500 ms (retries whose time has come, pokes that found no free slot, rows of
 *   instances that died holding a lease).
 * Claims lease rows in PostgreSQL, so any number of notifier instances can run side by side.
 * HTTP requests in flight are bounded in total (`webhooks.concurrency`) and per receiving host
 * (`webhooks.perHostConcurrency`); claims take no more rows for a host than it has free slots,
 * so a slow host's deliveries stay in the table for later while other hosts' keep flowing.
 * This is the claim loop and task bookkeeping; each attempt is DeliveryAttemptRunner's, and what
 * follows from an attempt is decided by the pure core (delivery-transitions.ts).
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly policy: DispatchPolicy;
  private readonly log: JsonLogger;
  private readonly slots: RequestSlots;
  /** Leased deliveries held by this process (sending, or recording the outcome). */
  private readonly maxTasks: number;
  private readonly runner: DeliveryAttemptRunner;

  private readonly tasks = new Set<Promise<void>>();
  private readonly poked = new Set<string>();
  private readonly state: DispatchState = { stopped: false, abandoned: false };
  private sweepWanted = false;
  private pumping = false;
  private pumpAgain = false;
  private pollTimer?: NodeJS.Timeout;
  private deferTimer?: NodeJS.Timeout;
  /** Successor claims of concurrent tasks share statements under load. */
  private readonly successors: MicroBatcher<ClaimedDelivery, ClaimedDelivery | null>;

  constructor(
    deliveries: WebhookDeliveriesRepository,
    private readonly leases: DeliveryLeasesRepository,
    attempts: DeliveryAttemptsRepository,
    private readonly client: WebhookClient,
    signer: WebhookSigner,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.slots = new RequestSlots(config.webhooks.concurrency, config.webhooks.perHostConcurrency);
    this.maxTasks = 2 * config.webhooks.concurrency;
    this.policy = { scheduleMs: config.webhooks.retryScheduleMs, leaseMs: leaseMsFor(config.webhooks.timeoutMs) };
    this.log = logger.child({ component: 'dispatcher' });
    this.successors = new MicroBatcher((items) => this.claimSuccessors(items), { maxBatch: 200, maxConcurrent: 2 });
    this.runner = new DeliveryAttemptRunner({
      leases,
      attempts,
      client,
      signer,
      slots: this.slots,
      metrics: new DispatcherMetrics(metrics, () => deliveries.pendingBacklog()),
      log: this.log,
      policy: this.policy,
      state: this.state,
      onSlotReleased: (lookForWork) => {
        // A claim may have left rows behind for lack of a slot (pokes for a saturated host):
        // look for them now rather than at the next poll.
        if (lookForWork) this.sweepWanted = true;
        if (this.poked.size > 0 || this.sweepWanted) this.schedulePump();
      },
    });
  }

  onApplicationBootstrap(): void {
    this.pollTimer = setInterval(() => this.poke(), POLL_INTERVAL_MS);
    this.pollTimer.unref();
    this.deferTimer = setInterval(() => void this.deferBlocked(), DEFER_BLOCKED_INTERVAL_MS);
    this.deferTimer.unref();
    this.poke();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.state.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.deferTimer);
    this.runner.abortSlotWaits(); // deliveries still waiting for a slot give their leases back
    if (this.tasks.size > 0) {
      this.log.info('waiting for in-flight webhook deliveries', { inFlight: this.tasks.size });
      await Promise.race([Promise.allSettled([...this.tasks]), sleep(SHUTDOWN_GRACE_MS)]);
    }
    const abandoned = this.runner.inFlightIds();
    if (this.tasks.size > 0) {
      // Unfinished requests are abandoned unrecorded and their leases given back, so another
      // instance sends them at once (the receiver may see one twice: same webhook-id).
      this.log.warn('abandoning in-flight webhook deliveries', { inFlight: this.tasks.size });
      this.state.abandoned = true;
    }
    this.client.close();
    await Promise.race([Promise.allSettled([...this.tasks]), sleep(1000)]);
    if (abandoned.length > 0) {
      await this.leases
        .releaseLeases(abandoned)
        .catch((error: unknown) =>
          this.log.warn(
            'could not give back the leases of abandoned deliveries; they are retried when the leases expire',
            { error: errorText(error) },
          ),
        );
    }
  }

  /**
   * Asks for a dispatch pass: with an id, that delivery is claimed at once (it was just
   * committed); without, a general pass over everything due.
   */
  poke(deliveryId?: string): void {
    if (this.state.stopped) return;
    if (deliveryId === undefined || this.poked.size >= MAX_POKED) this.sweepWanted = true;
    else this.poked.add(deliveryId);
    this.schedulePump();
  }

  /** Leased deliveries this process is working on right now. */
  get activeDeliveries(): number {
    return this.tasks.size;
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

  /** How many more deliveries this process may lease now. */
  private capacity(): number {
    return Math.min(this.slots.free, this.maxTasks - this.tasks.size);
  }

  private schedulePump(): void {
    if (this.state.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    // setImmediate: pokes of the same tick (a prefetch batch) share one claim. The pass serves
    // many events: it runs in none of their request contexts (each attempt logs its own id).
    outsideRequestContext(() => setImmediate(() => void this.pump()));
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        if (this.state.stopped) break;
        if (this.poked.size > 0 && this.capacity() > 0) {
          const ids = takeFirst(this.poked, Math.min(this.capacity(), CLAIM_BATCH));
          // A poked row that cannot be claimed now (waiting for its predecessor, leased elsewhere,
          // host saturated) is left to the successor fast path, a freed slot or the poller.
          await this.claimAndStart({ ids, limit: ids.length });
          if (this.poked.size > 0) this.pumpAgain = true;
        }
        if (this.sweepWanted && this.capacity() > 0) {
          // Cleared before the claim, so a request made while it runs (a slot freed) is kept.
          this.sweepWanted = false;
          const claimed = await this.claimAndStart({ limit: Math.min(this.capacity(), CLAIM_BATCH) });
          if (claimed > 0) this.sweepWanted = true; // there may be more
          if (this.sweepWanted) this.pumpAgain = true;
        }
      } while (this.pumpAgain && this.capacity() > 0);
    } finally {
      this.pumping = false;
    }
  }

  private async claimAndStart(options: Pick<ClaimOptions, 'ids' | 'limit'>): Promise<number> {
    const { hosts, free, saturatedHosts } = claimBudget(this.slots.hostBudget());
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.leases.claim({
        ...options,
        leaseMs: this.policy.leaseMs,
        saturatedHosts,
        hostFree: { hosts, free },
        perHostLimit: this.slots.perHost,
      });
    } catch (error) {
      this.log.warn('claiming webhook deliveries failed', { error: errorText(error) });
      return 0;
    }
    for (const delivery of claimed) this.start(delivery);
    return claimed.length;
  }

  private start(delivery: ClaimedDelivery): void {
    const task: Promise<void> = this.runChain(delivery).finally(() => {
      const wasFull = this.tasks.size >= this.maxTasks;
      this.tasks.delete(task);
      if (wasFull) this.poke();
    });
    this.tasks.add(task);
  }

  /** Sends a delivery, then — each time one settles for good — its session's next status delivery. */
  private async runChain(first: ClaimedDelivery): Promise<void> {
    let delivery: ClaimedDelivery | null = first;
    try {
      while (delivery) {
        const recorded = await this.runner.run(delivery);
        // Leased with the record if it was there; else look again now that the record is
        // committed (an instance that inserted it meanwhile may have found it still blocked).
        const step = nextStep(delivery, recorded, this.state);
        if (step.kind === 'stop') break;
        delivery = step.kind === 'send' ? step.delivery : await this.claimSuccessor(delivery);
      }
    } catch (error) {
      this.log.error('webhook delivery task failed', {
        deliveryId: delivery?.id,
        sessionId: delivery?.sessionId,
        requestId: delivery?.requestId ?? undefined,
        error,
      });
    }
  }

  /** Leases, for each settled status delivery, the session's next status delivery (if it is there). */
  private async claimSuccessors(settled: ClaimedDelivery[]): Promise<Array<ClaimedDelivery | null>> {
    const next = await this.leases.claim({
      successors: successorKeys(settled),
      limit: settled.length,
      leaseMs: this.policy.leaseMs,
    });
    return matchSuccessors(settled, next);
  }

  private async claimSuccessor(delivery: ClaimedDelivery): Promise<ClaimedDelivery | null> {
    try {
      return await this.successors.add(delivery);
    } catch (error) {
      this.log.warn('claiming the next status delivery failed; the poller will send it', {
        sessionId: delivery.sessionId,
        error: errorText(error),
      });
      return null;
    }
  }

  private async deferBlocked(): Promise<void> {
    if (this.state.stopped) return;
    try {
      const n = await this.leases.deferBlocked();
      if (n > 0) this.log.info('deferred status deliveries waiting behind a retry', { count: n });
    } catch (error) {
      this.log.warn('deferring blocked deliveries failed', { error: errorText(error) });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
