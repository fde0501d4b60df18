/**
 * The log lines of webhook attempts, as data (pure, so tests pin them). Lines carry identifiers,
 * the receiving host (never the URL: it may hold credentials), the HTTP status and a one-line
 * error text; never a body, header or secret.
 */
import type { ClaimedDelivery } from './claimed-delivery.js';
import type { RecordedAttempt } from './delivery-attempts.repository.js';
import type { AttemptDecision } from './delivery-transitions.js';
import type { PostResult } from './webhook-client.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** The identifiers every line of an attempt carries. */
export function attemptFields(
  delivery: Pick<ClaimedDelivery, 'id' | 'sessionId' | 'stream' | 'seq' | 'requestId'>,
): Record<string, unknown> {
  return {
    sessionId: delivery.sessionId,
    deliveryId: delivery.id,
    stream: delivery.stream,
    seq: delivery.seq,
    ...(delivery.requestId ? { requestId: delivery.requestId } : {}),
  };
}

/** After a parked delivery's lease was given back; null when nothing is logged (no slot because shutdown began). */
export function parkedLine(
  decision: Extract<AttemptDecision, { action: 'park' }>,
  fields: Record<string, unknown>,
  host: string,
  stopped: boolean,
): LogLine | null {
  if (decision.reason === 'secrets-unavailable') {
    return {
      level: 'warn',
      message: 'could not load the signing secrets; delivery left for later',
      fields: { ...fields, error: decision.error },
    };
  }
  return stopped
    ? null
    : { level: 'info', message: 'no request slot for the host; delivery left for later', fields: { ...fields, host } };
}

export function droppedLine(fields: Record<string, unknown>): LogLine {
  return { level: 'info', message: 'webhook delivery abandoned by shutdown', fields };
}

/** Recording failed on every try: the lease expires and the request is sent again. */
export function unrecordedLine(fields: Record<string, unknown>, ok: boolean, error: string): LogLine {
  return {
    level: 'error',
    message: 'could not record a webhook attempt; it will be sent again when its lease expires',
    fields: { ...fields, ok, error },
  };
}

/** The line of a recorded attempt (null `recorded`: someone else settled the delivery after this lease ran out). */
export function recordedLine(
  fields: Record<string, unknown>,
  host: string,
  result: Pick<PostResult, 'durationMs' | 'httpStatus' | 'error' | 'permanent'>,
  recorded: RecordedAttempt | null,
): LogLine {
  if (!recorded) return { level: 'warn', message: 'webhook delivery was settled elsewhere while in flight', fields };
  const logged = {
    ...fields,
    attempt: recorded.attempt,
    durationMs: result.durationMs,
    host,
    ...(result.httpStatus !== null ? { httpStatus: result.httpStatus } : {}),
    ...(result.error !== null ? { error: result.error } : {}),
  };
  if (recorded.status === 'delivered') return { level: 'debug', message: 'webhook delivered', fields: logged };
  if (recorded.status === 'failed')
    return {
      level: 'warn',
      message: 'webhook delivery failed for good',
      fields: { ...logged, permanent: result.permanent },
    };
  return {
    level: 'info',
    message: 'webhook attempt failed; will retry',
    fields: { ...logged, nextAttemptAt: recorded.nextAttemptAt },
  };
}
