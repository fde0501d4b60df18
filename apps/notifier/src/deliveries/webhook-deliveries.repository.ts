import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hostKeySql } from './delivery-policy.js';

export type DeliveryStream = 'status' | 'fee';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A notification to deliver, as the consumer records it. */
export interface NewDelivery {
  sourceId: string;
  stream: DeliveryStream;
  sessionId: string;
  appKey: string;
  seq: number;
  url: string;
  body: unknown;
  /** The request id of the API request behind the event (logged with every attempt), if any. */
  requestId?: string | null;
}

/** A delivery this process holds the lease of. */
export interface ClaimedDelivery {
  id: string;
  sessionId: string;
  appKey: string;
  stream: DeliveryStream;
  seq: number;
  url: string;
  body: unknown;
  /** Attempts made before this one. */
  attempts: number;
  requestId: string | null;
  /** When the notifier recorded the event (delivery lag is measured from here). */
  createdAt: Date;
}

export interface ClaimOptions {
  /** At most this many deliveries. */
  limit: number;
  leaseMs: number;
  /** Only these deliveries (the fast path after the consumer's commit). */
  ids?: string[];
  /** Only these sessions' status deliveries with these seqs (the successor fast path). */
  successors?: Array<{ sessionId: string; seq: number }>;
  /** Host keys with no free slot in this process: skipped. */
  saturatedHosts?: string[];
  /** Host keys with some in-flight deliveries, and how many more each may take. */
  hostFree?: { hosts: string[]; free: number[] };
  /** Free slots of a host not in `hostFree`. */
  perHostLimit?: number;
}

export interface AttemptRecord {
  id: string;
  attemptedAt: Date;
  durationMs: number;
  httpStatus: number | null;
  error: string | null;
  ok: boolean;
  /** When not ok: wait this long before the next try; null = give up (status `failed`). */
  retryDelayMs: number | null;
  /** A status delivery that settles for good also leases the session's next one, if it is there. */
  claimNext: boolean;
  leaseMs: number;
}

export interface RecordedAttempt {
  attempt: number;
  status: DeliveryStatus;
  nextAttemptAt: Date;
  /** The session's next status delivery, leased in the same statement (see `claimNext`). */
  next: ClaimedDelivery | null;
}

/** How many rows a claim may look at per slot it fills (room for per-host limits). */
const SCAN_FACTOR = 4;

