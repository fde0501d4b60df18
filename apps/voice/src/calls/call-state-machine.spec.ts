import { describe, expect, it } from '@jest/globals';
import { CallStateMachine } from './call-state-machine.js';

describe('call state machine', () => {
  it('allows callout → alerting → answer → disconnect', () => {
    const m = new CallStateMachine();
    for (const e of ['callout', 'alerting', 'answer', 'disconnect'] as const) m.advance(e);
    expect(m.state).toBe('disconnect');
  });

  it('allows failure straight after callout or alerting', () => {
    const a = new CallStateMachine();
    a.advance('callout');
    a.advance('disconnect');
    const b = new CallStateMachine();
    b.advance('callout');
    b.advance('alerting');
    b.advance('disconnect');
    expect([a.state, b.state]).toEqual(['disconnect', 'disconnect']);
  });

  it('refuses impossible transitions', () => {
    const m = new CallStateMachine();
    expect(() => m.advance('answer')).toThrow('illegal call transition start → answer');
    m.advance('callout');
    expect(m.can('answer')).toBe(false);
    m.advance('disconnect');
    expect(m.can('alerting')).toBe(false);
  });
});
