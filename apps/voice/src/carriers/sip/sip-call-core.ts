import type { SipMessage } from 'sip';
import type { CallEnding } from '#libs/contracts';
import type { G711Codec } from '../../media/g711.js';
import { mediaAddressRefusal, parseAnswer } from './sdp.js';
import {
  ABORT_GIVE_UP_MS,
  ABORT_WAIT_MS,
  CANCEL_GIVE_UP_MS,
  type CancelReason,
  type SipCallEffect,
  type SipCallEvent,
  type SipCallState,
  type Transition,
} from './sip-call-core-types.js';
import { reasonQ850 } from './sip-messages.js';

/**
 * The SIP UAC call as a pure reducer: `(state, event) → { state, effects }`. Events are what the
 * wire, the timers and the media player report; effects are data the shell (sip-call.ts) carries
 * out in order, awaiting those that take time. No I/O, no clock, no randomness here.
 */

export function initialSipCallState(options: {
  codecs: readonly G711Codec[];
  allowPrivateMedia: boolean;
  canAuthenticate: boolean;
  ringTimeoutMs: number;
}): SipCallState {
  return {
    phase: 'calling',
    inviteGen: 0,
    authTried: false,
    cancelSent: false,
    heardFromTrunk: false,
    alerted: false,
    ...options,
  };
}

const CANCELLED_WHILE_RINGING: CallEnding = { kind: 'internal', reason: 'call cancelled while ringing' };
const UNREACHABLE: CallEnding = { kind: 'unreachable', reason: 'no response from the SIP trunk' };

function log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): SipCallEffect {
  return fields ? { type: 'log', level, message, fields } : { type: 'log', level, message };
}

function ringing(s: SipCallState): boolean {
  return s.phase === 'calling' || s.phase === 'proceeding';
}

function toTag(m: SipMessage): string | null | undefined {
  return m.headers.to?.params?.tag;
}

/** Ends the call once: the outcome is settled, the ring timer stopped. */
function finish(s: SipCallState, ending: CallEnding, effects: SipCallEffect[] = []): Transition {
  if (s.phase === 'ended') return { state: s, effects };
  return {
    state: { ...s, phase: 'ended' },
    effects: [...effects, { type: 'clear-ring-timer' }, { type: 'settle', ending }],
  };
}

function sendCancel(s: SipCallState): Transition {
  const aborted = s.cancelReason === 'aborted';
  return {
    state: { ...s, cancelSent: true },
    effects: [
      log('info', 'SIP CANCEL', { reason: s.cancelReason }),
      { type: 'send-cancel' },
      // A trunk that never answers the INVITE after our CANCEL: give up after 64×T1, or much sooner
      // on shutdown, so the call ends within the consumer's drain.
      {
        type: 'start-timer',
        timer: 'cancel-give-up',
        ms: aborted ? ABORT_GIVE_UP_MS : CANCEL_GIVE_UP_MS,
        unref: true,
        event: { type: 'cancel-give-up' },
      },
    ],
  };
}

/** Gives up ringing: CANCEL now, or as soon as a provisional response allows it (RFC 3261 §9.1). */
function cancel(s0: SipCallState, reason: CancelReason): Transition {
  if (!ringing(s0)) return { state: s0, effects: [] };
  const s = { ...s0, cancelReason: s0.cancelReason ?? reason };
  if (s.phase === 'proceeding' && !s.cancelSent) return sendCancel(s);
  // Nothing heard yet, so no CANCEL may be sent. A trunk silent for the whole ring time is
  // unreachable; on shutdown, wait briefly for a provisional response, then let the call go (the
  // INVITE transaction runs on: a late 200 OK is ACKed and hung up at once).
  if (reason === 'ring-timeout' && !s.heardFromTrunk)
    return finish(s, UNREACHABLE, [log('info', 'SIP trunk silent for the whole ring time')]);
  if (reason === 'aborted')
    return {
      state: s,
      effects: [
        {
          type: 'start-timer',
          timer: 'abort-wait',
          ms: ABORT_WAIT_MS,
          unref: true,
          event: { type: 'abort-wait-over' },
        },
      ],
    };
  return { state: s, effects: [] };
}

function onProvisional(s0: SipCallState, rs: SipMessage): Transition {
  const s: SipCallState = { ...s0, heardFromTrunk: true, phase: s0.phase === 'calling' ? 'proceeding' : s0.phase };
  if (s.cancelReason && !s.cancelSent) return sendCancel(s);
  if ((rs.status === 180 || rs.status === 183) && !s.alerted) {
    return {
      state: { ...s, alerted: true },
      effects: [log('info', 'SIP ringing', { status: rs.status }), { type: 'record-alerting' }],
    };
  }
  return { state: s, effects: [] };
}

