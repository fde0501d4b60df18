import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_LOGGER, cachedProbe, JsonLogger, LATENCY_BUCKETS, Metrics, outsideRequestContext, PLATFORM_CONFIG, SLOW_BUCKETS, type PlatformConfig } from '#libs/runtime';
import { attemptOutcome, streamLabel } from './delivery-metrics.js';
import { MicroBatcher } from '../batching/micro-batcher.js';
import { errorText, hostKey, retryDelay } from './delivery-policy.js';
import { RequestSlots } from './request-slots.js';
import { WebhookClient, type PostResult } from './webhook-client.js';
import { UnknownAppError, UnreadableSecretError, WebhookSigner } from './webhook-signer.js';
import {
  WebhookDeliveriesRepository,
  type AttemptRecord,
  type ClaimedDelivery,
  type ClaimOptions,
  type RecordedAttempt,
} from './webhook-deliveries.repository.js';

/** Retries and anything missed (another instance died, a poke was dropped) are found this often. */
export const POLL_INTERVAL_MS = 500;
/** How often blocked status deliveries are re-checked (see `deferBlocked`). */
const DEFER_BLOCKED_INTERVAL_MS = 10_000;
/** A leased delivery waits at most this long for a request slot, then gives its lease back. */
const SLOT_WAIT_MS = 10_000;
/** Most deliveries leased by one claim. */
const CLAIM_BATCH = 64;
/** Pokes remembered while every slot is busy; beyond this the poller finds them. */
const MAX_POKED = 10_000;
/** In-flight requests get this long to finish on shutdown; their leases expire otherwise. */
const SHUTDOWN_GRACE_MS = 5000;
/**
 * Tries to record an attempt while the database is briefly away (else the lease expires and the
 * request is sent again: a repeat at the receiver). ~24 s in all, which stays inside the lease
 * (slot wait + request timeout + 30 s) with the default timeout.
 */
