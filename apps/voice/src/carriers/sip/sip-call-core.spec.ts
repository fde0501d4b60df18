import { describe, expect, it } from '@jest/globals';
import type { SipMessage } from 'sip';
import { initialSipCallState, sipCallTransition } from './sip-call-core.js';
import {
  ABORT_GIVE_UP_MS,
  ABORT_WAIT_MS,
  CANCEL_GIVE_UP_MS,
  type SipCallEffect,
  type SipCallEvent,
  type SipCallState,
} from './sip-call-core-types.js';

const SDP = (address = '93.184.216.34', port = 40000, codec = 0) =>
  [
    'v=0',
    `o=- 1 1 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${codec}`,
    '',
  ].join('\r\n');

function response(
  status: number,
  extra: { toTag?: string; content?: string; reason?: string; cseqMethod?: string } = {},
): SipMessage {
  return {
    status,
    reason: `R${status}`,
    headers: {
      to: { uri: 'sip:callee@trunk', params: extra.toTag === undefined ? {} : { tag: extra.toTag } },
      cseq: { method: extra.cseqMethod ?? 'INVITE', seq: 1 },
      ...(extra.reason ? { reason: extra.reason } : {}),
    },
    ...(extra.content !== undefined ? { content: extra.content } : {}),
  };
}

function request(method: string, content?: string): SipMessage {
  return { method, headers: {}, ...(content !== undefined ? { content } : {}) };
}

function initial(overrides: Partial<Parameters<typeof initialSipCallState>[0]> = {}): SipCallState {
  return initialSipCallState({
    codecs: ['PCMU', 'PCMA'],
    allowPrivateMedia: false,
    canAuthenticate: false,
    ringTimeoutMs: 30_000,
    ...overrides,
  });
}

/** Feeds events in order; returns the last state and every effect, by event. */
function feed(events: SipCallEvent[], state = initial()): { state: SipCallState; effects: SipCallEffect[][] } {
  const effects: SipCallEffect[][] = [];
  for (const event of events) {
    const t = sipCallTransition(state, event);
    state = t.state;
    effects.push(t.effects);
  }
  return { state, effects };
}

const types = (effects: SipCallEffect[]) => effects.map((e) => (e.type === 'log' ? `log:${e.message}` : e.type));
const settled = (effects: SipCallEffect[]) =>
  effects.find((e): e is Extract<SipCallEffect, { type: 'settle' }> => e.type === 'settle')?.ending;

const start: SipCallEvent = { type: 'start', aborted: false };
const inv = (status: number, extra?: Parameters<typeof response>[1], gen = 0): SipCallEvent => ({
  type: 'invite-response',
  gen,
  response: response(status, extra),
});
const ok = (toTag = 'callee', content = SDP()) => inv(200, { toTag, content });
const answered = [start, inv(180, { toTag: 'callee' }), ok()];

describe('SIP call core: placing the call', () => {
  it('start sends the INVITE and arms the ring timer; an abort before start settles at once', () => {
    const { effects, state } = feed([start]);
    expect(effects[0]).toEqual([
      { type: 'send-invite', gen: 0 },
      { type: 'start-timer', timer: 'ring', ms: 30_000, unref: false, event: { type: 'ring-timeout' } },
    ]);
    expect(state.phase).toBe('calling');
    const aborted = feed([{ type: 'start', aborted: true }]);
    expect(aborted.state.phase).toBe('ended');
    expect(settled(aborted.effects[0]!)).toEqual({ kind: 'internal', reason: 'call cancelled before it was placed' });
  });

  it('100 Trying → proceeding without alerting; 180 alerts once; 183 after it does not alert again', () => {
    const { state, effects } = feed([start, inv(100), inv(180, { toTag: 'a' }), inv(183, { toTag: 'a' })]);
    expect(state.phase).toBe('proceeding');
    expect(effects[1]).toEqual([]);
    expect(types(effects[2]!)).toEqual(['log:SIP ringing', 'record-alerting']);
    expect(effects[3]).toEqual([]);
  });

  it('200 OK with a usable answer: dialog, ACK, media, answer recorded, prompt played', () => {
    const { state, effects } = feed(answered);
    expect(state.phase).toBe('answered');
    expect(state.dialog).toEqual({ remoteTag: 'callee' });
    expect(types(effects[2]!)).toEqual([
      'establish-dialog',
      'clear-ring-timer',
      'connect-media',
      'send-ack',
      'log:SIP answered',
      'record-answer',
      'play-prompt',
    ]);
    expect(effects[2]!.find((e) => e.type === 'connect-media')).toEqual({
      type: 'connect-media',
      address: '93.184.216.34',
      port: 40000,
      codec: 'PCMU',
    });
  });

  it('the prompt played out: BYE, then completed by the platform', () => {
    const { state, effects } = feed([
      ...answered,
      { type: 'prompt-done', result: { packets: 10, interrupted: false }, plays: 1, codec: 'PCMU' },
    ]);
    expect(state.phase).toBe('ending');
    expect(types(effects[3]!)).toEqual(['log:prompt sent', 'send-bye']);
    const bye = effects[3]![1] as Extract<SipCallEffect, { type: 'send-bye' }>;
    expect(bye.then).toEqual({ type: 'hung-up', ending: { kind: 'completed', by: 'platform' } });
    const done = sipCallTransition(state, bye.then!);
    expect(done.state.phase).toBe('ended');
    expect(settled(done.effects)).toEqual({ kind: 'completed', by: 'platform' });
  });

  it('a media error ends the call as internal after the BYE', () => {
    const { effects } = feed([
      ...answered,
      { type: 'prompt-done', result: { packets: 3, interrupted: true, error: 'EPERM' }, plays: 1, codec: 'PCMU' },
    ]);
    const bye = effects[3]!.find((e) => e.type === 'send-bye') as Extract<SipCallEffect, { type: 'send-bye' }>;
    expect(bye.then).toEqual({ type: 'hung-up', ending: { kind: 'internal', reason: 'media failed: EPERM' } });
  });
});

