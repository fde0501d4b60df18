import { describe, expect, it } from '@jest/globals';
import { initialSmppState, smppTransition } from './smpp-core.js';
import {
  DEFAULT_TIMINGS,
  ESME_RINVCMDID,
  ESME_ROK,
  ESME_RSYSERR,
  ESME_RTHROTTLED,
  ESME_RX_T_APPN,
  type SmppEffect,
  type SmppEvent,
  type SmppRequest,
  type SmppState,
} from './smpp-core-types.js';

type S = string;
type P = { id: string };
type Effect = SmppEffect<S, P>;
type Event = SmppEvent<S, P>;

const SETTINGS = { ...DEFAULT_TIMINGS, window: 2, responseTimeoutMs: 1000, enquireLinkSeconds: 30 };
const ESME_RINVDSTADR = 0x0b;

/**
 * A small driver standing in for the shell: feeds events, and answers every `send` effect at once
 * with `sent` (or `unsent` when told), as the shell does synchronously.
 */
class Driver {
  state: SmppState<S> = initialSmppState<S>(SETTINGS);
  effects: Effect[] = [];
  unsendable = false;
  /** The time of the last event that had one: `sent` happens at once, at the same time. */
  clock = 0;

  feed(event: Event): Effect[] {
    if ('now' in event) this.clock = event.now;
    const before = this.effects.length;
    this.apply(event);
    return this.effects.slice(before);
  }

  private apply(event: Event): void {
    const { state, effects } = smppTransition<S, P>(this.state, event);
    this.state = state;
    for (const effect of effects) {
      this.effects.push(effect);
      if (effect.type === 'send') {
        this.apply(
          this.unsendable
            ? { type: 'unsent', requestId: effect.requestId, request: effect.request, session: effect.session }
            : { type: 'sent', requestId: effect.requestId, request: effect.request, now: this.clock },
        );
      }
    }
  }

  sends = (effects = this.effects) => effects.filter((e): e is Extract<Effect, { type: 'send' }> => e.type === 'send');

  /** Connected and bound on session `s`, at time 0. */
  bind(session: S = 's1'): this {
    this.feed({ type: 'start', now: 0 });
    this.feed({ type: 'opened', session, now: 0 });
    const [bind] = this.sends(this.feed({ type: 'connected', session }));
    this.feed({
      type: 'response',
      requestId: bind!.requestId,
      request: bind!.request,
      session,
      status: ESME_ROK,
      now: 0,
    });
    return this;
  }

  respond(send: Extract<Effect, { type: 'send' }>, status: number, now = 0, ...messageId: unknown[]): Effect[] {
    return this.feed({
      type: 'response',
      requestId: send.requestId,
      request: send.request,
      session: send.session,
      status,
      messageId: messageId.length ? messageId[0] : `id-${send.requestId}`,
      now,
    });
  }
}

const submit = (message: number, segments = 1, now = 0): Event => ({
  type: 'submit',
  message,
  segments: Array.from({ length: segments }, (_, i) => ({ part: i })),
  now,
});
const types = (effects: Effect[]) =>
  effects.map((e) => (e.type === 'log' ? `log:${e.message}` : e.type === 'send' ? `send:${e.pdu.command}` : e.type));
const jobOf = (send: Extract<Effect, { type: 'send' }>) =>
  (send.request as Extract<SmppRequest, { kind: 'submit_sm' }>).job;

