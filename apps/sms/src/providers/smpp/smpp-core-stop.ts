import { log, ref, send, then, type Effect, type Result, type State } from './smpp-core-steps.js';

/** The SMPP reducer's stop sequence: drain, unbind, close (smppTransition dispatches here). */

/** stop(): no new work, queued segments fail, outstanding ones get stopDrainMs to be answered. */
export function stop<S, P>(s0: State<S>): Result<S, P> {
  if (s0.stopping) return { state: s0, effects: [] };
  const s: State<S> = { ...s0, stopping: true, stopPhase: 'draining', stopSession: s0.session, queue: [] };
  const effects: Effect<S, P>[] = [{ type: 'clear-timer', timer: 'reconnect' }];
  if (s0.queue.length)
    effects.push({
      type: 'reject',
      jobs: s0.queue.map(ref),
      error: { message: 'SMPP provider is stopping', transient: true },
    });
  effects.push({ type: 'wake' });
  if (s.stopSession === null) return then<S, P>({ state: s, effects }, stopped);
  return { state: s, effects: [...effects, { type: 'wait-drain', session: s.stopSession }] };
}

export function drained<S, P>(s: State<S>): Result<S, P> {
  if (s.stopPhase !== 'draining') return { state: s, effects: [] };
  const session = s.stopSession!;
  if (s.session === session && s.bound) {
    const unbinding: State<S> = { ...s, bound: false, stopPhase: 'unbinding' };
    return then(
      { state: unbinding, effects: [{ type: 'start-timer', timer: 'unbind', ms: s.settings.unbindWaitMs }] },
      (next) => send(next, session, { kind: 'unbind' }, { command: 'unbind' }),
    );
  }
  return closeStopped(s);
}

/** The unbind was answered, could not be written, or its wait ran out. */
export function unbindOver<S, P>(s: State<S>): Result<S, P> {
  if (s.stopPhase !== 'unbinding') return { state: s, effects: [] };
  const closed = closeStopped<S, P>(s);
  return {
    state: closed.state,
    effects: [{ type: 'clear-timer', timer: 'unbind' }, log('info', 'smpp unbound'), ...closed.effects],
  };
}

export function closeStopped<S, P>(s: State<S>): Result<S, P> {
  if (s.session === s.stopSession)
    return { state: { ...s, stopPhase: 'closing' }, effects: [{ type: 'destroy-and-wait', session: s.stopSession! }] };
  return stopped(s);
}

export function stopped<S, P>(s: State<S>): Result<S, P> {
  return {
    state: { ...s, stopPhase: 'stopped' },
    effects: (['connect', 'enquire', 'pause', 'watchdog'] as const)
      .map((timer): Effect<S, P> => ({ type: 'clear-timer', timer }))
      .concat({ type: 'stopped' }),
  };
}
