import type { PostResult } from './webhook-client.js';

/** Values of the `outcome` label of verigate_webhook_attempts_total. */
export type AttemptOutcome = 'ok' | 'http_error' | 'timeout' | 'network_error' | 'refused_address' | 'invalid_url';

/**
 * What an attempt came to, as a bounded label: `ok` (HTTP 200), `http_error` (any other status,
 * redirects included), `refused_address` (a non-public address while private ones are refused),
 * `invalid_url`, `timeout`, `network_error` (DNS, refused connection, reset…). null: cut off by
 * shutdown, not an outcome.
 */
export function attemptOutcome(
  result: Pick<PostResult, 'ok' | 'httpStatus' | 'error' | 'permanent' | 'aborted'>,
): AttemptOutcome | null {
  if (result.aborted) return null;
  if (result.ok) return 'ok';
  if (result.httpStatus !== null) return 'http_error';
  const error = result.error ?? '';
  if (result.permanent) return /^(invalid URL|unsupported URL scheme)/.test(error) ? 'invalid_url' : 'refused_address';
  if (/^timeout after /.test(error)) return 'timeout';
  return 'network_error';
}

/** The `stream` label: `status` (call events), `fee` (CDRs) or `sms` (SMS status events, a status stream of their own kind). */
export function streamLabel(delivery: { stream: 'status' | 'fee'; body: unknown }): 'status' | 'fee' | 'sms' {
  if (delivery.stream === 'fee') return 'fee';
  return (delivery.body as { eventType?: unknown } | null)?.eventType === 'smsStatus' ? 'sms' : 'status';
}
