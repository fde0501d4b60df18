import type { ClaimedDelivery } from './claimed-delivery.js';
import type { RecordedAttempt } from './delivery-attempts.repository.js';
import {
  attemptRecord,
  claimBudget,
  decideAttempt,
  deliveryLagSeconds,
  isSettled,
  leaseMsFor,
  matchSuccessors,
  nextStep,
  postResultOf,
  RECORD_RETRY_DELAYS_MS,
  recordRetryDelay,
  successorKeys,
  takeFirst,
  verdict,
  type AttemptDecision,
  type AttemptResult,
  type DispatchState,
} from './delivery-transitions.js';
import type { PostResult } from './webhook-client.js';

const schedule = [1000, 5000, 30_000];
const policy = { scheduleMs: schedule, leaseMs: 45_000, random: () => 0.5 };
const running: DispatchState = { stopped: false, abandoned: false };

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  return {
    id: 'd-1',
    sessionId: 's-1',
    appKey: 'app',
    stream: 'status',
    seq: 1,
    url: 'https://hooks.example.com/status',
    body: { eventType: 'callout' },
    attempts: 0,
    requestId: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

function posted(overrides: Partial<PostResult> = {}): AttemptResult {
  return {
    kind: 'posted',
    result: {
      ok: false,
      httpStatus: null,
      error: null,
      durationMs: 12,
      permanent: false,
      aborted: false,
      ...overrides,
    },
  };
}

const ok = posted({ ok: true, httpStatus: 200 });
const serverError = posted({ httpStatus: 503 });
const clientError = posted({ httpStatus: 404 });
const redirect = posted({ httpStatus: 302, error: 'redirect not followed' });
const timeout = posted({ error: 'timeout after 5000 ms', durationMs: 5000 });
const connectionRefused = posted({ error: 'connect ECONNREFUSED 203.0.113.7:443' });
const refusedAddress = posted({ error: 'hooks.internal resolves to 10.0.0.7 (private): refused', permanent: true });
const invalidUrl = posted({ error: 'invalid URL', permanent: true });

function recordOf(
  d: ClaimedDelivery,
  attempt: AttemptResult,
  state: DispatchState = running,
): Extract<AttemptDecision, { action: 'record' }> {
  const decision = decideAttempt(d, attempt, state, policy);
  if (decision.action !== 'record') throw new Error(`expected a record, got ${decision.action}`);
  return decision;
}

function recorded(status: RecordedAttempt['status'], next: ClaimedDelivery | null = null): RecordedAttempt {
  return { attempt: 1, status, nextAttemptAt: new Date('2026-01-01T00:00:01Z'), next };
}

describe('delivery states', () => {
  it('are settled once delivered or failed, not while pending', () => {
    expect(isSettled('pending')).toBe(false);
    expect(isSettled('delivered')).toBe(true);
    expect(isSettled('failed')).toBe(true);
  });

  it('lease a delivery for the slot wait, the request and 30 s to record it', () => {
    expect(leaseMsFor(5000)).toBe(45_000);
    expect(leaseMsFor(120_000)).toBe(160_000);
  });
});

describe('verdict', () => {
  it('delivers on HTTP 200 only', () => {
    expect(verdict({ ok: true, permanent: false }, delivery(), policy)).toEqual({ status: 'delivered' });
    expect(verdict({ ok: false, permanent: false }, delivery(), policy).status).toBe('pending');
  });

  it.each([
    ['a 5xx', serverError],
    ['a 4xx', clientError],
    ['a redirect (never followed)', redirect],
    ['a timeout', timeout],
    ['a refused connection', connectionRefused],
  ])('retries %s on the schedule (jittered)', (_, attempt) => {
    const result = postResultOf(attempt as Extract<AttemptResult, { kind: 'posted' }>);
    expect(verdict(result, delivery({ attempts: 0 }), policy)).toEqual({ status: 'pending', retryDelayMs: 1000 });
    expect(verdict(result, delivery({ attempts: 1 }), policy)).toEqual({ status: 'pending', retryDelayMs: 5000 });
    expect(verdict(result, delivery({ attempts: 2 }), { ...policy, random: () => 0 })).toEqual({
      status: 'pending',
      retryDelayMs: 27_000,
    });
  });

  it('gives a status delivery up when the schedule is exhausted', () => {
    expect(verdict({ ok: false, permanent: false }, delivery({ attempts: 3 }), policy)).toEqual({
      status: 'failed',
      permanent: false,
    });
  });

  it('keeps retrying a CDR at the last interval', () => {
    expect(verdict({ ok: false, permanent: false }, delivery({ stream: 'fee', attempts: 3 }), policy)).toEqual({
      status: 'pending',
      retryDelayMs: 30_000,
    });
    expect(verdict({ ok: false, permanent: false }, delivery({ stream: 'fee', attempts: 500 }), policy)).toEqual({
      status: 'pending',
      retryDelayMs: 30_000,
    });
  });

  it.each(['status', 'fee'] as const)('fails a %s delivery at once on a permanent failure', (stream) => {
    expect(verdict({ ok: false, permanent: true }, delivery({ stream, attempts: 0 }), policy)).toEqual({
      status: 'failed',
      permanent: true,
    });
  });

  it('retries nothing with an empty schedule', () => {
    expect(verdict({ ok: false, permanent: false }, delivery(), { scheduleMs: [] })).toEqual({
      status: 'failed',
      permanent: false,
    });
  });

  it('walks a status delivery through the whole schedule to failed, and a CDR never there', () => {
    const walk = (stream: 'status' | 'fee', attempts: number) => {
      const statuses: string[] = [];
      for (let n = 0; n < attempts; n++)
        statuses.push(verdict({ ok: false, permanent: false }, delivery({ stream, attempts: n }), policy).status);
      return statuses;
    };
    expect(walk('status', 4)).toEqual(['pending', 'pending', 'pending', 'failed']);
    expect(walk('fee', 6)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending']);
  });
});

describe('decideAttempt', () => {
  it('parks a delivery that found no request slot (its lease is given back)', () => {
    expect(decideAttempt(delivery(), { kind: 'no-slot' }, running, policy)).toEqual({
      action: 'park',
      reason: 'no-slot',
    });
  });

  it('parks a delivery whose secrets could not be read (nothing was sent)', () => {
    expect(
      decideAttempt(delivery(), { kind: 'secrets-unavailable', error: 'connection terminated' }, running, policy),
    ).toEqual({ action: 'park', reason: 'secrets-unavailable', error: 'connection terminated' });
  });

  it('drops an attempt cut off by shutdown, and any attempt once in-flight requests are abandoned', () => {
    expect(decideAttempt(delivery(), posted({ error: 'aborted by shutdown', aborted: true }), running, policy)).toEqual(
      { action: 'drop' },
    );
    expect(decideAttempt(delivery(), ok, { stopped: true, abandoned: true }, policy)).toEqual({ action: 'drop' });
    expect(
      decideAttempt(
        delivery(),
        { kind: 'unsigned', error: 'x', permanent: true },
        { stopped: true, abandoned: true },
        policy,
      ),
    ).toEqual({ action: 'drop' });
  });

  it('records a 200 as delivered', () => {
    const decision = recordOf(delivery(), ok);
    expect(decision.verdict).toEqual({ status: 'delivered' });
    expect(decision.outcome).toBe('ok');
    expect(decision.stream).toBe('status');
  });

  it.each([
    [serverError, 'http_error'],
    [clientError, 'http_error'],
    [redirect, 'http_error'],
    [timeout, 'timeout'],
    [connectionRefused, 'network_error'],
    [refusedAddress, 'refused_address'],
    [invalidUrl, 'invalid_url'],
  ] as const)('labels the outcome of a failed attempt (%#)', (attempt, outcome) => {
    expect(recordOf(delivery(), attempt).outcome).toBe(outcome);
  });

  it('fails an attempt to an unknown app for good without sending it', () => {
    const decision = recordOf(delivery({ stream: 'fee' }), {
      kind: 'unsigned',
      error: 'app k not found: cannot sign the notification',
      permanent: true,
    });
    expect(decision.result).toEqual({
      ok: false,
      httpStatus: null,
      error: 'app k not found: cannot sign the notification',
      durationMs: 0,
      permanent: true,
      aborted: false,
    });
    expect(decision.verdict).toEqual({ status: 'failed', permanent: true });
    expect(decision.outcome).toBe('refused_address');
    expect(decision.stream).toBe('fee');
  });

  it('retries an attempt whose secret cannot be unsealed on the schedule', () => {
    const decision = recordOf(delivery(), {
      kind: 'unsigned',
      error: 'the app secret of app k cannot be opened',
      permanent: false,
    });
    expect(decision.verdict).toEqual({ status: 'pending', retryDelayMs: 1000 });
    expect(decision.outcome).toBe('network_error');
    expect(decision.result.durationMs).toBe(0);
  });

  it('asks the record to lease the next status delivery of the session, unless stopping', () => {
    expect(recordOf(delivery(), ok).claimNext).toBe(true);
    expect(recordOf(delivery(), ok, { stopped: true, abandoned: false }).claimNext).toBe(false);
    expect(recordOf(delivery({ stream: 'fee' }), ok).claimNext).toBe(false);
  });

  it('labels SMS status deliveries as their own stream', () => {
    expect(recordOf(delivery({ body: { eventType: 'smsStatus' } }), ok).stream).toBe('sms');
    expect(recordOf(delivery({ stream: 'fee', body: { eventType: 'fee' } }), ok).stream).toBe('fee');
  });
});

describe('attemptRecord', () => {
  const attemptedAt = new Date('2026-01-01T00:00:00.123Z');

  it('records a delivered attempt with no retry', () => {
    expect(attemptRecord(delivery(), recordOf(delivery(), ok), attemptedAt, 45_000)).toEqual({
      id: 'd-1',
      attemptedAt,
      durationMs: 12,
      httpStatus: 200,
      error: null,
      ok: true,
      retryDelayMs: null,
      claimNext: true,
      leaseMs: 45_000,
    });
  });

  it('records a retry with its delay', () => {
    const record = attemptRecord(delivery(), recordOf(delivery({ attempts: 1 }), serverError), attemptedAt, 45_000);
    expect(record).toMatchObject({ ok: false, httpStatus: 503, error: null, retryDelayMs: 5000 });
  });

  it('records giving up as no retry delay (status `failed`)', () => {
    expect(attemptRecord(delivery(), recordOf(delivery({ attempts: 3 }), timeout), attemptedAt, 45_000)).toMatchObject({
      ok: false,
      httpStatus: null,
      error: 'timeout after 5000 ms',
      durationMs: 5000,
      retryDelayMs: null,
    });
    expect(
      attemptRecord(delivery(), recordOf(delivery(), refusedAddress), attemptedAt, 45_000).retryDelayMs,
    ).toBeNull();
  });
});

describe('recordRetryDelay', () => {
  it('retries recording for ~24 s, inside the default lease', () => {
    const delays: number[] = [];
    for (let failures = 1; ; failures++) {
      const delay = recordRetryDelay(failures, { abandoned: false });
      if (delay === null) break;
      delays.push(delay);
    }
    expect(delays).toEqual([...RECORD_RETRY_DELAYS_MS]);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBe(23_600);
    expect(total).toBeLessThan(leaseMsFor(5000) - 10_000 - 5000);
  });

  it('stops retrying once in-flight deliveries are abandoned', () => {
    expect(recordRetryDelay(1, { abandoned: true })).toBeNull();
  });
});

describe('deliveryLagSeconds', () => {
  const createdAt = new Date('2026-01-01T00:00:00Z');

  it('measures from the event being recorded to its 200', () => {
    expect(deliveryLagSeconds({ createdAt }, { status: 'delivered' }, createdAt.getTime() + 2500)).toBe(2.5);
  });

  it('is never negative (clocks of different hosts)', () => {
    expect(deliveryLagSeconds({ createdAt }, { status: 'delivered' }, createdAt.getTime() - 1000)).toBe(0);
  });

  it('is only measured for a delivered delivery', () => {
    expect(deliveryLagSeconds({ createdAt }, { status: 'pending' }, createdAt.getTime() + 1000)).toBeNull();
    expect(deliveryLagSeconds({ createdAt }, { status: 'failed' }, createdAt.getTime() + 1000)).toBeNull();
  });
});

describe('nextStep (order per session)', () => {
  const next = delivery({ id: 'd-2', seq: 2 });

  it('goes on with the successor leased with the record once a status delivery settles', () => {
    expect(nextStep(delivery(), recorded('delivered', next), running)).toEqual({ kind: 'send', delivery: next });
    expect(nextStep(delivery(), recorded('failed', next), running)).toEqual({ kind: 'send', delivery: next });
    // Already leased: sent even while stopping (a lease held is a lease to use or let expire).
    expect(nextStep(delivery(), recorded('delivered', next), { stopped: true })).toEqual({
      kind: 'send',
      delivery: next,
    });
  });

  it('looks for the successor when the record did not lease it', () => {
    expect(nextStep(delivery(), recorded('delivered'), running)).toEqual({ kind: 'claim-successor' });
    expect(nextStep(delivery(), recorded('failed'), running)).toEqual({ kind: 'claim-successor' });
  });

  it('holds the session back while the delivery waits for a retry', () => {
    expect(nextStep(delivery(), recorded('pending', next), running)).toEqual({ kind: 'stop' });
  });

  it('stops when nothing was recorded (the lease expires and the delivery is sent again)', () => {
    expect(nextStep(delivery(), null, running)).toEqual({ kind: 'stop' });
  });

  it('stops after a CDR (CDRs are not ordered) and once stopping', () => {
    expect(nextStep(delivery({ stream: 'fee' }), recorded('delivered'), running)).toEqual({ kind: 'stop' });
    expect(nextStep(delivery(), recorded('delivered'), { stopped: true })).toEqual({ kind: 'stop' });
  });
});

describe('successors', () => {
  const a = delivery({ id: 'a1', sessionId: 'a', seq: 1 });
  const b = delivery({ id: 'b3', sessionId: 'b', seq: 3 });
  const c = delivery({ id: 'c1', sessionId: 'c', seq: 1 });

  it('asks for seq + 1 of each settled delivery’s session', () => {
    expect(successorKeys([a, b])).toEqual([
      { sessionId: 'a', seq: 2 },
      { sessionId: 'b', seq: 4 },
    ]);
  });

  it('matches each settled delivery with its own session’s next seq, in input order', () => {
    const a2 = delivery({ id: 'a2', sessionId: 'a', seq: 2 });
    const b4 = delivery({ id: 'b4', sessionId: 'b', seq: 4 });
    expect(matchSuccessors([a, b, c], [b4, a2])).toEqual([a2, b4, null]);
  });

  it('never takes a delivery of the session with another seq', () => {
    expect(matchSuccessors([a], [delivery({ id: 'a3', sessionId: 'a', seq: 3 })])).toEqual([null]);
    expect(matchSuccessors([], [])).toEqual([]);
  });
});

describe('claimBudget', () => {
  it('skips saturated hosts and passes the others’ free slots', () => {
    expect(
      claimBudget(
        new Map([
          ['a.example', 0],
          ['b.example', 3],
          ['c.example', -1],
          ['d.example', 1],
        ]),
      ),
    ).toEqual({
      hosts: ['b.example', 'd.example'],
      free: [3, 1],
      saturatedHosts: ['a.example', 'c.example'],
    });
    expect(claimBudget(new Map())).toEqual({ hosts: [], free: [], saturatedHosts: [] });
  });
});

describe('takeFirst', () => {
  it('removes and returns the oldest pokes first', () => {
    const poked = new Set(['x', 'y', 'z']);
    expect(takeFirst(poked, 2)).toEqual(['x', 'y']);
    expect([...poked]).toEqual(['z']);
    expect(takeFirst(poked, 5)).toEqual(['z']);
    expect(poked.size).toBe(0);
    expect(takeFirst(poked, 1)).toEqual([]);
  });
});