describe('SIP call core: final failures and digest', () => {
  it('486 → sip-final with the Q.850 cause of the Reason header', () => {
    const { state, effects } = feed([
      start,
      inv(180, { toTag: 'a' }),
      inv(486, { toTag: 'a', reason: 'Q.850;cause=17' }),
    ]);
    expect(state.phase).toBe('ended');
    expect(types(effects[2]!)).toEqual(['log:SIP final response', 'clear-ring-timer', 'settle']);
    expect(settled(effects[2]!)).toEqual({ kind: 'sip-final', sipStatus: 486, q850: 17 });
  });

  it('a made-up 408 (timer B, no To tag, nothing heard) → unreachable; a real 408 → sip-final', () => {
    expect(settled(feed([start, inv(408)]).effects[1]!)).toEqual({
      kind: 'unreachable',
      reason: 'no response from the SIP trunk',
    });
    expect(settled(feed([start, inv(408, { toTag: 'x' })]).effects[1]!)).toEqual({ kind: 'sip-final', sipStatus: 408 });
    expect(settled(feed([start, inv(100), inv(408)]).effects[2]!)).toEqual({ kind: 'sip-final', sipStatus: 408 });
  });

  it('401/407 with credentials: one retry with a new INVITE generation; a second challenge is final', () => {
    const s = initial({ canAuthenticate: true });
    const { state, effects } = feed([start, inv(401, { toTag: 'a' }), inv(407, { toTag: 'b' }, 1)], s);
    expect(effects[1]).toEqual([{ type: 'send-invite', gen: 1, challenge: expect.objectContaining({ status: 401 }) }]);
    expect(settled(effects[2]!)).toEqual({ kind: 'sip-final', sipStatus: 407 });
    expect(state.authTried).toBe(true);
  });

  it('401 without credentials is final', () => {
    expect(settled(feed([start, inv(401, { toTag: 'a' })]).effects[1]!)).toEqual({ kind: 'sip-final', sipStatus: 401 });
  });

  it('a 2xx to the superseded INVITE is ACKed and hung up; its other responses are ignored', () => {
    const s = initial({ canAuthenticate: true });
    const { state, effects } = feed(
      [start, inv(401, { toTag: 'a' }), inv(180, { toTag: 'a' }, 0), inv(200, { toTag: 'old', content: SDP() }, 0)],
      s,
    );
    expect(effects[2]).toEqual([]);
    expect(types(effects[3]!)).toEqual(['ack-and-bye']);
    expect(state.phase).toBe('calling');
    expect(state.dialog).toBeUndefined();
  });
});

