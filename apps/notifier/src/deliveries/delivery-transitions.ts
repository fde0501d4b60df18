/**
 * The pure core of webhook dispatch (no I/O, no clock, no randomness unless injected). Given a
 * leased delivery, what its attempt came to and the dispatch policy, it decides: record the
 * attempt as delivered / retry at now + delay / failed for good, park the delivery (give its
 * lease back for later) or drop it (cut off by shutdown); what the record holds; which metric
 * labels and which log line it yields; and which delivery of the session may go next.
 * DeliveryAttemptRunner and DeliveryDispatcher execute these decisions.
 */
import type { PostResult } from './webhook-client.js';
import type { ClaimedDelivery, DeliveryStatus } from './claimed-delivery.js';
import type { AttemptRecord, RecordedAttempt } from './delivery-attempts.repository.js';
import { attemptOutcome, streamLabel, type AttemptOutcome } from './delivery-metrics.js';
import { retryDelay } from './delivery-policy.js';

/**
 * A delivery's status (the `status` column) and where an attempt may take it: a pending delivery
 * is delivered (HTTP 200), stays pending with a later `next_attempt_at` (a retry), or fails for
 * good. Delivered and failed are final: the session's next status delivery may go out then.
 */
const NEXT_STATUS: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ['delivered', 'pending', 'failed'],
  delivered: [],
  failed: [],
};

/** Whether a delivery in `status` is settled for good (nothing more is ever sent for it). */
export function isSettled(status: DeliveryStatus): boolean {
  return NEXT_STATUS[status].length === 0;
}

/** A leased delivery waits at most this long for a request slot, then gives its lease back. */
export const SLOT_WAIT_MS = 10_000;

/**
 * Tries to record an attempt while the database is briefly away (else the lease expires and the
 * request is sent again: a repeat at the receiver). ~24 s in all, which stays inside the lease
 * (slot wait + request timeout + 30 s) with the default timeout.
 */
export const RECORD_RETRY_DELAYS_MS: readonly number[] = [100, 500, 1000, 2000, 4000, 8000, 8000];

export interface DispatchPolicy {
  /** `webhooks.retryScheduleMs`: the wait after each failed attempt (see `retryDelay`). */
  scheduleMs: readonly number[];
  /** How long a claim leases a delivery. */
  leaseMs: number;
  /** Jitter source (tests); Math.random when absent. */
  random?: () => number;
}

/**
 * The lease covers waiting for a slot, the request and recording its outcome; after it another
 * instance may take the delivery over.
 */
export function leaseMsFor(requestTimeoutMs: number): number {
  return SLOT_WAIT_MS + requestTimeoutMs + 30_000;
}

/** What this process's try at a leased delivery came to. */
export type AttemptResult =
  /** No request slot for the host within SLOT_WAIT_MS (or shutdown began): nothing was sent. */
  | { kind: 'no-slot' }
  /** The app's secrets could not be read (database away): nothing was sent. */
  | { kind: 'secrets-unavailable'; error: string }
  /** Nothing is sent unsigned: the app is gone (permanent) or its secret cannot be unsealed. */
  | { kind: 'unsigned'; error: string; permanent: boolean }
  /** The POST went out (or was refused before connecting); its result. */
  | { kind: 'posted'; result: PostResult };

/** What a recorded attempt does to the delivery. */
export type Verdict =
  { status: 'delivered' } | { status: 'pending'; retryDelayMs: number } | { status: 'failed'; permanent: boolean };

/**
 * HTTP 200 delivers. A permanent failure (refused address, invalid URL, unknown app) fails at
 * once, CDRs included; anything else (another status, a redirect, a timeout, a network error)
 * is retried on the schedule — a status delivery fails when it is exhausted, a CDR never does.
 */
export function verdict(
  result: Pick<PostResult, 'ok' | 'permanent'>,
  delivery: Pick<ClaimedDelivery, 'stream' | 'attempts'>,
  policy: Pick<DispatchPolicy, 'scheduleMs' | 'random'>,
): Verdict {
  if (result.ok) return { status: 'delivered' };
  if (result.permanent) return { status: 'failed', permanent: true };
  const delay = retryDelay(delivery.stream, delivery.attempts + 1, policy.scheduleMs, policy.random);
  return delay === null ? { status: 'failed', permanent: false } : { status: 'pending', retryDelayMs: delay };
}

export type AttemptDecision =
  /** Give the lease back: the delivery is claimable again at once (by this or another instance). */
  | { action: 'park'; reason: 'no-slot' | 'secrets-unavailable'; error?: string }
  /** Cut off by shutdown: nothing is recorded (the shutdown gives the lease back). */
  | { action: 'drop' }
  /** Record the attempt (metrics first, then the row). */
  | {
      action: 'record';
      result: PostResult;
      verdict: Verdict;
      /** The `outcome` label of webhook_attempts_total. */
      outcome: AttemptOutcome | null;
      /** The `stream` label. */
      stream: ReturnType<typeof streamLabel>;
      /** A status delivery also leases its session's next one when it settles (not once stopping). */
      claimNext: boolean;
    };

/** The state of the process that matters to a decision. */
export interface DispatchState {
  /** Shutdown began: nothing new is leased. */
  stopped: boolean;
  /** Shutdown gave up waiting for in-flight requests: their outcomes are not recorded. */
  abandoned: boolean;
}

