import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { JsonLogger, Metrics, redirectLogs } from '#libs/runtime';
import type { ClaimedDelivery } from './claimed-delivery.js';
import { DeliveryAttemptRunner } from './delivery-attempt-runner.js';
import type { AttemptRecord, DeliveryAttemptsRepository, RecordedAttempt } from './delivery-attempts.repository.js';
import type { DeliveryLeasesRepository } from './delivery-leases.repository.js';
import type { DispatchState } from './delivery-transitions.js';
import { DispatcherMetrics } from './dispatcher-metrics.js';
import { RequestSlots } from './request-slots.js';
import type { PostResult, WebhookClient } from './webhook-client.js';
import { UnknownAppError, type WebhookSigner } from './webhook-signer.js';

/**
 * The I/O shell over fakes: it must do what the core decides — sign the exact bytes it sends,
 * give a slot and a lease back, record, count and log — and nothing else.
 */
const delivery: ClaimedDelivery = {
  id: 'd-1',
  sessionId: 's-1',
  appKey: 'app-1',
  stream: 'status',
  seq: 1,
  url: 'https://user:pw@hooks.example.com/status',
  body: { eventType: 'callout', sessionId: 's-1' },
  attempts: 0,
  requestId: 'req-1',
  createdAt: new Date(Date.now() - 1000),
};

function harness(
  options: {
    post?: Partial<PostResult>;
    sign?: () => Promise<Record<string, string>>;
    recordFailures?: number;
    slots?: RequestSlots;
  } = {},
) {
  const posts: Array<{ url: string; body: Buffer; headers: Record<string, string> }> = [];
  const signed: Buffer[] = [];
  const released: string[][] = [];
  const records: AttemptRecord[] = [];
  let recordFailures = options.recordFailures ?? 0;
  const state: DispatchState = { stopped: false, abandoned: false };
  const slots = options.slots ?? new RequestSlots(4, 2);
  const slotEvents: boolean[] = [];
  const metrics = new Metrics('notifier', { processMetrics: false });
  const client = {
    post: async (url: string, body: Buffer, headers: Record<string, string>): Promise<PostResult> => {
      posts.push({ url, body, headers });
      return {
        ok: true,
        httpStatus: 200,
        error: null,
        durationMs: 7,
        permanent: false,
        aborted: false,
        ...options.post,
      };
    },
  };
  const signer = {
    headers: async (_d: unknown, body: Buffer) => {
      signed.push(body);
      return options.sign ? options.sign() : { Authorization: 'SDP-PUSH x' };
    },
  };
  const leases = { releaseLeases: async (ids: string[]) => void released.push(ids) };
  const attempts = {
    recordAttempts: async (items: AttemptRecord[]): Promise<Array<RecordedAttempt | null>> => {
      if (recordFailures > 0) {
        recordFailures -= 1;
        throw new Error('connection terminated');
      }
      records.push(...items);
      return items.map((r) => ({
        attempt: 1,
        status: r.ok ? 'delivered' : r.retryDelayMs === null ? 'failed' : 'pending',
        nextAttemptAt: new Date(),
        next: null,
      }));
    },
  };
  const runner = new DeliveryAttemptRunner({
    leases: leases as unknown as DeliveryLeasesRepository,
    attempts: attempts as unknown as DeliveryAttemptsRepository,
    client: client as unknown as WebhookClient,
    signer: signer as unknown as WebhookSigner,
    slots,
    metrics: new DispatcherMetrics(metrics, async () => ({ pending: 0, oldestSeconds: 0 })),
    log: new JsonLogger('notifier', 'debug').child({ component: 'dispatcher' }),
    policy: { scheduleMs: [1000, 5000], leaseMs: 45_000, random: () => 0.5 },
    state,
    onSlotReleased: (lookForWork) => void slotEvents.push(lookForWork),
  });
  return { runner, posts, signed, released, records, state, slots, slotEvents, metrics };
}

let logs: Array<Record<string, unknown>> = [];
let restoreLogs: () => void;
beforeEach(() => {
  logs = [];
  restoreLogs = redirectLogs((line) => void logs.push(JSON.parse(line) as Record<string, unknown>));
});
afterEach(() => restoreLogs());

