import type { CallEventType } from '#libs/contracts';

/**
 * Call states as the customer sees them: callout → alerting → answer → disconnect, or
 * callout → (alerting) → disconnect on failure. The worker asks the machine before recording an
 * event, so a carrier that reports out of order cannot produce an impossible event stream.
 */
const NEXT: Record<CallEventType | 'start', readonly CallEventType[]> = {
  start: ['callout'],
  callout: ['alerting', 'disconnect'],
  alerting: ['answer', 'disconnect'],
  answer: ['disconnect'],
  disconnect: [],
};

export class CallStateMachine {
  private current: CallEventType | 'start' = 'start';

  get state(): CallEventType | 'start' {
    return this.current;
  }

  can(event: CallEventType): boolean {
    return NEXT[this.current].includes(event);
  }

  /** Moves to `event`; throws on an impossible transition (a carrier bug). */
  advance(event: CallEventType): void {
    if (!this.can(event)) throw new Error(`illegal call transition ${this.current} → ${event}`);
    this.current = event;
  }
}