describe('SIP call core: ring timeout and CANCEL', () => {
  it('ring timeout while proceeding: CANCEL with timer C; 487 → ring-timeout', () => {
    const { state, effects } = feed([
      start,
      inv(180, { toTag: 'a' }),
      { type: 'ring-timeout' },
      inv(487, { toTag: 'a' }),
    ]);
    expect(types(effects[2]!)).toEqual(['log:SIP CANCEL', 'send-cancel', 'start-timer']);
    expect(effects[2]![2]).toMatchObject({ timer: 'cancel-give-up', ms: CANCEL_GIVE_UP_MS, unref: true });
    expect(settled(effects[3]!)).toEqual({ kind: 'ring-timeout' });
    expect(state.cancelSent).toBe(true);
  });

  it('ring timeout with nothing heard: unreachable, no CANCEL', () => {
    const { effects } = feed([start, { type: 'ring-timeout' }]);
    expect(types(effects[1]!)).toEqual(['log:SIP trunk silent for the whole ring time', 'clear-ring-timer', 'settle']);
    expect(settled(effects[1]!)).toEqual({ kind: 'unreachable', reason: 'no response from the SIP trunk' });
  });

  it('a CANCEL is sent once, even if the ring timer and an abort both fire', () => {
    const { effects } = feed([
      start,
      inv(180, { toTag: 'a' }),
      { type: 'ring-timeout' },
      { type: 'abort' },
      inv(183, { toTag: 'a' }),
    ]);
    expect(effects.flat().filter((e) => e.type === 'send-cancel')).toHaveLength(1);
  });

  it('timer C fires with no final response: ring-timeout; after a final response it is ignored', () => {
    const cancelled = feed([start, inv(180, { toTag: 'a' }), { type: 'ring-timeout' }]).state;
    expect(settled(sipCallTransition(cancelled, { type: 'cancel-give-up' }).effects)).toEqual({ kind: 'ring-timeout' });
    const ended = sipCallTransition(cancelled, inv(487, { toTag: 'a' })).state;
    expect(sipCallTransition(ended, { type: 'cancel-give-up' }).effects).toEqual([]);
  });

  it('CANCEL crossing a 200 OK: the 2xx is ACKed and BYEd, the call ends ring-timeout after the BYE', () => {
    const { state, effects } = feed([start, inv(180, { toTag: 'a' }), { type: 'ring-timeout' }, ok('a')]);
    expect(types(effects[3]!)).toEqual(['establish-dialog', 'clear-ring-timer', 'send-ack', 'send-bye']);
    expect(effects[3]![3]).toEqual({ type: 'send-bye', then: { type: 'hung-up', ending: { kind: 'ring-timeout' } } });
    expect(state.phase).toBe('ending');
    // The BYE's answer ends it as given up ringing.
    expect(settled(sipCallTransition(state, { type: 'hung-up', ending: { kind: 'ring-timeout' } }).effects)).toEqual({
      kind: 'ring-timeout',
    });
  });

  it('a 200 OK after the call was given up (unreachable) is ACKed and hung up on its own', () => {
    const { effects } = feed([start, { type: 'ring-timeout' }, ok('late')]);
    expect(types(effects[2]!)).toEqual(['ack-and-bye']);
  });
});

describe('SIP call core: abort (worker shutdown)', () => {
  it('while proceeding: CANCEL with the short give-up; 487 → internal', () => {
    const { effects } = feed([start, inv(180, { toTag: 'a' }), { type: 'abort' }, inv(487, { toTag: 'a' })]);
    expect(effects[2]![2]).toMatchObject({ type: 'start-timer', timer: 'cancel-give-up', ms: ABORT_GIVE_UP_MS });
    expect(settled(effects[3]!)).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
  });

  it('before anything was heard: no CANCEL; a provisional response then sends it', () => {
    const { effects, state } = feed([start, { type: 'abort' }, inv(100)]);
    expect(effects[1]).toEqual([
      { type: 'start-timer', timer: 'abort-wait', ms: ABORT_WAIT_MS, unref: true, event: { type: 'abort-wait-over' } },
    ]);
    expect(types(effects[2]!)).toEqual(['log:SIP CANCEL', 'send-cancel', 'start-timer']);
    expect(sipCallTransition(state, { type: 'abort-wait-over' }).effects).toEqual([]); // proceeding by now
  });

  it('before anything was heard and nothing comes: let go after the short wait', () => {
    const { effects } = feed([start, { type: 'abort' }, { type: 'abort-wait-over' }]);
    expect(settled(effects[2]!)).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
  });

  it('a 401 after an abort is not answered with credentials', () => {
    const { effects } = feed([start, { type: 'abort' }, inv(401, { toTag: 'a' })], initial({ canAuthenticate: true }));
    expect(settled(effects[2]!)).toEqual({ kind: 'internal', reason: 'call cancelled while ringing' });
  });

  it('while answered: the prompt stops and ends as ended by the platform; while ending: nothing', () => {
    const { state, effects } = feed([
      ...answered,
      { type: 'abort' },
      { type: 'prompt-done', result: { packets: 5, interrupted: true }, plays: 1, codec: 'PCMU' },
    ]);
    expect(effects[3]).toEqual([{ type: 'stop-prompt' }]);
    expect(effects[4]![1]).toEqual({
      type: 'send-bye',
      then: { type: 'hung-up', ending: { kind: 'internal', reason: 'call ended by the platform during the prompt' } },
    });
    expect(sipCallTransition(state, { type: 'abort' }).effects).toEqual([]);
  });
});