describe('SMPP core: connection and bind', () => {
  it('start: the watchdog, then a session; opened arms the connect timer; connected sends bind_transceiver', () => {
    const d = new Driver();
    expect(d.feed({ type: 'start', now: 0 })).toEqual([
      { type: 'start-timer', timer: 'watchdog', ms: 250, repeat: true },
      { type: 'open-session' },
    ]);
    expect(d.feed({ type: 'opened', session: 's1', now: 5 })).toEqual([
      { type: 'start-timer', timer: 'connect', ms: 1000, session: 's1' },
    ]);
    expect(types(d.feed({ type: 'connected', session: 's1' }))).toEqual(['send:bind_transceiver']);
    expect(d.state.requests.size).toBe(1);
  });

  it('bind_resp 0: bound, attempts reset, enquire_link armed, waiters woken', () => {
    const d = new Driver().bind();
    expect(d.state.bound).toBe(true);
    expect(types(d.effects.slice(-4))).toEqual(['clear-timer', 'log:smpp bound', 'start-timer', 'wake']);
    expect(d.effects.find((e) => e.type === 'start-timer' && e.timer === 'enquire')).toEqual({
      type: 'start-timer',
      timer: 'enquire',
      ms: 30_000,
      session: 's1',
      repeat: true,
    });
  });

  it('bind refused: logged with the attempt, the session destroyed; close → reconnect with doubling back-off', () => {
    const d = new Driver();
    d.feed({ type: 'start', now: 0 });
    for (const [attempt, delayMs] of [
      [1, 500],
      [2, 1000],
      [3, 2000],
    ] as const) {
      const session = `s${attempt}`;
      d.feed({ type: 'opened', session, now: 0 });
      const [bind] = d.sends(d.feed({ type: 'connected', session }));
      expect(d.respond(bind!, 0x0e)).toEqual([
        { type: 'log', level: 'warn', message: 'smpp bind refused', fields: { status: 'ESME_RINVPASWD', attempt } },
        { type: 'destroy', session },
      ]);
      const closed = d.feed({ type: 'closed', session });
      expect(closed.slice(-2)).toEqual([
        { type: 'log', level: 'info', message: 'smpp reconnecting', fields: { attempt, delayMs } },
        { type: 'start-timer', timer: 'reconnect', ms: delayMs },
      ]);
      expect(d.feed({ type: 'connect' })).toEqual([{ type: 'open-session' }]);
    }
  });

  it('the connect timer destroys a session that did not bind in time; a bound or stale one is left alone', () => {
    const d = new Driver();
    d.feed({ type: 'start', now: 0 });
    d.feed({ type: 'opened', session: 's1', now: 0 });
    expect(types(d.feed({ type: 'connect-timeout', session: 's1' }))).toEqual([
      'log:smpp connect/bind timed out',
      'destroy',
    ]);
    expect(d.feed({ type: 'connect-timeout', session: 'old' })).toEqual([]);
    expect(new Driver().bind().feed({ type: 'connect-timeout', session: 's1' })).toEqual([]);
  });

  it('a session error is logged and the session destroyed; a close of a stale session changes nothing', () => {
    const d = new Driver().bind();
    expect(d.feed({ type: 'session-error', session: 's1', message: 'ECONNRESET' })).toEqual([
      { type: 'log', level: 'warn', message: 'smpp connection error', fields: { error: 'ECONNRESET' } },
      { type: 'destroy', session: 's1' },
    ]);
    expect(d.feed({ type: 'closed', session: 'other' })).toEqual([]);
  });
});

describe('SMPP core: submit_sm window and answers', () => {
  it('never more than `window` outstanding; the rest go out in order as answers come', () => {
    const d = new Driver().bind();
    const first = d.sends(d.feed(submit(1, 3)));
    expect(first.map((s) => jobOf(s).segment)).toEqual([0, 1]);
    expect(d.state.outstandingSubmits).toBe(2);
    expect(d.state.queue).toHaveLength(1);
    const next = d.respond(first[0]!, ESME_ROK);
    expect(types(next)).toEqual(['resolve', 'wake', 'send:submit_sm']);
    expect(next[0]).toEqual({ type: 'resolve', message: 1, segment: 0, providerId: `id-${first[0]!.requestId}` });
    expect(jobOf(d.sends(next)[0]!).segment).toBe(2);
  });

  it('a missing message_id resolves as an empty id', () => {
    const d = new Driver().bind();
    const [send] = d.sends(d.feed(submit(1)));
    expect(d.respond(send!, ESME_ROK, 0, undefined)[0]).toMatchObject({ providerId: '' });
  });

  it("a permanent refusal rejects with the ESME name and drops the message's queued segments", () => {
    const d = new Driver().bind();
    const [a] = d.sends(d.feed(submit(1, 4)));
    const effects = d.respond(a!, ESME_RINVDSTADR);
    expect(effects[0]).toEqual({
      type: 'reject',
      jobs: [
        { message: 1, segment: 0 },
        { message: 1, segment: 2 },
        { message: 1, segment: 3 },
      ],
      error: { message: 'SMSC refused submit_sm: ESME_RINVDSTADR', transient: false, providerCode: 'ESME_RINVDSTADR' },
    });
    expect(d.state.queue).toEqual([]);
  });

  it('a system error is transient', () => {
    const d = new Driver().bind();
    const [a] = d.sends(d.feed(submit(1)));
    expect(d.respond(a!, ESME_RSYSERR)[0]).toMatchObject({ error: { transient: true, providerCode: 'ESME_RSYSERR' } });
  });

  it('a submit while not bound waits in the queue until bind', () => {
    const d = new Driver();
    d.feed({ type: 'start', now: 0 });
    d.feed({ type: 'opened', session: 's1', now: 0 });
    expect(d.feed(submit(1))).toEqual([]);
    const [bind] = d.sends(d.feed({ type: 'connected', session: 's1' }));
    expect(types(d.respond(bind!, ESME_ROK)).at(-1)).toBe('send:submit_sm');
  });

  it('a submit_sm the socket refuses goes back to the head of the queue and the session is destroyed', () => {
    const d = new Driver().bind();
    d.unsendable = true;
    const effects = d.feed(submit(1, 2));
    expect(types(effects)).toEqual(['send:submit_sm', 'destroy']);
    expect(d.state.queue.map((j) => j.segment)).toEqual([0, 1]);
    expect(d.state.outstandingSubmits).toBe(0);
  });
});

