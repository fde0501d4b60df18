import type { CallEnding } from '#libs/contracts';
import type { Carrier, CallProgress, CallRequest } from '../carrier.js';

/**
 * A simulated callee network (docs/contract.md#the-call). The last three digits of the callee number choose how the
 * network answers, as a SIP network would: 486 busy, 480 unavailable, 404 no such number,
 * 408 no answer, 603 rejected while ringing. Any other number rings, answers and hears the
 * whole prompt (`promptMs` per play, `times` plays).
 */
export const SIM_FAILURES: ReadonlyMap<string, { sipStatus: number; ringsFirst: boolean }> = new Map([
  ['486', { sipStatus: 486, ringsFirst: false }],
  ['480', { sipStatus: 480, ringsFirst: false }],
  ['404', { sipStatus: 404, ringsFirst: false }],
  ['408', { sipStatus: 408, ringsFirst: true }],
  ['603', { sipStatus: 603, ringsFirst: true }],
]);

export class SimCarrier implements Carrier {
  readonly name = 'sim';

  constructor(private readonly timing: { ringMs: number; promptMs: number }) {}

  async placeCall(request: CallRequest, progress: CallProgress, signal: AbortSignal): Promise<CallEnding> {
    const failure = SIM_FAILURES.get(request.callee.slice(-3));
    if (failure && !failure.ringsFirst) {
      return { kind: 'sip-final', sipStatus: failure.sipStatus };
    }
    await progress.onAlerting();
    // A callee that would ring longer than the ring timeout is given up on (CANCEL → 487).
    if (this.timing.ringMs > request.ringTimeoutMs) {
      if (!(await this.wait(request.ringTimeoutMs, signal)))
        return { kind: 'internal', reason: 'call cancelled while ringing' };
      return { kind: 'ring-timeout' };
    }
    if (!(await this.wait(this.timing.ringMs, signal)))
      return { kind: 'internal', reason: 'call cancelled while ringing' };
    if (failure) return { kind: 'sip-final', sipStatus: failure.sipStatus };
    await progress.onAnswer();
    const plays =
      request.times === 0
        ? Math.max(1, Math.floor(request.maxCallMs / Math.max(1, this.timing.promptMs)))
        : request.times;
    const promptMs = Math.min(plays * this.timing.promptMs, request.maxCallMs);
    // Ended before the prompt was complete (worker shutdown): the callee may not have heard the code.
    if (!(await this.wait(promptMs, signal)))
      return { kind: 'internal', reason: 'call ended by the platform during the prompt' };
    return { kind: 'completed', by: 'platform' };
  }

  /** Resolves true when the time passed, false when aborted first. */
  private wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