describe('SIP call core: answers that cannot be used', () => {
  it('unparseable SDP: ACK, BYE, internal', () => {
    const { effects } = feed([start, ok('a', 'garbage')]);
    expect(types(effects[1]!)).toEqual([
      'establish-dialog',
      'clear-ring-timer',
      'send-ack',
      'log:unusable SDP answer; hanging up',
      'send-bye',
    ]);
    expect((effects[1]![4] as Extract<SipCallEffect, { type: 'send-bye' }>).then).toMatchObject({
      ending: { kind: 'internal', reason: expect.stringMatching(/^unusable SDP answer: /) },
    });
  });

  it('an answer on hold (c=0.0.0.0): hung up as unusable', () => {
    const { effects } = feed([start, ok('a', SDP('0.0.0.0'))]);
    expect((effects[1]![4] as Extract<SipCallEffect, { type: 'send-bye' }>).then).toEqual({
      type: 'hung-up',
      ending: { kind: 'internal', reason: 'unusable SDP answer: the answer puts the call on hold (c=0.0.0.0)' },
    });
  });

  it('a private media address without allowPrivateMedia: ACK, BYE, ended as 488; allowed, it plays', () => {
    const { effects } = feed([start, ok('a', SDP('127.0.0.1'))]);
    expect(types(effects[1]!)).toEqual([
      'establish-dialog',
      'clear-ring-timer',
      'send-ack',
      'log:media address refused; hanging up',
      'send-bye',
    ]);
    expect((effects[1]![4] as Extract<SipCallEffect, { type: 'send-bye' }>).then).toEqual({
      type: 'hung-up',
      ending: { kind: 'sip-final', sipStatus: 488 },
    });
    expect(feed([start, ok('a', SDP('127.0.0.1'))], initial({ allowPrivateMedia: true })).state.phase).toBe('answered');
  });

  it('a failure on the way to the end of the prompt: internal, then BYE; after the end only the BYE', () => {
    const { effects } = feed([...answered, { type: 'answer-failed', message: 'boom' }]);
    expect(types(effects[3]!)).toEqual(['log:answered call failed', 'clear-ring-timer', 'settle', 'send-bye']);
    expect(settled(effects[3]!)).toEqual({ kind: 'internal', reason: 'answered call failed: boom' });
    const ended = feed([
      ...answered,
      { type: 'hung-up', ending: { kind: 'completed', by: 'platform' } },
      { type: 'answer-failed', message: 'late' },
    ]);
    expect(types(ended.effects[4]!)).toEqual(['log:answered call failed', 'send-bye']);
  });
});

describe('SIP call core: retransmissions and forks', () => {
  it('a retransmitted 200 OK (same To tag) is only ACKed again; another tag is a second dialog, ended', () => {
    const { state, effects } = feed([...answered, ok('callee'), ok('fork')]);
    expect(effects[3]).toEqual([{ type: 'send-ack' }]);
    expect(types(effects[4]!)).toEqual(['ack-and-bye']);
    expect(state.phase).toBe('answered');
  });

  it('a stray 2xx to the INVITE (after its transaction) is ACKed when there is a dialog', () => {
    const { state } = feed(answered);
    expect(
      sipCallTransition(state, { type: 'stray-response', response: response(200, { toTag: 'callee' }) }).effects,
    ).toEqual([{ type: 'send-ack' }]);
    expect(
      sipCallTransition(state, { type: 'stray-response', response: response(200, { cseqMethod: 'BYE' }) }).effects,
    ).toEqual([]);
    expect(sipCallTransition(initial(), { type: 'stray-response', response: response(200) }).effects).toEqual([]);
  });
});