describe('SMPP core: throttling', () => {
  // Times are milliseconds of a clock that starts above 0, as Date.now() does.
  it('ESME_RTHROTTLED pauses, doubling while it goes on, and the PDU goes back to its place', () => {
    const d = new Driver().bind();
    const [a, b] = d.sends(d.feed(submit(1, 3, 5)));
    const first = d.respond(a!, ESME_RTHROTTLED, 10);
    expect(first[0]).toEqual({
      type: 'log',
      level: 'warn',
      message: 'smpp throttled, pausing submissions',
      fields: { status: 'ESME_RTHROTTLED', pauseMs: 1000 },
    });
    expect(d.state.queue.map((j) => j.segment)).toEqual([0, 2]);
    expect(first.find((e) => e.type === 'start-timer')).toEqual({ type: 'start-timer', timer: 'pause', ms: 1000 });
    // b was sent before the pause began: the same episode, no escalation, no second timer.
    const second = d.respond(b!, ESME_RTHROTTLED, 20);
    expect(types(second)).toEqual(['wake']);
    expect(d.state.queue.map((j) => j.segment)).toEqual([0, 1, 2]);
    const resent = d.sends(d.feed({ type: 'pause-over', now: 1010 }));
    expect(resent.map((s) => jobOf(s).segment)).toEqual([0, 1]);
    const again = d.respond(resent[0]!, ESME_RTHROTTLED, 1020);
    expect(again[0]).toMatchObject({ fields: { pauseMs: 2000 } });
    const ok = d.respond(resent[1]!, ESME_ROK, 1030);
    expect(types(ok)).toEqual(['resolve', 'wake']); // still paused
    expect(d.state.throttleMs).toBe(0); // an accepted PDU ends the episode
  });

  it('a message throttled for longer than the limit fails transient', () => {
    const d = new Driver().bind();
    const [a] = d.sends(d.feed(submit(1, 1, 0)));
    expect(d.respond(a!, ESME_RTHROTTLED, DEFAULT_TIMINGS.throttleGiveUpMs + 1)[0]).toMatchObject({
      type: 'reject',
      error: { transient: true, providerCode: 'ESME_RTHROTTLED' },
    });
  });
});

describe('SMPP core: connection loss and reconnect', () => {
  it('a close with submits in flight fails them and the queued ones transient, once, and reconnects', () => {
    const d = new Driver().bind();
    d.feed(submit(1, 3));
    const effects = d.feed({ type: 'closed', session: 's1' });
    expect(types(effects)).toEqual([
      'clear-timer',
      'clear-timer',
      'clear-timer',
      'reject',
      'log:smpp connection lost',
      'wake',
      'log:smpp reconnecting',
      'start-timer',
    ]);
    expect(effects[3]).toEqual({
      type: 'reject',
      jobs: [
        { message: 1, segment: 0 },
        { message: 1, segment: 1 },
        { message: 1, segment: 2 },
      ],
      error: { message: 'SMPP connection lost', transient: true },
    });
    expect(effects[4]).toMatchObject({ fields: { failedSegments: 2 } });
    expect(d.state).toMatchObject({
      session: null,
      bound: false,
      outstandingSubmits: 0,
      queue: [],
      requests: new Map(),
    });
  });

  it('reconnect while submits were in flight: the new session starts with an empty window and a fresh back-off', () => {
    const d = new Driver().bind();
    d.feed(submit(1, 2));
    d.feed({ type: 'closed', session: 's1' });
    d.feed({ type: 'connect' });
    d.feed({ type: 'opened', session: 's2', now: 0 });
    d.respond(d.sends(d.feed({ type: 'connected', session: 's2' }))[0]!, ESME_ROK);
    expect(d.state).toMatchObject({ session: 's2', bound: true, attempts: 0, outstandingSubmits: 0 });
    expect(d.sends(d.feed(submit(2, 2))).map((x) => x.session)).toEqual(['s2', 's2']);
  });

  it("the SMSC's unbind is answered and the session closed after it; PDUs of a stale session are ignored", () => {
    const d = new Driver().bind();
    const pdu = { id: 'u' };
    const effects = d.feed({
      type: 'pdu',
      session: 's1',
      incoming: { pdu, command: 'unbind', isResponse: false },
      now: 5,
    });
    expect(effects).toEqual([
      { type: 'log', level: 'warn', message: 'smpp unbind from the SMSC', fields: {} },
      { type: 'respond', session: 's1', pdu, thenClose: true },
    ]);
    expect(d.state.bound).toBe(false);
    expect(
      d.feed({ type: 'pdu', session: 'old', incoming: { pdu, command: 'enquire_link', isResponse: false }, now: 6 }),
    ).toEqual([]);
  });
});

