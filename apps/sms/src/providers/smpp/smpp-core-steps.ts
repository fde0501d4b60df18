import type { SegmentJob, SmppEffect, SmppState, SmppTransition } from './smpp-core-types.js';

/** The small steps every part of the SMPP reducer (smpp-core.ts) builds on. */

export type State<S> = SmppState<S>;
export type Effect<S, P> = SmppEffect<S, P>;
export type Result<S, P> = SmppTransition<S, P>;

export const log = <S, P>(
  level: 'info' | 'warn',
  message: string,
  fields: Record<string, unknown> = {},
): Effect<S, P> => ({
  type: 'log',
  level,
  message,
  fields,
});

/** Sends a request, with a new request id; the shell reports back `sent` or `unsent`. */
export function send<S, P>(
  s: State<S>,
  session: S,
  request: Extract<Effect<S, P>, { type: 'send' }>['request'],
  pdu: { command: string; params?: Record<string, unknown> },
): Result<S, P> {
  return {
    state: { ...s, nextRequestId: s.nextRequestId + 1 },
    effects: [{ type: 'send', session, requestId: s.nextRequestId, request, pdu }],
  };
}

export function then<S, P>(first: Result<S, P>, next: (s: State<S>) => Result<S, P>): Result<S, P> {
  const second = next(first.state);
  return { state: second.state, effects: [...first.effects, ...second.effects] };
}

/**
 * Sends the next queued segment when the window has room and no throttling pause runs; the
 * shell's `sent` for it pumps again, so a window fills one PDU after another.
 */
export function pump<S, P>(s: State<S>, now: number): Result<S, P> {
  if (s.session === null || !s.bound) return { state: s, effects: [] };
  const wait = s.pausedUntil - now;
  if (wait > 0) {
    if (s.pauseTimerSet) return { state: s, effects: [] };
    return { state: { ...s, pauseTimerSet: true }, effects: [{ type: 'start-timer', timer: 'pause', ms: wait }] };
  }
  if (s.outstandingSubmits >= s.settings.window || s.queue.length === 0) return { state: s, effects: [] };
  const job = { ...s.queue[0]!, sentAt: now };
  return send(
    { ...s, queue: s.queue.slice(1) },
    s.session,
    { kind: 'submit_sm', job },
    { command: 'submit_sm', params: job.params },
  );
}

export const ref = (job: SegmentJob): { message: number; segment: number } => ({
  message: job.message,
  segment: job.segment,
});