describe('SIP call core: requests from the far end', () => {
  const answeredState = feed(answered).state;
  const rq = (method: string, inDialog = true, content?: string): SipCallEvent => ({
    type: 'request',
    request: request(method, content),
    inDialog,
    from: '192.0.2.1',
    codec: 'PCMA',
  });

  it('BYE from the callee while answered: 200, completed by the callee, the prompt stops', () => {
    const t = sipCallTransition(answeredState, rq('BYE'));
    expect(types(t.effects)).toEqual([
      'respond',
      'log:SIP BYE from the callee',
      'clear-ring-timer',
      'settle',
      'stop-prompt',
    ]);
    expect(t.effects[0]).toMatchObject({ status: 200, reason: 'OK' });
    expect(settled(t.effects)).toEqual({ kind: 'completed', by: 'callee' });
    // The prompt's end then sends no BYE of ours.
    const after = sipCallTransition(t.state, {
      type: 'prompt-done',
      result: { packets: 1, interrupted: true },
      plays: 1,
      codec: 'PCMA',
    });
    expect(types(after.effects)).toEqual(['log:prompt sent']);
  });

  it('BYE while our own BYE is out (ending) or before the ACK went out: 200 only, the outcome stands', () => {
    const ending = feed([
      ...answered,
      { type: 'prompt-done', result: { packets: 1, interrupted: false }, plays: 1, codec: 'PCMA' },
    ]).state;
    expect(types(sipCallTransition(ending, rq('BYE')).effects)).toEqual(['respond']);
    const hangingUp = feed([start, ok('a', 'garbage')]).state;
    expect(types(sipCallTransition(hangingUp, rq('BYE')).effects)).toEqual(['respond']);
  });

  it('BYE before our ACK went out (answered at once on the 2xx): completed by the callee, the prompt stopped', () => {
    // The phase is `answered` as soon as the 2xx is handled, before the ACK's destination is resolved.
    const [, ...rest] = sipCallTransition(answeredState, rq('BYE')).effects;
    expect(types(rest)).toContain('stop-prompt');
    expect(settled(rest)).toEqual({ kind: 'completed', by: 'callee' });
  });

  it('BYE or INVITE outside the dialog: 481, nothing else', () => {
    for (const method of ['BYE', 'INVITE']) {
      const t = sipCallTransition(answeredState, rq(method, false));
      expect(types(t.effects)).toEqual(['log:SIP in-dialog request refused: not this dialog', 'respond']);
      expect(t.effects[1]).toMatchObject({ status: 481 });
      expect(t.state).toBe(answeredState);
    }
  });

  it('re-INVITE: moves media, holds, re-offers without SDP, refuses a bad offer with 488', () => {
    expect(types(sipCallTransition(answeredState, rq('INVITE', true, SDP('93.184.216.35', 41000, 8))).effects)).toEqual(
      ['connect-media', 'log:SIP re-INVITE: media moved', 'respond-reinvite'],
    );
    expect(types(sipCallTransition(answeredState, rq('INVITE', true, SDP('0.0.0.0', 41000, 8))).effects)).toEqual([
      'hold-media',
      'log:SIP re-INVITE: on hold',
      'respond-reinvite',
    ]);
    expect(types(sipCallTransition(answeredState, rq('INVITE')).effects)).toEqual(['respond-reinvite']);
    const refused = sipCallTransition(answeredState, rq('INVITE', true, SDP('93.184.216.35', 70000, 8)));
    expect(types(refused.effects)).toEqual(['log:re-INVITE refused', 'respond']);
    expect(refused.effects[1]).toMatchObject({ status: 488 });
  });

  it('an in-dialog INVITE when not answered, and other methods: 405; OPTIONS: 200', () => {
    const ending = feed([start, ok('a', 'garbage')]).state;
    expect(sipCallTransition(ending, rq('INVITE')).effects).toEqual([
      expect.objectContaining({ type: 'respond', status: 405 }),
    ]);
    expect(sipCallTransition(answeredState, rq('INFO')).effects).toEqual([
      expect.objectContaining({ status: 405, reason: 'Method Not Allowed' }),
    ]);
    expect(sipCallTransition(answeredState, rq('OPTIONS')).effects).toEqual([
      expect.objectContaining({ status: 200, reason: 'OK' }),
    ]);
  });
});

describe('SIP call core: events that change nothing', () => {
  it('after the end, timers, aborts and provisional responses are no-ops; the outcome is settled once', () => {
    const ended = feed([start, inv(486, { toTag: 'a' })]).state;
    for (const event of [
      { type: 'ring-timeout' },
      { type: 'abort' },
      { type: 'cancel-give-up' },
      { type: 'abort-wait-over' },
      { type: 'hung-up', ending: { kind: 'ring-timeout' } },
    ] as SipCallEvent[]) {
      expect(sipCallTransition(ended, event)).toEqual({ state: ended, effects: [] });
    }
    expect(sipCallTransition(ended, inv(180, { toTag: 'a' })).effects.filter((e) => e.type === 'settle')).toEqual([]);
  });

  it('ring timeout once answered does nothing', () => {
    const state = feed(answered).state;
    expect(sipCallTransition(state, { type: 'ring-timeout' })).toEqual({ state, effects: [] });
  });
});
