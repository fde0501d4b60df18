/**
 * Small pure rules of the dispatcher, kept apart so they can be unit-tested.
 */

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
 * The wait after unsuccessful attempt number `attempt` (1-based): `scheduleMs[attempt - 1]` with
 * jitter, or null when the schedule is exhausted (the delivery has failed for good).
 */
export function retryDelay(attempt: number, scheduleMs: readonly number[], random: () => number = Math.random): number | null {
  const base = scheduleMs[Math.max(0, attempt - 1)];
  return base === undefined ? null : jitter(base, random);
}

/** A short, single-line error text for `delivery_attempts.error` / `last_error`. */
export function errorText(error: unknown, max = 500): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