describe('SMPP core: link supervision', () => {
  it('enquire_link from the SMSC is answered; unknown commands get ESME_RINVCMDID; alert_notification nothing', () => {
    const d = new Driver().bind();
    const pdu = { id: 'x' };
    expect(
      d.feed({ type: 'pdu', session: 's1', incoming: { pdu, command: 'enquire_link', isResponse: false }, now: 1 }),
    ).toEqual([{ type: 'respond', session: 's1', pdu }]);
    expect(
      d.feed({ type: 'pdu', session: 's1', incoming: { pdu, command: 'query_sm', isResponse: false }, now: 1 }),
    ).toEqual([{ type: 'respond', session: 's1', pdu, status: ESME_RINVCMDID }]);
    expect(
      d.feed({
        type: 'pdu',
        session: 's1',
        incoming: { pdu, command: 'alert_notification', isResponse: false },
        now: 1,
      }),
    ).toEqual([]);
  });

  it('one enquire_link probe at a time, only when bound on the current session', () => {
    const d = new Driver().bind();
    expect(types(d.feed({ type: 'enquire-tick', session: 's1', now: 10 }))).toEqual(['send:enquire_link']);
    expect(d.feed({ type: 'enquire-tick', session: 's1', now: 20 })).toEqual([]);
    expect(types(d.feed({ type: 'enquire-tick', session: 's1', now: 2000 }))).toEqual(['send:enquire_link']);
    expect(d.feed({ type: 'enquire-tick', session: 'old', now: 9000 })).toEqual([]);
  });

  it('the watchdog drops a link silent past the timeout, or sitting on a request 3× the timeout', () => {
    const d = new Driver().bind();
    d.feed(submit(1)); // sent at 0
    expect(d.feed({ type: 'watchdog-tick', now: 900 })).toEqual([]);
    expect(types(d.feed({ type: 'watchdog-tick', now: 1500 }))).toEqual([
      'log:smpp no response, dropping the connection',
      'destroy',
    ]);
    const busy = new Driver().bind();
    busy.feed(submit(1));
    busy.feed({
      type: 'pdu',
      session: 's1',
      incoming: { pdu: { id: 'e' }, command: 'enquire_link', isResponse: false },
      now: 2900,
    });
    expect(busy.feed({ type: 'watchdog-tick', now: 2950 })).toEqual([]);
    expect(busy.feed({ type: 'watchdog-tick', now: 3100 })[0]).toMatchObject({
      fields: { waitedMs: 3100, outstanding: 1 },
    });
  });
});

