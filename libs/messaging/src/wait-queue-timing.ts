/**
 * When a message waiting in a quorum work queue's wait queue (topology.ts waitQueueOf) is due to
 * go back to its work queue. The consumer that retries it stamps the due time (DUE_AT_HEADER, ms
 * since the epoch); the wait-queue pump (wait-queue-pump.ts) holds it until then. Pure.
 */
export const DUE_AT_HEADER = 'x-verigate-due-at';

/** The due-time header a retry republish carries: `now + delayMs`. */
export function dueAtHeader(now: number, delayMs: number): Record<string, number> {
  return { [DUE_AT_HEADER]: now + Math.max(0, delayMs) };
}

/**
 * How long the pump holds a message before sending it back: until its due time, never less than
 * 0 (overdue, or no usable header: due now), never more than `maxDelayMs` (the queue's retry
 * delay: a due time further ahead comes from a clock running ahead on the retrying host, and must
 * not park the message for longer than one delay).
 */
export function pumpWaitMs(headers: Record<string, unknown> | undefined, now: number, maxDelayMs: number): number {
  const raw = headers?.[DUE_AT_HEADER];
  const dueAt = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(dueAt)) return 0;
  return Math.min(Math.max(0, dueAt - now), Math.max(0, maxDelayMs));
}