const RECORD_RETRY_DELAYS_MS = [100, 500, 1000, 2000, 4000, 8000, 8000];

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
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly leaseMs: number;
  private readonly schedule: readonly number[];
  private readonly log: JsonLogger;
  private readonly slots: RequestSlots;
  /** Leased deliveries held by this process (sending, or recording the outcome). */
  private readonly maxTasks: number;

  private readonly tasks = new Set<Promise<void>>();
  /** Deliveries whose request is on the wire (abandoned by a shutdown that cannot wait for them). */
  private readonly sending = new Set<string>();
  private readonly poked = new Set<string>();
  private sweepWanted = false;
  private pumping = false;
  private pumpAgain = false;
  private stopped = false;
  private abandoned = false;
  /** Deliveries waiting for a request slot (aborted on shutdown). */
  private readonly slotWaits = new Set<AbortController>();
  private pollTimer?: NodeJS.Timeout;
  private deferTimer?: NodeJS.Timeout;
  /** Attempt records and successor claims of concurrent tasks share statements under load. */
  private readonly records: MicroBatcher<AttemptRecord, RecordedAttempt | null>;
  private readonly successors: MicroBatcher<ClaimedDelivery, ClaimedDelivery | null>;
  private readonly attemptsCounter;
  private readonly attemptDuration;
  private readonly deliveryLag;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly client: WebhookClient,
    private readonly signer: WebhookSigner,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.slots = new RequestSlots(config.webhooks.concurrency, config.webhooks.perHostConcurrency);
    this.maxTasks = 2 * config.webhooks.concurrency;
    this.schedule = config.webhooks.retryScheduleMs;
    // Covers waiting for a slot, the request and recording its outcome; after it another
    // instance may take the delivery over.
    this.leaseMs = SLOT_WAIT_MS + config.webhooks.timeoutMs + 30_000;
    this.log = logger.child({ component: 'dispatcher' });
    this.records = new MicroBatcher((items) => this.deliveries.recordAttempts(items), { maxBatch: 200, maxConcurrent: 2 });
    this.successors = new MicroBatcher((items) => this.claimSuccessors(items), { maxBatch: 200, maxConcurrent: 2 });
    this.attemptsCounter = metrics.counter('webhook_attempts_total', 'Webhook delivery attempts, by stream (status, fee, sms) and outcome (ok, http_error, timeout, network_error, refused_address, invalid_url)', ['stream', 'outcome']);
    this.attemptDuration = metrics.histogram('webhook_attempt_duration_seconds', 'One webhook HTTP attempt, from connecting to the response headers', ['stream'], LATENCY_BUCKETS);
    this.deliveryLag = metrics.histogram('webhook_delivery_lag_seconds', 'From the notifier recording an event to the receiver acknowledging it with HTTP 200 (retries included)', ['stream'], SLOW_BUCKETS);
    const backlogErrors = metrics.counter('webhook_backlog_check_errors_total', 'Pending-delivery queries at scrape time that failed or timed out');
    const backlog = cachedProbe(() => this.deliveries.pendingBacklog(), { ttlMs: 5000, timeoutMs: 1500, onError: () => backlogErrors.inc() });
    metrics.gauge('webhook_pending_deliveries', 'Webhook deliveries not yet delivered or failed for good, retries included (whole database)', [], async (g) => {
      g.reset();
      const b = await backlog();
      if (b) g.set(b.pending);
    });
    metrics.gauge('webhook_oldest_pending_age_seconds', 'Age of the oldest pending webhook delivery (0 when none)', [], async (g) => {
      g.reset();
      const b = await backlog();
      if (b) g.set(b.oldestSeconds);
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
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearInterval(this.deferTimer);
    for (const wait of this.slotWaits) wait.abort(); // deliveries still waiting for a slot give their leases back
    if (this.tasks.size > 0) {
      this.log.info('waiting for in-flight webhook deliveries', { inFlight: this.tasks.size });
      await Promise.race([Promise.allSettled([...this.tasks]), sleep(SHUTDOWN_GRACE_MS)]);
    }
    const abandoned = [...this.sending];
    if (this.tasks.size > 0) {
      // Unfinished requests are abandoned unrecorded and their leases given back, so another
      // instance sends them at once (the receiver may see one twice: same webhook-id).
      this.log.warn('abandoning in-flight webhook deliveries', { inFlight: this.tasks.size });
      this.abandoned = true;
    }
    this.client.close();
    await Promise.race([Promise.allSettled([...this.tasks]), sleep(1000)]);
    if (abandoned.length > 0) {
      await this.deliveries.releaseLeases(abandoned).catch((error: unknown) =>
        this.log.warn('could not give back the leases of abandoned deliveries; they are retried when the leases expire', { error: errorText(error) }));
    }
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
    if (this.stopped) return;
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
        if (this.stopped) break;
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
    const hosts: string[] = [];
    const free: number[] = [];
    const saturatedHosts: string[] = [];
    for (const [host, budget] of this.slots.hostBudget()) {
      if (budget <= 0) saturatedHosts.push(host);
      else {
        hosts.push(host);
        free.push(budget);
      }
    }
    let claimed: ClaimedDelivery[];
    try {
      claimed = await this.deliveries.claim({
        ...options,
        leaseMs: this.leaseMs,
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
        const outcome = await this.attempt(delivery);
        const settled = outcome !== null && outcome.status !== 'pending';
        if (!settled || delivery.stream !== 'status') break;
        // Leased with the record if it was there; else look again now that the record is
        // committed (an instance that inserted it meanwhile may have found it still blocked).
        delivery = outcome.next ?? (this.stopped ? null : await this.claimSuccessor(delivery));
      }
    } catch (error) {
      this.log.error('webhook delivery task failed', { deliveryId: delivery?.id, sessionId: delivery?.sessionId, requestId: delivery?.requestId ?? undefined, error });
    }
  }

  /** Leases, for each settled status delivery, the session's next status delivery (if it is there). */
  private async claimSuccessors(settled: ClaimedDelivery[]): Promise<Array<ClaimedDelivery | null>> {
    const next = await this.deliveries.claim({
      successors: settled.map((d) => ({ sessionId: d.sessionId, seq: d.seq + 1 })),
      limit: settled.length,
      leaseMs: this.leaseMs,
    });
    const bySession = new Map(next.map((d) => [d.sessionId, d]));
    return settled.map((d) => {
      const found = bySession.get(d.sessionId);
      return found && found.seq === d.seq + 1 ? found : null;
    });
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

  /** One HTTP attempt (in a request slot) and its record. Returns null when nothing was recorded. */
  private async attempt(delivery: ClaimedDelivery): Promise<RecordedAttempt | null> {
    const fields = {
      sessionId: delivery.sessionId, deliveryId: delivery.id, stream: delivery.stream, seq: delivery.seq,
      ...(delivery.requestId ? { requestId: delivery.requestId } : {}),
    };
    const host = hostKey(delivery.url);
    if (!this.slots.tryAcquire(host)) {
      if (!(await this.waitForSlot(host))) {
        await this.deliveries.releaseLeases([delivery.id]).catch(() => undefined);
        if (!this.stopped) this.log.info('no request slot for the host; delivery left for later', { ...fields, host });
        return null;
      }
    }
    const attemptedAt = new Date();
    // Signed and sent as these very bytes (a receiver verifies the signatures over the raw body).
    const body = Buffer.from(JSON.stringify(delivery.body), 'utf8');
    let result: PostResult;
    try {
      let headers: Record<string, string> | UnknownAppError | UnreadableSecretError;
      try {
        headers = await this.signer.headers(delivery, body, attemptedAt);
      } catch (error) {
        if (!(error instanceof UnknownAppError) && !(error instanceof UnreadableSecretError)) {
          // The app's secrets could not be read (database away): nothing was sent; try again later.
          await this.deliveries.releaseLeases([delivery.id]).catch(() => undefined);
          this.log.warn('could not load the signing secrets; delivery left for later', { ...fields, error: errorText(error) });
          return null;
        }
        headers = error;
      }
      if (headers instanceof Error) {
        // Nothing is sent unsigned. No app: it never can be (permanent). A secret sealed under
        // another master key: a failed attempt, retried on the schedule until it is re-issued.
        result = { ok: false, httpStatus: null, error: headers.message, durationMs: 0, permanent: headers instanceof UnknownAppError, aborted: false };
      } else {
        this.sending.add(delivery.id);
        try {
          result = await this.client.post(delivery.url, body, { ...headers, 'X-Verigate-Delivery-Id': delivery.id });
        } finally {
          this.sending.delete(delivery.id);
        }
      }
    } finally {
      this.releaseSlot(host);
    }
    if (result.aborted || this.abandoned) {
      this.log.info('webhook delivery abandoned by shutdown', fields);
      return null;
    }
    const stream = streamLabel(delivery);
    const outcome = attemptOutcome(result);
    if (outcome) this.attemptsCounter.inc({ stream, outcome });
    this.attemptDuration.observe({ stream }, result.durationMs / 1000);
    const record: AttemptRecord = {
      id: delivery.id,
      attemptedAt,
      durationMs: result.durationMs,
      httpStatus: result.httpStatus,
      error: result.error,
      ok: result.ok,
      // A permanent failure (refused address, invalid URL) fails at once, CDRs included; else the
      // retry schedule decides (a CDR is never given up on, see `retryDelay`).
      retryDelayMs: result.ok || result.permanent ? null : retryDelay(delivery.stream, delivery.attempts + 1, this.schedule),
      claimNext: delivery.stream === 'status' && !this.stopped,
      leaseMs: this.leaseMs,
    };
    let recorded: RecordedAttempt | null = null;
    for (let i = 0; ; i++) {
      try {
        recorded = await this.records.add(record);
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
    if (recorded.status === 'delivered' && delivery.createdAt) {
      this.deliveryLag.observe({ stream }, Math.max(0, (Date.now() - new Date(delivery.createdAt).getTime()) / 1000));
    }
    const logged = {
      ...fields,
      attempt: recorded.attempt,
      durationMs: result.durationMs,
      host,
      ...(result.httpStatus !== null ? { httpStatus: result.httpStatus } : {}),
      ...(result.error !== null ? { error: result.error } : {}),
    };
    if (recorded.status === 'delivered') this.log.debug('webhook delivered', logged);
    else if (recorded.status === 'failed') this.log.warn('webhook delivery failed for good', { ...logged, permanent: result.permanent });
    else this.log.info('webhook attempt failed; will retry', { ...logged, nextAttemptAt: recorded.nextAttemptAt });
    return recorded;
  }

  /** Waits for a request slot of `host`, at most SLOT_WAIT_MS and not past shutdown. */
  private async waitForSlot(host: string): Promise<boolean> {
    if (this.stopped) return false;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SLOT_WAIT_MS);
    this.slotWaits.add(controller);
    try {
      return await this.slots.acquire(host, controller.signal);
    } finally {
      clearTimeout(timer);
      this.slotWaits.delete(controller);
    }
  }

  private releaseSlot(host: string): void {
    const wasSaturated = this.slots.load(host) >= this.slots.perHost || this.slots.inUse >= this.slots.total;
    const leftFree = this.slots.release(host);
    // A claim may have left rows behind for lack of a slot (pokes for a saturated host):
    // look for them now rather than at the next poll.
    if (leftFree && wasSaturated) this.sweepWanted = true;
    if (this.poked.size > 0 || this.sweepWanted) this.schedulePump();
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
