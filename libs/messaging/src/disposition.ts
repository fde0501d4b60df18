import { currentRequestId, REQUEST_ID_HEADER, saneRequestId } from '#libs/runtime';

/** What a handler decides about a message once its effect is committed (or not). */
export type Disposition =
  | { action: 'ack' }
  /** Try again after the queue's retry delay (transient trouble: database down, peer busy). */
  | { action: 'retry'; reason: string }
  /** Never processable (malformed): park it in the dead-letter queue for an operator. */
  | { action: 'dead'; reason: string };

/** How many times a message went through its queue's delay queue (set on each retry publish). */
export const RETRY_HEADER = 'x-verigate-retries';

/** What the consumer does with a delivery once its disposition is known. */
export type Settlement =
  | { kind: 'ack' }
  /** Publish a copy to the retry exchange (routed by queue name) with `headers`, then ack the original. */
  | { kind: 'retry'; headers: Record<string, unknown> }
  /** Nack without requeue: the queue dead-letters it into `<queue>.dead` (an RPC queue drops it). */
  | { kind: 'dead'; reason: string };

/** The retry count a delivery carries (0 when absent or not a number). */
export function retriesOf(headers: Record<string, unknown>): number {
  return Number(headers[RETRY_HEADER] ?? 0) || 0;
}

/**
 * The decision table: `ack` acks; `retry` goes through the delay queue while `retries` is below
 * `maxRetries` (Infinity by default: a PostgreSQL outage must not dead-letter accepted work), and
 * is dead-lettered after that; `dead` is dead-lettered.
 */
export function settle(disposition: Disposition, headers: Record<string, unknown>, maxRetries: number): Settlement {
  const retries = retriesOf(headers);
  if (disposition.action === 'ack') return { kind: 'ack' };
  if (disposition.action === 'retry' && retries < maxRetries)
    return { kind: 'retry', headers: { ...headers, [RETRY_HEADER]: retries + 1 } };
  const reason =
    disposition.action === 'retry' ? `gave up after ${retries} retries: ${disposition.reason}` : disposition.reason;
  return { kind: 'dead', reason };
}

/** A handler that throws is treated as `retry`, its message as the reason. */
export function dispositionOfError(error: unknown): Disposition {
  return { action: 'retry', reason: error instanceof Error ? error.message : String(error) };
}

/** Backoff of re-opening a channel or re-attaching a consumer: 0.5 s, 1 s, 2 s, 4 s, then 5 s. */
export function reopenDelayMs(attempt: number): number {
  return Math.min(5000, 500 * 2 ** attempt);
}

/** `headers` with the request id of the current context added, unless they carry a (sane) one already. */
export function withRequestId(
  headers: Record<string, unknown> | undefined,
  requestId = currentRequestId(),
): Record<string, unknown> {
  const own = saneRequestId(headers?.[REQUEST_ID_HEADER]);
  const id = own ?? requestId;
  return id ? { ...headers, [REQUEST_ID_HEADER]: id } : { ...headers };
}