function onFailure(s: SipCallState, rs: SipMessage): Transition {
  const status = rs.status!;
  if ((status === 401 || status === 407) && !s.authTried && s.canAuthenticate && !s.cancelReason) {
    const gen = s.inviteGen + 1;
    return {
      state: { ...s, authTried: true, heardFromTrunk: true, inviteGen: gen },
      effects: [{ type: 'send-invite', gen, challenge: rs }],
    };
  }
  const logged = [log('info', 'SIP final response', { status, reason: rs.reason })];
  if (s.cancelReason === 'aborted') return finish(s, CANCELLED_WHILE_RINGING, logged);
  // Timer B of the transaction layer (a made-up 408 without a To tag): nothing ever came back.
  if (status === 408 && !s.heardFromTrunk && !toTag(rs)) return finish(s, UNREACHABLE, logged);
  if (s.cancelReason === 'ring-timeout') return finish(s, { kind: 'ring-timeout' }, logged);
  const q850 = reasonQ850(rs);
  return finish(s, { kind: 'sip-final', sipStatus: status, ...(q850 !== undefined ? { q850 } : {}) }, logged);
}

function onSuccess(s0: SipCallState, rs: SipMessage): Transition {
  const s: SipCallState = { ...s0, heardFromTrunk: true };
  if (s.dialog) {
    // A retransmitted 200 OK (our ACK was lost) only gets the ACK again; a 2xx of another
    // branch (a forking proxy) would be a second dialog: end it.
    if (toTag(rs) === s.dialog.remoteTag) return { state: s, effects: [{ type: 'send-ack' }] };
    return { state: s, effects: [{ type: 'ack-and-bye', response: rs }] };
  }
  if (s.phase === 'ended') return { state: s, effects: [{ type: 'ack-and-bye', response: rs }] }; // answered after we gave up
  // The dialog and the new phase take effect at once: a retransmission of this 200 arriving while
  // the ACK goes out finds them, and cannot start the prompt a second time.
  const answered: SipCallEffect[] = [{ type: 'establish-dialog', response: rs }, { type: 'clear-ring-timer' }];
  const dialog = { remoteTag: toTag(rs) };
  const answer = s.cancelReason ? undefined : parseAnswer(rs.content ?? '', s.codecs);
  const ending = { ...s, dialog, phase: 'ending' as const };
  if (!answer) {
    // Answered just as we gave up: hang up at once.
    const outcome: CallEnding = s.cancelReason === 'ring-timeout' ? { kind: 'ring-timeout' } : CANCELLED_WHILE_RINGING;
    return {
      state: ending,
      effects: [...answered, { type: 'send-ack' }, { type: 'send-bye', then: { type: 'hung-up', ending: outcome } }],
    };
  }
  if ('error' in answer || answer.hold) {
    const reason = 'error' in answer ? answer.error : 'the answer puts the call on hold (c=0.0.0.0)';
    return {
      state: ending,
      effects: [
        ...answered,
        { type: 'send-ack' },
        log('warn', 'unusable SDP answer; hanging up', { reason }),
        {
          type: 'send-bye',
          then: { type: 'hung-up', ending: { kind: 'internal', reason: `unusable SDP answer: ${reason}` } },
        },
      ],
    };
  }
  const refusal = mediaAddressRefusal(answer.address, s.allowPrivateMedia);
  if (refusal) {
    // The answer is not acceptable here: ACK (RFC 3261 requires it), no packet sent, BYE; the
    // call ends as a 488 Not Acceptable Here would (8103, Q.850 65) in the one SIP→state table.
    return {
      state: ending,
      effects: [
        ...answered,
        { type: 'send-ack' },
        log('warn', 'media address refused; hanging up', { reason: refusal }),
        { type: 'send-bye', then: { type: 'hung-up', ending: { kind: 'sip-final', sipStatus: 488 } } },
      ],
    };
  }
  return {
    state: { ...s, dialog, phase: 'answered' },
    effects: [
      ...answered,
      { type: 'connect-media', address: answer.address, port: answer.port, codec: answer.codec },
      { type: 'send-ack' },
      log('info', 'SIP answered', { codec: answer.codec, rtp: `${answer.address}:${answer.port}` }),
      { type: 'record-answer' },
      { type: 'play-prompt' },
    ],
  };
}

function onInviteResponse(s0: SipCallState, gen: number, rs: SipMessage): Transition {
  const status = rs.status ?? 0;
  if (gen !== s0.inviteGen) {
    // A 2xx to a superseded INVITE (before the authenticated retry) would be a second dialog: end it.
    return { state: s0, effects: status >= 200 && status < 300 ? [{ type: 'ack-and-bye', response: rs }] : [] };
  }
  const s = status >= 100 && toTag(rs) !== undefined ? { ...s0, heardFromTrunk: true } : s0;
  if (status < 200) return onProvisional(s, rs);
  if (status < 300) return onSuccess(s, rs);
  return onFailure(s, rs);
}

