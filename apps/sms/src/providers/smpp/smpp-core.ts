import { ESME_RINVCMDID, ESME_ROK, ESME_RX_T_APPN, type SmppEvent, type SmppSettings } from './smpp-core-types.js';
import { drained, stop, stopped, unbindOver } from './smpp-core-stop.js';
import { log, pump, ref, send, then, type Effect, type Result, type State } from './smpp-core-steps.js';
import { onSubmitResponse, submit } from './smpp-core-submit.js';
import { statusName } from './smpp-status.js';

/**
 * The SMPP 3.4 ESME as a pure reducer: `(state, event) → { state, effects }`. Bind, enquire_link,
 * the response watchdog, reconnect with back-off, the submit_sm window and throttling pauses,
 * delivery receipts and the unbind on stop are decided here; smpp.provider.ts feeds the library's
 * callbacks and the timers in (with the time) and carries out the effects in order.
 */

export function initialSmppState<S>(settings: SmppSettings): State<S> {
  return {
    settings,
    session: null,
    bound: false,
    stopping: false,
    stopPhase: 'running',
    stopSession: null,
    attempts: 0,
    requests: new Map(),
    nextRequestId: 1,
    outstandingSubmits: 0,
    queue: [],
    nextOrder: 0,
    lastReceivedAt: 0,
    throttleMs: 0,
    pausedUntil: 0,
    pauseStartedAt: 0,
    pauseTimerSet: false,
  };
}

function connect<S, P>(s: State<S>): Result<S, P> {
  if (s.stopping) return { state: s, effects: [] };
  return { state: s, effects: [{ type: 'open-session' }] };
}

/** The shell opened a session: it is the current one from now on. */
function opened<S, P>(s: State<S>, session: S, now: number): Result<S, P> {
  // A TCP connect or a bind that hangs counts like any unanswered request.
  return {
    state: { ...s, session, lastReceivedAt: now },
    effects: [{ type: 'start-timer', timer: 'connect', ms: s.settings.responseTimeoutMs, session }],
  };
}

function onBindResponse<S, P>(s: State<S>, session: S, status: number, now: number): Result<S, P> {
  if (status !== ESME_ROK) {
    return {
      state: s,
      effects: [
        log('warn', 'smpp bind refused', { status: statusName(status), attempt: s.attempts + 1 }),
        { type: 'destroy', session },
      ],
    };
  }
  const bound: State<S> = { ...s, bound: true, attempts: 0 };
  return then(
    {
      state: bound,
      effects: [
        { type: 'clear-timer', timer: 'connect' },
        log('info', 'smpp bound', { interfaceVersion: '3.4' }),
        { type: 'start-timer', timer: 'enquire', ms: s.settings.enquireLinkSeconds * 1000, session, repeat: true },
        { type: 'wake' },
      ],
    },
    (next) => pump(next, now),
  );
}

function onResponse<S, P>(s0: State<S>, e: Extract<SmppEvent<S, P>, { type: 'response' }>): Result<S, P> {
  const requests = new Map(s0.requests);
  requests.delete(e.requestId);
  const s = { ...s0, requests };
  switch (e.request.kind) {
    case 'bind':
      return onBindResponse(s, e.session, e.status, e.now);
    case 'submit_sm':
      return onSubmitResponse(s, e.request.job, e.status, e.messageId, e.now);
    case 'unbind':
      return unbindOver(s);
    case 'enquire_link':
      return { state: s, effects: [] };
  }
}

function onPdu<S, P>(s: State<S>, e: Extract<SmppEvent<S, P>, { type: 'pdu' }>): Result<S, P> {
  if (s.session !== e.session) return { state: s, effects: [] };
  const received = { ...s, lastReceivedAt: e.now };
  const { incoming, session } = e;
  if (incoming.isResponse) return { state: received, effects: [] }; // answered through the send callbacks
  const respond = (extra: { status?: number; thenClose?: boolean } = {}): Effect<S, P> => ({
    type: 'respond',
    session,
    pdu: incoming.pdu,
    ...extra,
  });
  switch (incoming.command) {
    case 'enquire_link':
      return { state: received, effects: [respond()] };
    case 'deliver_sm': {
      const receipt = incoming.deliver?.receipt ?? null;
      // A mobile-originated message (or an unreadable receipt): not ours, but acknowledged so it is not resent.
      if (!receipt)
        return {
          state: received,
          effects: [
            log('info', 'smpp deliver_sm ignored (not a receipt)', { esmClass: incoming.deliver?.esmClass }),
            respond(),
          ],
        };
      // Acknowledged only once stored: a crash before that makes the SMSC deliver it again.
      return { state: received, effects: [{ type: 'store-receipt', session, pdu: incoming.pdu, receipt }] };
    }
    case 'unbind':
      return {
        state: { ...received, bound: false },
        effects: [log('warn', 'smpp unbind from the SMSC'), respond({ thenClose: true })],
      };
    case 'alert_notification': // has no response
      return { state: received, effects: [] };
    default:
      return { state: received, effects: [respond({ status: ESME_RINVCMDID })] };
  }
}