/**
 * `webhook_deliveries` / `delivery_attempts`, in raw SQL. Writes take arrays (one statement and
 * one commit for many deliveries under load). Every UPDATE is wrapped in a CTE + SELECT so that
 * `DataSource.query` returns plain rows (for a bare UPDATE TypeORM returns `[rows, count]`).
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records notifications, idempotently on (source_id, stream): for each input, the new row's id,
   * or null when the row already existed (a redelivered message). A status delivery queued behind
   * a predecessor that is waiting for a retry inherits the predecessor's `next_attempt_at`, so
   * blocked rows are not due (and not scanned by every claim) while they cannot be sent anyway.
   */
  async insertMany(deliveries: NewDelivery[]): Promise<Array<string | null>> {
    if (deliveries.length === 0) return [];
    const rows: Array<{ id: string; source_id: string; stream: string }> = await this.dataSource.query(
      `INSERT INTO webhook_deliveries (source_id, stream, session_id, app_key, seq, url, body, request_id, next_attempt_at)
       SELECT v.source_id, v.stream, v.session_id, v.app_key, v.seq, v.url, v.body::json, v.request_id,
              GREATEST(now(), (SELECT max(p.next_attempt_at) FROM webhook_deliveries p
                                WHERE v.stream = 'status' AND p.session_id = v.session_id AND p.stream = 'status'
                                  AND p.seq < v.seq AND p.status = 'pending'))
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
              AS v(source_id, stream, session_id, app_key, seq, url, body, request_id)
       ON CONFLICT (source_id, stream) DO NOTHING
       RETURNING id, source_id, stream`,
      [
        deliveries.map((d) => d.sourceId),
        deliveries.map((d) => d.stream),
        deliveries.map((d) => d.sessionId),
        deliveries.map((d) => d.appKey),
        deliveries.map((d) => d.seq),
        deliveries.map((d) => d.url),
        deliveries.map((d) => JSON.stringify(d.body)),
        deliveries.map((d) => d.requestId ?? null),
      ],
    );
    const ids = new Map(rows.map((r) => [`${r.stream}\u0000${r.source_id}`, r.id]));
    return deliveries.map((d) => {
      const key = `${d.stream}\u0000${d.sourceId}`;
      const id = ids.get(key) ?? null;
      ids.delete(key); // the same message twice in one batch: the second is the duplicate
      return id;
    });
  }

  /**
   * Leases due deliveries: pending, due, not leased by anyone, and — for a status delivery with
   * seq > 1 — whose predecessor in the session is delivered or failed (so events of a session
   * go out in order whichever instance holds them). Rows other instances are claiming are
   * skipped (SKIP LOCKED). Per host, no more rows than the host has free slots here.
   */
  async claim(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const host = hostKeySql('w.url');
    const filters: string[] = [];
    if (options.ids) filters.push(`w.id = ANY(${p(options.ids)}::uuid[])`);
    if (options.successors) {
      const sessions = p(options.successors.map((s) => s.sessionId));
      const seqs = p(options.successors.map((s) => s.seq));
      filters.push(`w.stream = 'status' AND (w.session_id, w.seq) IN (SELECT * FROM unnest(${sessions}::text[], ${seqs}::int[]))`);
    }
    if (options.saturatedHosts?.length) filters.push(`NOT (${host} = ANY(${p(options.saturatedHosts)}::text[]))`);
    const hosts = p(options.hostFree?.hosts ?? []);
    const free = p(options.hostFree?.free ?? []);
    const perHost = p(options.perHostLimit ?? options.limit);
    const scan = p(options.limit * SCAN_FACTOR);
    const limit = p(options.limit);
    const lease = p(options.leaseMs);

    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH candidates AS MATERIALIZED (
         SELECT w.id, w.next_attempt_at, ${host} AS host
           FROM webhook_deliveries w
          WHERE w.status = 'pending'
            AND w.next_attempt_at <= now()
            AND (w.lease_until IS NULL OR w.lease_until < now())
            AND (w.stream = 'fee' OR w.seq <= 1 OR EXISTS (
                  SELECT 1 FROM webhook_deliveries prev
                   WHERE prev.session_id = w.session_id AND prev.stream = 'status' AND prev.seq = w.seq - 1
                     AND prev.status IN ('delivered', 'failed')))
            ${filters.map((f) => `AND ${f}`).join('\n            ')}
          ORDER BY w.next_attempt_at
          LIMIT ${scan}::int
          FOR UPDATE OF w SKIP LOCKED
       ), ranked AS (
         SELECT c.id, c.next_attempt_at,
                row_number() OVER (PARTITION BY c.host ORDER BY c.next_attempt_at) AS rn,
                coalesce(b.free, ${perHost}::int) AS free
           FROM candidates c
           LEFT JOIN unnest(${hosts}::text[], ${free}::int[]) AS b(host, free) ON b.host = c.host
       ), chosen AS (
         SELECT id FROM ranked WHERE rn <= free ORDER BY next_attempt_at LIMIT ${limit}::int
       ), leased AS (
         UPDATE webhook_deliveries d SET lease_until = now() + ${lease}::int * interval '1 millisecond'
           FROM chosen WHERE d.id = chosen.id
         RETURNING d.id, d.session_id, d.app_key, d.stream, d.seq, d.url, d.body, d.attempts, d.request_id, d.created_at
       )
       SELECT * FROM leased`,
      params,
    );
    return rows.map(toClaimed);
  }

  /**
   * Records attempts and their consequences, atomically: the attempt rows; each delivery's
   * counters; `delivered`, or the next try after `retryDelayMs`, or `failed`. A status delivery
   * that must wait pushes its session's later status deliveries back with it (they cannot go
   * before it); one that settled for good leases the session's next status delivery when asked
   * (`claimNext`), saving a round trip on the fast path. For each input: the outcome, or null if
   * the delivery was no longer pending (someone else settled it after this process's lease ran out).
   */
  async recordAttempts(records: AttemptRecord[]): Promise<Array<RecordedAttempt | null>> {
    if (records.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::boolean[], $7::bigint[], $8::boolean[], $9::int[])
                AS i(id, attempted_at, duration_ms, http_status, error, ok, retry_delay_ms, claim_next, lease_ms)
       ), upd AS (
         UPDATE webhook_deliveries d
            SET attempts = d.attempts + 1,
                last_http_status = i.http_status,
                last_error = i.error,
                status = CASE WHEN i.ok THEN 'delivered' WHEN i.retry_delay_ms IS NULL THEN 'failed' ELSE 'pending' END,
                delivered_at = CASE WHEN i.ok THEN now() ELSE d.delivered_at END,
                next_attempt_at = CASE WHEN NOT i.ok AND i.retry_delay_ms IS NOT NULL
                                       THEN now() + i.retry_delay_ms * interval '1 millisecond'
                                       ELSE d.next_attempt_at END,
                lease_until = NULL
           FROM input i
          WHERE d.id = i.id AND d.status = 'pending'
          RETURNING d.id, d.session_id, d.stream, d.seq, d.attempts, d.status, d.next_attempt_at,
                    i.attempted_at, i.duration_ms, i.http_status, i.error, i.claim_next, i.lease_ms
       ), attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, http_status, error)
         SELECT id, attempts, attempted_at, duration_ms, http_status, error FROM upd
       ), pushed AS (
         UPDATE webhook_deliveries later SET next_attempt_at = upd.next_attempt_at
           FROM upd
          WHERE upd.stream = 'status' AND upd.status = 'pending'
            AND later.session_id = upd.session_id AND later.stream = 'status' AND later.seq > upd.seq
            AND later.status = 'pending' AND later.next_attempt_at < upd.next_attempt_at
       ), successor AS (
         UPDATE webhook_deliveries s SET lease_until = now() + upd.lease_ms * interval '1 millisecond'
           FROM upd
          WHERE upd.claim_next AND upd.stream = 'status' AND upd.status IN ('delivered', 'failed')
            AND s.session_id = upd.session_id AND s.stream = 'status' AND s.seq = upd.seq + 1
            AND s.status = 'pending' AND s.next_attempt_at <= now()
            AND (s.lease_until IS NULL OR s.lease_until < now())
          RETURNING upd.id AS after_id, s.id, s.session_id, s.app_key, s.stream, s.seq, s.url, s.body, s.attempts, s.request_id, s.created_at
       )
       SELECT u.id AS recorded_id, u.attempts AS recorded_attempts, u.status AS recorded_status,
              u.next_attempt_at AS recorded_next_attempt_at, s.*
         FROM upd u LEFT JOIN successor s ON s.after_id = u.id`,
      [
        records.map((r) => r.id),
        records.map((r) => r.attemptedAt),
        records.map((r) => Math.max(0, Math.round(r.durationMs))),
        records.map((r) => r.httpStatus),
        records.map((r) => r.error),
        records.map((r) => r.ok),
        records.map((r) => r.retryDelayMs),
        records.map((r) => r.claimNext),
        records.map((r) => r.leaseMs),
      ],
    );
    const byId = new Map(rows.map((r) => [r.recorded_id as string, r]));
    return records.map((r) => {
      const row = byId.get(r.id);
      if (!row) return null;
      return {
        attempt: row.recorded_attempts as number,
        status: row.recorded_status as DeliveryStatus,
        nextAttemptAt: row.recorded_next_attempt_at as Date,
        next: row.id ? toClaimed(row) : null,
      };
    });
  }

  /** Gives leases back (a delivery this process will not send after all): claimable again at once. */
  async releaseLeases(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `WITH released AS (
         UPDATE webhook_deliveries SET lease_until = NULL WHERE id = ANY($1::uuid[]) AND status = 'pending' RETURNING id
       )
       SELECT count(*)::int AS n FROM released`,
      [ids],
    );
  }

  /** Deliveries still to be sent (retries included) and the age in seconds of the oldest (for /metrics). */
  async pendingBacklog(): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM webhook_deliveries WHERE status = 'pending'`,
    ) as Array<{ pending: number; oldest: number }>;
    return { pending: row?.pending ?? 0, oldestSeconds: row?.oldest ?? 0 };
  }

  /**
   * Safety net for the rule in `insertMany`: status deliveries that are due but sit behind a
   * predecessor waiting for a retry (a race between the two writes) are pushed back to it.
   */
  async deferBlocked(limit = 1000): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH blocked AS (
         SELECT w.id,
                (SELECT max(p.next_attempt_at) FROM webhook_deliveries p
                  WHERE p.session_id = w.session_id AND p.stream = 'status' AND p.seq < w.seq AND p.status = 'pending') AS until
           FROM webhook_deliveries w
          WHERE w.status = 'pending' AND w.stream = 'status' AND w.seq > 1 AND w.next_attempt_at <= now()
            AND EXISTS (SELECT 1 FROM webhook_deliveries p
                         WHERE p.session_id = w.session_id AND p.stream = 'status' AND p.seq < w.seq
                           AND p.status = 'pending' AND p.next_attempt_at > now())
          LIMIT $1::int
       ), pushed AS (
         UPDATE webhook_deliveries d SET next_attempt_at = blocked.until
           FROM blocked
          WHERE d.id = blocked.id AND d.status = 'pending' AND blocked.until > d.next_attempt_at
         RETURNING d.id
       )
       SELECT count(*)::int AS n FROM pushed`,
      [limit],
    );
    return rows[0]?.n ?? 0;
  }
}

function toClaimed(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: row.id as string,
    sessionId: row.session_id as string,
    appKey: row.app_key as string,
    stream: row.stream as DeliveryStream,
    seq: row.seq as number,
    url: row.url as string,
    body: row.body,
    attempts: row.attempts as number,
    requestId: (row.request_id as string | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