/** The prompt ended (played out, interrupted by abort or the callee's BYE, or failed). */
function onPromptDone(s: SipCallState, e: Extract<SipCallEvent, { type: 'prompt-done' }>): Transition {
  const { result } = e;
  const effects = [
    log('info', 'prompt sent', {
      packets: result.packets,
      interrupted: result.interrupted,
      plays: e.plays,
      codec: e.codec,
      ...(result.error ? { error: result.error } : {}),
    }),
  ];
  if (s.phase === 'ended') return { state: s, effects }; // the callee hung up (BYE answered on arrival)
  const ending: CallEnding = result.error
    ? { kind: 'internal', reason: `media failed: ${result.error}` }
    : s.cancelReason === 'aborted'
      ? { kind: 'internal', reason: 'call ended by the platform during the prompt' }
      : { kind: 'completed', by: 'platform' };
  return {
    state: { ...s, phase: 'ending' },
    effects: [...effects, { type: 'send-bye', then: { type: 'hung-up', ending } }],
  };
}

function onRequest(s: SipCallState, e: Extract<SipCallEvent, { type: 'request' }>): Transition {
  const rq = e.request;
  const respond = (status: number, reason: string): SipCallEffect => ({ type: 'respond', request: rq, status, reason });
  if ((rq.method === 'BYE' || rq.method === 'INVITE') && !e.inDialog) {
    return {
      state: s,
      effects: [
        log('warn', 'SIP in-dialog request refused: not this dialog', { method: rq.method, from: e.from }),
        respond(481, 'Call/Transaction Does Not Exist'),
      ],
    };
  }
  if (rq.method === 'BYE') {
    if (s.phase !== 'answered') return { state: s, effects: [respond(200, 'OK')] };
    const ended = finish(s, { kind: 'completed', by: 'callee' }, [
      respond(200, 'OK'),
      log('info', 'SIP BYE from the callee'),
    ]);
    return { state: ended.state, effects: [...ended.effects, { type: 'stop-prompt' }] };
  }
  if (rq.method === 'INVITE' && s.phase === 'answered' && e.codec) {
    // A re-INVITE: the callee's media may move (a PBX re-routing media, a session refresh). Keep our
    // codec; follow the new address and port when the offer has them; without an offer, re-offer ours.
    const effects: SipCallEffect[] = [];
    if (rq.content) {
      const offer = parseAnswer(rq.content, [e.codec]);
      const refusal =
        'error' in offer ? offer.error : offer.hold ? null : mediaAddressRefusal(offer.address, s.allowPrivateMedia);
      if (refusal || 'error' in offer)
        return {
          state: s,
          effects: [log('warn', 're-INVITE refused', { reason: refusal }), respond(488, 'Not Acceptable Here')],
        };
      if (offer.hold) effects.push({ type: 'hold-media' }, log('info', 'SIP re-INVITE: on hold'));
      else
        effects.push(
          { type: 'connect-media', address: offer.address, port: offer.port, codec: e.codec },
          log('info', 'SIP re-INVITE: media moved', { rtp: `${offer.address}:${offer.port}` }),
        );
    }
    return { state: s, effects: [...effects, { type: 'respond-reinvite', request: rq, codec: e.codec }] };
  }
  return { state: s, effects: [rq.method === 'OPTIONS' ? respond(200, 'OK') : respond(405, 'Method Not Allowed')] };
}

export function sipCallTransition(s: SipCallState, e: SipCallEvent): Transition {
  switch (e.type) {
    case 'start':
      if (e.aborted) return finish(s, { kind: 'internal', reason: 'call cancelled before it was placed' });
      return {
        state: s,
        effects: [
          { type: 'send-invite', gen: s.inviteGen },
          { type: 'start-timer', timer: 'ring', ms: s.ringTimeoutMs, unref: false, event: { type: 'ring-timeout' } },
        ],
      };
    case 'invite-response':
      return onInviteResponse(s, e.gen, e.response);
    case 'ring-timeout':
      return cancel(s, 'ring-timeout');
    case 'abort':
      if (ringing(s)) return cancel(s, 'aborted');
      // Answered: stopping the stream makes the prompt end, and its end sends the BYE.
      if (s.phase === 'answered')
        return { state: { ...s, cancelReason: 'aborted' }, effects: [{ type: 'stop-prompt' }] };
      return { state: s, effects: [] };
    case 'cancel-give-up':
      if (!ringing(s)) return { state: s, effects: [] };
      return finish(s, s.cancelReason === 'aborted' ? CANCELLED_WHILE_RINGING : { kind: 'ring-timeout' });
    case 'abort-wait-over':
      return s.phase === 'calling' ? finish(s, CANCELLED_WHILE_RINGING) : { state: s, effects: [] };
    case 'hung-up':
      return finish(s, e.ending);
    case 'answer-failed':
      // Hang up whatever was answered; the outcome stands if the call had already ended.
      return withBye(
        finish(s, { kind: 'internal', reason: `answered call failed: ${e.message}` }, [
          log('error', 'answered call failed', { error: e.message }),
        ]),
      );
    case 'prompt-done':
      return onPromptDone(s, e);
    case 'request':
      return onRequest(s, e);
    case 'stray-response': {
      const status = e.response.status ?? 0;
      const ack = e.response.headers.cseq?.method === 'INVITE' && status >= 200 && status < 300 && s.dialog;
      return { state: s, effects: ack ? [{ type: 'send-ack' }] : [] };
    }
  }
}

function withBye(t: Transition): Transition {
  return { state: t.state, effects: [...t.effects, { type: 'send-bye' }] };
}