/** The attempt's result as the client would have reported it (an unsigned attempt takes no time). */
export function postResultOf(attempt: Extract<AttemptResult, { kind: 'unsigned' | 'posted' }>): PostResult {
  if (attempt.kind === 'posted') return attempt.result;
  return {
    ok: false,
    httpStatus: null,
    error: attempt.error,
    durationMs: 0,
    permanent: attempt.permanent,
    aborted: false,
  };
}

export function decideAttempt(
  delivery: ClaimedDelivery,
  attempt: AttemptResult,
  state: DispatchState,
  policy: Pick<DispatchPolicy, 'scheduleMs' | 'random'>,
): AttemptDecision {
  if (attempt.kind === 'no-slot') return { action: 'park', reason: 'no-slot' };
  if (attempt.kind === 'secrets-unavailable')
    return { action: 'park', reason: 'secrets-unavailable', error: attempt.error };
  const result = postResultOf(attempt);
  if (result.aborted || state.abandoned) return { action: 'drop' };
  return {
    action: 'record',
    result,
    verdict: verdict(result, delivery, policy),
    outcome: attemptOutcome(result),
    stream: streamLabel(delivery),
    claimNext: delivery.stream === 'status' && !state.stopped,
  };
}

/** The row write of a recorded attempt (see DeliveryAttemptsRepository.recordAttempts). */
export function attemptRecord(
  delivery: Pick<ClaimedDelivery, 'id'>,
  decision: Extract<AttemptDecision, { action: 'record' }>,
  attemptedAt: Date,
  leaseMs: number,
): AttemptRecord {
  const { result } = decision;
  return {
    id: delivery.id,
    attemptedAt,
    durationMs: result.durationMs,
    httpStatus: result.httpStatus,
    error: result.error,
    ok: result.ok,
    retryDelayMs: decision.verdict.status === 'pending' ? decision.verdict.retryDelayMs : null,
    claimNext: decision.claimNext,
    leaseMs,
  };
}

/** The wait before trying to record an attempt again after `failures` failed tries; null: give up. */
export function recordRetryDelay(failures: number, state: Pick<DispatchState, 'abandoned'>): number | null {
  if (state.abandoned) return null;
  return RECORD_RETRY_DELAYS_MS[failures - 1] ?? null;
}

/** Seconds from the event's recording to its acknowledgement, for a delivery that was just delivered. */
export function deliveryLagSeconds(
  delivery: Pick<ClaimedDelivery, 'createdAt'>,
  recorded: Pick<RecordedAttempt, 'status'>,
  nowMs: number,
): number | null {
  if (recorded.status !== 'delivered' || !delivery.createdAt) return null;
  return Math.max(0, (nowMs - new Date(delivery.createdAt).getTime()) / 1000);
}

/** What the task that sent a delivery does next. */
export type NextStep =
  | { kind: 'stop' }
  /** Send the session's next status delivery, already leased with the attempt's record. */
  | { kind: 'send'; delivery: ClaimedDelivery }
  /** Look for the session's next status delivery (it may have been inserted meanwhile). */
  | { kind: 'claim-successor' };

/**
 * Order per session: a status delivery's successor may go only once it is settled for good
 * (delivered or failed), so a task that settles one goes on with the next. A retry, an
 * unrecorded attempt and a CDR (unordered) end the task; so does shutdown.
 */
export function nextStep(
  delivery: Pick<ClaimedDelivery, 'stream'>,
  recorded: RecordedAttempt | null,
  state: Pick<DispatchState, 'stopped'>,
): NextStep {
  if (recorded === null || !isSettled(recorded.status) || delivery.stream !== 'status') return { kind: 'stop' };
  if (recorded.next) return { kind: 'send', delivery: recorded.next };
  return state.stopped ? { kind: 'stop' } : { kind: 'claim-successor' };
}

/** The (session, seq) each settled status delivery's successor must have. */
export function successorKeys(
  settled: ReadonlyArray<Pick<ClaimedDelivery, 'sessionId' | 'seq'>>,
): Array<{ sessionId: string; seq: number }> {
  return settled.map((d) => ({ sessionId: d.sessionId, seq: d.seq + 1 }));
}

/** For each settled delivery, its successor among those claimed (null when it was not there). */
export function matchSuccessors(
  settled: ReadonlyArray<Pick<ClaimedDelivery, 'sessionId' | 'seq'>>,
  claimed: readonly ClaimedDelivery[],
): Array<ClaimedDelivery | null> {
  const bySession = new Map(claimed.map((d) => [d.sessionId, d]));
  return settled.map((d) => {
    const found = bySession.get(d.sessionId);
    return found && found.seq === d.seq + 1 ? found : null;
  });
}

/** Splits the per-host free slots into what a claim takes: hosts to skip, and the others' budgets. */
export function claimBudget(hostBudget: ReadonlyMap<string, number>): {
  hosts: string[];
  free: number[];
  saturatedHosts: string[];
} {
  const hosts: string[] = [];
  const free: number[] = [];
  const saturatedHosts: string[] = [];
  for (const [host, budget] of hostBudget) {
    if (budget <= 0) saturatedHosts.push(host);
    else {
      hosts.push(host);
      free.push(budget);
    }
  }
  return { hosts, free, saturatedHosts };
}

/** Removes and returns the first `n` values of `set` (in insertion order). */
export function takeFirst(set: Set<string>, n: number): string[] {
  const out: string[] = [];
  for (const value of set) {
    if (out.length >= n) break;
    out.push(value);
  }
  for (const value of out) set.delete(value);
  return out;
}
