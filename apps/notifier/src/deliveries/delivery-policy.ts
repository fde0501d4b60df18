/**
 * Small pure rules of the dispatcher, kept apart so they can be unit-tested.
 */
import { ADDRESS_REFUSED_CODE, INVALID_URL_CODE } from './address-policy.js';

/**
 * The "host" a delivery's in-flight limit is counted against: the URL's authority without user
 * info, lower-cased (`example.com:8443`). The same regular expression runs in PostgreSQL (see
 * `hostKeySql`) so a claim can skip hosts that are saturated in this process.
 */
export const HOST_KEY_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]*)';
const HOST_KEY_RE = new RegExp(HOST_KEY_PATTERN);

export function hostKey(url: string): string {
  const match = HOST_KEY_RE.exec(url);
  return (match?.[1] ?? '').toLowerCase();
}

/** SQL expression computing `hostKey` of a column (never NULL). */
export function hostKeySql(column: string): string {
  return `coalesce(lower(substring(${column} from '${HOST_KEY_PATTERN}')), '')`;
}

/** `ms` ± 10 %, rounded; `random` is injectable for tests. */
export function jitter(ms: number, random: () => number = Math.random): number {
  return Math.max(0, Math.round(ms * (0.9 + 0.2 * random())));
}

/**
 * The wait after unsuccessful attempt number `attempt` (1-based), or null when the delivery has
 * failed for good. Both streams wait `scheduleMs[attempt - 1]` (with jitter); once the schedule is
 * exhausted:
 * - a status delivery fails (so the session's later status events can go out),
 * - a CDR (`fee`) is "retried on a configurable schedule until 200" (docs/contract.md#notifications): it never fails
 *   on its own and keeps waiting the schedule's last interval.
 * An empty schedule (the configuration rejects one) retries nothing.
 */
export function retryDelay(
  stream: 'status' | 'fee',
  attempt: number,
  scheduleMs: readonly number[],
  random: () => number = Math.random,
): number | null {
  if (scheduleMs.length === 0) return null;
  const index = Math.max(0, attempt - 1);
  const base =
    index < scheduleMs.length ? scheduleMs[index] : stream === 'fee' ? scheduleMs[scheduleMs.length - 1] : undefined;
  return base === undefined ? null : jitter(base, random);
}

const PERMANENT_ERROR_CODES: ReadonlySet<string> = new Set([ADDRESS_REFUSED_CODE, INVALID_URL_CODE]);

/**
 * Whether an attempt's error means no retry can ever succeed: a refused address (non-public while
 * `webhooks.allowPrivate` is off), an invalid URL, a scheme other than http/https. Such a delivery
 * fails at once, whatever its stream. Anything else (timeouts, DNS errors, refused connections,
 * resets) is transient. An AggregateError (one per address tried) is permanent when all of its
 * errors are.
 */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof AggregateError)
    return error.errors.length > 0 && error.errors.every((e) => isPermanentFailure(e));
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && PERMANENT_ERROR_CODES.has(code);
}

/** A short, single-line error text for `delivery_attempts.error` / `last_error`. */
export function errorText(error: unknown, max = 500): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
