import {
  ESME_RMSGQFUL,
  ESME_ROK,
  ESME_RSUBMITFAIL,
  ESME_RSYSERR,
  ESME_RTHROTTLED,
  type SegmentJob,
  type SubmitFailure,
} from './smpp-core-types.js';
import { log, pump, ref, then, type Effect, type Result, type State } from './smpp-core-steps.js';
import { statusName } from './smpp-status.js';

/** The SMPP reducer's submission side: queueing segments and reading submit_sm answers. */

/** The SMSC asks us to slow down: pause and resend the same PDU. */
const THROTTLING = new Set([ESME_RTHROTTLED, ESME_RMSGQFUL]);
/** Refusals where the same message may well pass later. */
const TRANSIENT = new Set([ESME_RSYSERR, ESME_RSUBMITFAIL, ...THROTTLING]);

/** The SMSC's message id as text, '' when absent (the PDU library hands it over untyped: a C-octet string). */
function providerIdOf(messageId: unknown): string {
  return messageId === undefined || messageId === null ? '' : String(messageId as string);
}

export function onSubmitResponse<S, P>(
  s0: State<S>,
  job: SegmentJob,
  status: number,
  messageId: unknown,
  now: number,
): Result<S, P> {
  let s: State<S> = { ...s0, outstandingSubmits: s0.outstandingSubmits - 1 };
  const effects: Effect<S, P>[] = [];
  if (status === ESME_ROK) {
    s = { ...s, throttleMs: 0 };
    effects.push({ type: 'resolve', ...ref(job), providerId: providerIdOf(messageId) });
  } else if (THROTTLING.has(status) && now - job.queuedAt <= s.settings.throttleGiveUpMs) {
    // Answers to PDUs sent before the current pause began are the same episode: do not escalate.
    if (job.sentAt > s.pauseStartedAt) {
      const throttleMs = s.throttleMs
        ? Math.min(s.throttleMs * 2, s.settings.throttleMaxMs)
        : s.settings.throttleBaseMs;
      s = { ...s, throttleMs, pauseStartedAt: now, pausedUntil: now + throttleMs };
      effects.push(
        log('warn', 'smpp throttled, pausing submissions', { status: statusName(status), pauseMs: throttleMs }),
      );
    }
    // Back to its place in the queue, not to the end.
    const at = s.queue.findIndex((queued) => queued.order > job.order);
    const queue = [...s.queue];
    queue.splice(at === -1 ? queue.length : at, 0, job);
    s = { ...s, queue };
  } else {
    // One failure drops its message's segments still queued (they would be wasted).
    const error: SubmitFailure = {
      message: `SMSC refused submit_sm: ${statusName(status)}`,
      transient: TRANSIENT.has(status),
      providerCode: statusName(status),
    };
    const siblings = s.queue.filter((queued) => queued.message === job.message);
    s = { ...s, queue: s.queue.filter((queued) => queued.message !== job.message) };
    effects.push({ type: 'reject', jobs: [ref(job), ...siblings.map(ref)], error });
  }
  effects.push({ type: 'wake' });
  return then({ state: s, effects }, (next) => pump(next, now));
}

export function submit<S, P>(
  s: State<S>,
  message: number,
  segments: Record<string, unknown>[],
  now: number,
): Result<S, P> {
  const jobs = segments.map((params, segment): SegmentJob => ({
    order: s.nextOrder + segment,
    message,
    segment,
    params,
    queuedAt: now,
    sentAt: 0,
  }));
  return pump({ ...s, queue: [...s.queue, ...jobs], nextOrder: s.nextOrder + jobs.length }, now);
}