function onClosed<S, P>(s0: State<S>, session: S): Result<S, P> {
  if (s0.session !== session) return { state: s0, effects: [] };
  const lost = [...s0.requests.values()].flatMap(({ request }) => (request.kind === 'submit_sm' ? [request.job] : []));
  const s: State<S> = {
    ...s0,
    session: null,
    bound: false,
    pauseTimerSet: false,
    throttleMs: 0,
    pausedUntil: 0,
    requests: new Map(),
    outstandingSubmits: 0,
    queue: [],
  };
  const effects: Effect<S, P>[] = [
    { type: 'clear-timer', timer: 'connect' },
    { type: 'clear-timer', timer: 'enquire' },
    { type: 'clear-timer', timer: 'pause' },
  ];
  // Outstanding segments may have been accepted already; the use-case's retry then sends them twice.
  const failed = [...lost, ...s0.queue];
  if (failed.length)
    effects.push({
      type: 'reject',
      jobs: failed.map(ref),
      error: { message: 'SMPP connection lost', transient: true },
    });
  if (s0.bound) effects.push(log('warn', 'smpp connection lost', { failedSegments: lost.length }));
  effects.push({ type: 'wake' });
  if (s.stopping) return { state: s, effects };
  const delayMs = Math.min(s.settings.reconnectBaseMs * 2 ** s.attempts, s.settings.reconnectMaxMs);
  const attempts = s.attempts + 1;
  effects.push(log('info', 'smpp reconnecting', { attempt: attempts, delayMs }), {
    type: 'start-timer',
    timer: 'reconnect',
    ms: delayMs,
  });
  return { state: { ...s, attempts }, effects };
}

/**
 * The link is dead when a request waits longer than responseTimeoutMs and nothing at all arrived
 * meanwhile, or when one waits three times that long (an SMSC that answers probes but sits on a submit).
 */
function onWatchdog<S, P>(s: State<S>, now: number): Result<S, P> {
  if (s.session === null || s.requests.size === 0) return { state: s, effects: [] };
  const oldest = Math.min(...[...s.requests.values()].map((r) => r.sentAt));
  const limit = s.settings.responseTimeoutMs;
  if ((now - oldest > limit && now - s.lastReceivedAt > limit) || now - oldest > 3 * limit) {
    return {
      state: s,
      effects: [
        log('warn', 'smpp no response, dropping the connection', {
          waitedMs: now - oldest,
          outstanding: s.requests.size,
        }),
        { type: 'destroy', session: s.session },
      ],
    };
  }
  return { state: s, effects: [] };
}

function onEnquireTick<S, P>(s: State<S>, session: S, now: number): Result<S, P> {
  if (s.session !== session || !s.bound) return { state: s, effects: [] };
  // One probe at a time: an unanswered one is the watchdog's business.
  for (const { sentAt, request } of s.requests.values())
    if (request.kind !== 'submit_sm' && now - sentAt < s.settings.responseTimeoutMs) return { state: s, effects: [] };
  return send(s, session, { kind: 'enquire_link' }, { command: 'enquire_link' });
}

export function smppTransition<S, P>(s: State<S>, e: SmppEvent<S, P>): Result<S, P> {
  switch (e.type) {
    case 'start': {
      const period = Math.min(1_000, Math.max(25, s.settings.responseTimeoutMs / 4));
      return then(
        { state: s, effects: [{ type: 'start-timer', timer: 'watchdog', ms: period, repeat: true }] },
        (next) => connect(next),
      );
    }
    case 'connect':
      return connect(s);
    case 'opened':
      return opened(s, e.session, e.now);
    case 'connected': // the shell fills in the credentials: the password stays out of the state
      return send(s, e.session, { kind: 'bind' }, { command: 'bind_transceiver' });
    case 'connect-timeout':
      if (s.session !== e.session || s.bound) return { state: s, effects: [] };
      return {
        state: s,
        effects: [
          log('warn', 'smpp connect/bind timed out', { timeoutMs: s.settings.responseTimeoutMs }),
          { type: 'destroy', session: e.session },
        ],
      };
    case 'sent': {
      const requests = new Map(s.requests).set(e.requestId, { sentAt: e.now, request: e.request });
      if (e.request.kind !== 'submit_sm') return { state: { ...s, requests }, effects: [] };
      return pump({ ...s, requests, outstandingSubmits: s.outstandingSubmits + 1 }, e.now);
    }
    case 'unsent':
      if (e.request.kind === 'unbind') return unbindOver(s);
      if (e.request.kind !== 'submit_sm') return { state: s, effects: [] };
      // Not writable any more: the close that follows fails the queue and reconnects.
      return {
        state: { ...s, queue: [e.request.job, ...s.queue] },
        effects: [{ type: 'destroy', session: e.session }],
      };
    case 'response':
      return onResponse(s, e);
    case 'pdu':
      return onPdu(s, e);
    case 'receipt-stored':
      // A temporary application error: the SMSC delivers the receipt again later.
      if (e.error === undefined) return { state: s, effects: [{ type: 'respond', session: e.session, pdu: e.pdu }] };
      return {
        state: s,
        effects: [
          log('warn', 'smpp receipt not stored, asking the SMSC to retry', {
            providerId: e.providerId,
            error: e.error,
          }),
          { type: 'respond', session: e.session, pdu: e.pdu, status: ESME_RX_T_APPN },
        ],
      };
    case 'session-error':
      // A socket error is followed by close; a PDU parse error leaves the library stuck, so destroy.
      return {
        state: s,
        effects: [log('warn', 'smpp connection error', { error: e.message }), { type: 'destroy', session: e.session }],
      };
    case 'closed':
      return onClosed(s, e.session);
    case 'enquire-tick':
      return onEnquireTick(s, e.session, e.now);
    case 'watchdog-tick':
      return onWatchdog(s, e.now);
    case 'pause-over':
      return pump({ ...s, pauseTimerSet: false }, e.now);
    case 'submit':
      return submit(s, e.message, e.segments, e.now);
    case 'stop':
      return stop(s);
    case 'drained':
      return drained(s);
    case 'unbind-over':
      return unbindOver(s);
    case 'destroyed':
      return s.stopPhase === 'closing' ? stopped(s) : { state: s, effects: [] };
  }
}
