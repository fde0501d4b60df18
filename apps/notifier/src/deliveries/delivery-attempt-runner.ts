import type { JsonLogger } from '#libs/runtime';
import { MicroBatcher } from '../batching/micro-batcher.js';
import {
  attemptFields,
  droppedLine,
  parkedLine,
  recordedLine,
  unrecordedLine,
  type LogLine,
} from './attempt-log-lines.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import type { AttemptRecord, DeliveryAttemptsRepository, RecordedAttempt } from './delivery-attempts.repository.js';
import type { DeliveryLeasesRepository } from './delivery-leases.repository.js';
import { errorText, hostKey } from './delivery-policy.js';
import {
  attemptRecord,
  decideAttempt,
  deliveryLagSeconds,
  recordRetryDelay,
  SLOT_WAIT_MS,
  type AttemptResult,
  type DispatchPolicy,
  type DispatchState,
} from './delivery-transitions.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';
import type { RequestSlots } from './request-slots.js';
import type { WebhookClient } from './webhook-client.js';
import { UnknownAppError, UnreadableSecretError, type WebhookSigner } from './webhook-signer.js';

export interface AttemptRunnerDeps {
  leases: DeliveryLeasesRepository;
  attempts: DeliveryAttemptsRepository;
  client: WebhookClient;
  signer: WebhookSigner;
  slots: RequestSlots;
  metrics: DispatcherMetrics;
  log: JsonLogger;
  policy: DispatchPolicy;
  /** The dispatcher's shutdown state (read at each decision). */
  state: Readonly<DispatchState>;
  /**
   * A request slot was given back; `lookForWork`: capacity was left free where the host or the
   * total had been saturated, so a claim may have left rows behind for lack of a slot.
   */
  onSlotReleased: (lookForWork: boolean) => void;
}

/**
 * The I/O of one attempt at a leased delivery: waits for a request slot, signs, posts, counts,
 * records (retrying while the database is briefly away) and logs — doing what the pure core
 * (delivery-transitions.ts) decides.
 */
export class DeliveryAttemptRunner {
  /** Deliveries whose request is on the wire (abandoned by a shutdown that cannot wait for them). */
  private readonly sending = new Set<string>();
  /** Deliveries waiting for a request slot (aborted on shutdown). */
  private readonly slotWaits = new Set<AbortController>();
  /** Attempt records of concurrent tasks share statements under load. */
  private readonly records: MicroBatcher<AttemptRecord, RecordedAttempt | null>;

  constructor(private readonly deps: AttemptRunnerDeps) {
    this.records = new MicroBatcher((items) => deps.attempts.recordAttempts(items), {
      maxBatch: 200,
      maxConcurrent: 2,
    });
  }

  /** Ids of deliveries whose request is on the wire right now. */
  inFlightIds(): string[] {
    return [...this.sending];
  }

  /** Shutdown: deliveries still waiting for a slot give their leases back. */
  abortSlotWaits(): void {
    for (const wait of this.slotWaits) wait.abort();
  }

  /** One HTTP attempt (in a request slot) and its record. Returns null when nothing was recorded. */
  async run(delivery: ClaimedDelivery): Promise<RecordedAttempt | null> {
    const fields = attemptFields(delivery);
    const host = hostKey(delivery.url);
    const { slots } = this.deps;
    if (!slots.tryAcquire(host) && !(await this.waitForSlot(host))) {
      return this.execute(delivery, { kind: 'no-slot' }, new Date(), fields, host);
    }
    const attemptedAt = new Date();
    // Signed and sent as these very bytes (a receiver verifies the signatures over the raw body).
    const body = Buffer.from(JSON.stringify(delivery.body), 'utf8');
    let attempt: AttemptResult;
    try {
      attempt = await this.signAndPost(delivery, body, attemptedAt);
      // Parked while still holding the slot, as nothing was sent.
      if (attempt.kind === 'secrets-unavailable')
        return await this.execute(delivery, attempt, attemptedAt, fields, host);
    } finally {
      this.releaseSlot(host);
    }
    return this.execute(delivery, attempt, attemptedAt, fields, host);
  }

  private async signAndPost(delivery: ClaimedDelivery, body: Buffer, attemptedAt: Date): Promise<AttemptResult> {
    let headers: Record<string, string>;
    try {
      headers = await this.deps.signer.headers(delivery, body, attemptedAt);
    } catch (error) {
      // Nothing is sent unsigned. No app: it never can be (permanent). A secret sealed under
      // another master key: a failed attempt, retried on the schedule until it is re-issued.
      if (error instanceof UnknownAppError) return { kind: 'unsigned', error: error.message, permanent: true };
      if (error instanceof UnreadableSecretError) return { kind: 'unsigned', error: error.message, permanent: false };
      // The app's secrets could not be read (database away): nothing was sent; try again later.
      return { kind: 'secrets-unavailable', error: errorText(error) };
    }
    this.sending.add(delivery.id);
    try {
      const result = await this.deps.client.post(delivery.url, body, {
        ...headers,
        'X-Verigate-Delivery-Id': delivery.id,
      });
      return { kind: 'posted', result };
    } finally {
      this.sending.delete(delivery.id);
    }
  }

  private async execute(
    delivery: ClaimedDelivery,
    attempt: AttemptResult,
    attemptedAt: Date,
    fields: Record<string, unknown>,
    host: string,
  ): Promise<RecordedAttempt | null> {
    const { leases, metrics, policy, state } = this.deps;
    const decision = decideAttempt(delivery, attempt, state, policy);
    if (decision.action === 'park') {
      await leases.releaseLeases([delivery.id]).catch(() => undefined);
      this.emit(parkedLine(decision, fields, host, state.stopped));
      return null;
    }
    if (decision.action === 'drop') {
      this.emit(droppedLine(fields));
      return null;
    }
    const { result } = decision;
    metrics.attempt(decision.stream, decision.outcome, result.durationMs);
    const record = attemptRecord(delivery, decision, attemptedAt, policy.leaseMs);
    let recorded: RecordedAttempt | null;
    for (let failures = 0; ;) {
      try {
        recorded = await this.records.add(record);
        break;
      } catch (error) {
        failures += 1;
        const delay = recordRetryDelay(failures, state);
        if (delay === null) {
          this.emit(unrecordedLine(fields, result.ok, errorText(error)));
          return null;
        }
        await sleep(delay);
      }
    }
    if (recorded) {
      const lag = deliveryLagSeconds(delivery, recorded, Date.now());
      if (lag !== null) metrics.delivered(decision.stream, lag);
    }
    this.emit(recordedLine(fields, host, result, recorded));
    return recorded;
  }

  private emit(line: LogLine | null): void {
    if (line) this.deps.log[line.level](line.message, line.fields);
  }

  /** Waits for a request slot of `host`, at most SLOT_WAIT_MS and not past shutdown. */
  private async waitForSlot(host: string): Promise<boolean> {
    if (this.deps.state.stopped) return false;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), SLOT_WAIT_MS);
    this.slotWaits.add(controller);
    try {
      return await this.deps.slots.acquire(host, controller.signal);
    } finally {
      clearTimeout(timer);
      this.slotWaits.delete(controller);
    }
  }

  private releaseSlot(host: string): void {
    const { slots } = this.deps;
    const wasSaturated = slots.load(host) >= slots.perHost || slots.inUse >= slots.total;
    const leftFree = slots.release(host);
    this.deps.onSlotReleased(leftFree && wasSaturated);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