describe('SMPP core: delivery receipts', () => {
  const receipt = { providerId: 'p1', status: 'delivered' as const, doneAt: null, errorCode: null };

  it('a receipt is stored first and acknowledged only then; a failed store asks for a retry', () => {
    const d = new Driver().bind();
    const pdu = { id: 'dr' };
    expect(
      d.feed({
        type: 'pdu',
        session: 's1',
        incoming: { pdu, command: 'deliver_sm', isResponse: false, deliver: { receipt, esmClass: 4 } },
        now: 1,
      }),
    ).toEqual([{ type: 'store-receipt', session: 's1', pdu, receipt }]);
    expect(d.feed({ type: 'receipt-stored', session: 's1', pdu, providerId: 'p1' })).toEqual([
      { type: 'respond', session: 's1', pdu },
    ]);
    expect(d.feed({ type: 'receipt-stored', session: 's1', pdu, providerId: 'p1', error: 'db down' })).toEqual([
      {
        type: 'log',
        level: 'warn',
        message: 'smpp receipt not stored, asking the SMSC to retry',
        fields: { providerId: 'p1', error: 'db down' },
      },
      { type: 'respond', session: 's1', pdu, status: ESME_RX_T_APPN },
    ]);
  });

  it('a receipt arriving before its submit_sm_resp is stored all the same (the use-case matches it later)', () => {
    const d = new Driver().bind();
    const [send] = d.sends(d.feed(submit(1)));
    const pdu = { id: 'early' };
    expect(
      types(
        d.feed({
          type: 'pdu',
          session: 's1',
          incoming: { pdu, command: 'deliver_sm', isResponse: false, deliver: { receipt, esmClass: 4 } },
          now: 1,
        }),
      ),
    ).toEqual(['store-receipt']);
    expect(types(d.respond(send!, ESME_ROK))).toEqual(['resolve', 'wake']);
  });

  it('a mobile-originated deliver_sm is acknowledged without storing', () => {
    const d = new Driver().bind();
    const pdu = { id: 'mo' };
    expect(
      d.feed({
        type: 'pdu',
        session: 's1',
        incoming: { pdu, command: 'deliver_sm', isResponse: false, deliver: { receipt: null, esmClass: 0 } },
        now: 1,
      }),
    ).toEqual([
      { type: 'log', level: 'info', message: 'smpp deliver_sm ignored (not a receipt)', fields: { esmClass: 0 } },
      { type: 'respond', session: 's1', pdu },
    ]);
  });
});

describe('SMPP core: stop', () => {
  it('queued segments fail, outstanding ones drain, then unbind, then the session is destroyed', () => {
    const d = new Driver().bind();
    d.feed(submit(1, 3)); // two out, one queued
    const stopping = d.feed({ type: 'stop' });
    expect(stopping).toEqual([
      { type: 'clear-timer', timer: 'reconnect' },
      {
        type: 'reject',
        jobs: [{ message: 1, segment: 2 }],
        error: { message: 'SMPP provider is stopping', transient: true },
      },
      { type: 'wake' },
      { type: 'wait-drain', session: 's1' },
    ]);
    expect(d.feed(submit(2))).toEqual(expect.not.arrayContaining([expect.objectContaining({ type: 'send' })]));
    const unbinding = d.feed({ type: 'drained' });
    expect(types(unbinding)).toEqual(['start-timer', 'send:unbind']);
    expect(d.state.bound).toBe(false);
    const [unbind] = d.sends(unbinding);
    expect(types(d.respond(unbind!, ESME_ROK))).toEqual(['clear-timer', 'log:smpp unbound', 'destroy-and-wait']);
    expect(d.feed({ type: 'unbind-over' })).toEqual([]); // the wait timer after the answer: nothing
    const done = d.feed({ type: 'destroyed' });
    expect(types(done)).toEqual(['clear-timer', 'clear-timer', 'clear-timer', 'clear-timer', 'stopped']);
    expect(d.feed({ type: 'stop' })).toEqual([]);
  });

  it('an unbind the SMSC never answers: the wait runs out, then the session is destroyed', () => {
    const d = new Driver().bind();
    d.feed({ type: 'stop' });
    d.feed({ type: 'drained' });
    expect(types(d.feed({ type: 'unbind-over' }))).toEqual(['clear-timer', 'log:smpp unbound', 'destroy-and-wait']);
  });

  it('stop while not connected: stopped at once, and no reconnect after a close', () => {
    const d = new Driver();
    d.feed({ type: 'start', now: 0 });
    expect(d.feed({ type: 'stop' }).at(-1)).toEqual({ type: 'stopped' });
    expect(d.feed({ type: 'connect' })).toEqual([]);
  });

  it('the connection drops while draining: no unbind, no destroy, stopped', () => {
    const d = new Driver().bind();
    d.feed(submit(1));
    d.feed({ type: 'stop' });
    const closed = d.feed({ type: 'closed', session: 's1' });
    expect(types(closed)).not.toContain('start-timer'); // no reconnect
    expect(types(d.feed({ type: 'drained' })).at(-1)).toBe('stopped');
  });
});