describe('DeliveryAttemptRunner', () => {
  it('signs and sends the same bytes with the delivery id, records the 200, counts it and logs it', async () => {
    const h = harness();
    const recorded = await h.runner.run(delivery);
    expect(recorded?.status).toBe('delivered');
    expect(h.posts).toHaveLength(1);
    expect(h.posts[0]!.body).toBe(h.signed[0]);
    expect(h.posts[0]!.body.toString('utf8')).toBe(JSON.stringify(delivery.body));
    expect(h.posts[0]!.headers).toEqual({ Authorization: 'SDP-PUSH x', 'X-Verigate-Delivery-Id': 'd-1' });
    expect(h.records).toEqual([
      expect.objectContaining({
        id: 'd-1',
        ok: true,
        httpStatus: 200,
        retryDelayMs: null,
        claimNext: true,
        leaseMs: 45_000,
      }),
    ]);
    expect(h.slots.inUse).toBe(0);
    const text = await h.metrics.text();
    expect(text).toContain('verigate_webhook_attempts_total{stream="status",outcome="ok",app="notifier"} 1');
    expect(text).toContain('verigate_webhook_delivery_lag_seconds_count{app="notifier",stream="status"} 1');
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'debug',
        msg: 'webhook delivered',
        deliveryId: 'd-1',
        host: 'hooks.example.com',
        httpStatus: 200,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('pw@');
  });

  it('records a failed attempt with its retry delay', async () => {
    const h = harness({ post: { ok: false, httpStatus: 503 } });
    expect((await h.runner.run(delivery))?.status).toBe('pending');
    expect(h.records[0]).toMatchObject({ ok: false, httpStatus: 503, retryDelayMs: 1000 });
    expect(logs[0]).toMatchObject({ level: 'info', msg: 'webhook attempt failed; will retry', httpStatus: 503 });
  });

  it('sends nothing for an unknown app and fails it for good', async () => {
    const h = harness({
      sign: async () => {
        throw new UnknownAppError('app-1');
      },
    });
    expect((await h.runner.run(delivery))?.status).toBe('failed');
    expect(h.posts).toHaveLength(0);
    expect(h.records[0]).toMatchObject({ ok: false, httpStatus: null, durationMs: 0, retryDelayMs: null });
    expect(logs[0]).toMatchObject({ level: 'warn', msg: 'webhook delivery failed for good', permanent: true });
  });

  it('gives the lease and the slot back when the secrets cannot be read', async () => {
    const h = harness({
      sign: async () => {
        throw new Error('connection terminated');
      },
    });
    expect(await h.runner.run(delivery)).toBeNull();
    expect(h.posts).toHaveLength(0);
    expect(h.records).toHaveLength(0);
    expect(h.released).toEqual([['d-1']]);
    expect(h.slots.inUse).toBe(0);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'could not load the signing secrets; delivery left for later',
        error: 'connection terminated',
      }),
    ]);
  });

  it('keeps trying to record while the database is briefly away', async () => {
    const h = harness({ recordFailures: 2 });
    expect((await h.runner.run(delivery))?.status).toBe('delivered');
    expect(h.posts).toHaveLength(1); // sent once, recorded on the third try
    expect(h.records).toHaveLength(1);
  });

  it('records nothing once in-flight deliveries are abandoned by shutdown', async () => {
    const h = harness();
    h.state.stopped = true;
    h.state.abandoned = true;
    expect(await h.runner.run(delivery)).toBeNull();
    expect(h.records).toHaveLength(0);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'info', msg: 'webhook delivery abandoned by shutdown', deliveryId: 'd-1' }),
    ]);
  });

  it('parks a delivery whose host has no free slot once shutdown began, silently', async () => {
    const slots = new RequestSlots(4, 1);
    expect(slots.tryAcquire('hooks.example.com')).toBe(true);
    const h = harness({ slots });
    h.state.stopped = true;
    expect(await h.runner.run(delivery)).toBeNull();
    expect(h.posts).toHaveLength(0);
    expect(h.released).toEqual([['d-1']]);
    expect(logs).toEqual([]);
  });

  it('says when a freed slot may let left-behind rows go', async () => {
    const h = harness({ slots: new RequestSlots(4, 1) });
    await h.runner.run(delivery);
    expect(h.slotEvents).toEqual([true]); // the host was saturated by this request, and is free again
    const roomy = harness({ slots: new RequestSlots(4, 2) });
    await roomy.runner.run(delivery);
    expect(roomy.slotEvents).toEqual([false]);
  });
});
