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
  attempts: number;
}

export interface ClaimOptions {
  /** At most this many deliveries. */
  limit: number;
  leaseMs: number;
  /** Only these deliveries (the fast path after the consumer's commit). */
  ids?: string[];
  /** Only this session's status delivery with this seq (the successor fast path). */
  successor?: { sessionId: string; seq: number };
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
  /** Give up now (retrying cannot help). */
  permanent: boolean;
  /** The retry schedule (jitter already applied); step `attempts - 1` is used. */
  scheduleMs: number[];
}

export interface RecordedAttempt {
  attempt: number;
  status: DeliveryStatus;
  nextAttemptAt: Date;
}

/** How many rows a claim may look at per slot it fills (room for per-host limits). */
const SCAN_FACTOR = 4;

const DELIVERY_COLUMNS = 'd.id, d.session_id, d.app_key, d.stream, d.seq, d.url, d.body, d.attempts';

/**
 * `webhook_deliveries` / `delivery_attempts`. Every UPDATE is wrapped in a CTE + SELECT so that
 * `DataSource.query` returns plain rows (for a bare UPDATE TypeORM returns `[rows, count]`).
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a notification, idempotently (a redelivered message finds its row and inserts
   * nothing: returns null). A status delivery queued behind a predecessor that is waiting for a
   * retry inherits the predecessor's `next_attempt_at`, so blocked rows are not due (and not
   * scanned by every claim) while they cannot be sent anyway.
   */
  async insert(delivery: NewDelivery): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO webhook_deliveries (source_id, stream, session_id, app_key, seq, url, body, next_attempt_at)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::int, $6::text, $7::jsonb,
              GREATEST(now(), (SELECT max(p.next_attempt_at) FROM webhook_deliveries p
                                WHERE $2::text = 'status' AND p.session_id = $3::text AND p.stream = 'status'
                                  AND p.seq < $5::int AND p.status = 'pending'))
       ON CONFLICT (source_id, stream) DO NOTHING
       RETURNING id`,
      [delivery.sourceId, delivery.stream, delivery.sessionId, delivery.appKey, delivery.seq, delivery.url, JSON.stringify(delivery.body)],
    );
    return rows[0]?.id ?? null;
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
    if (options.successor) {
      filters.push(`w.session_id = ${p(options.successor.sessionId)} AND w.stream = 'status' AND w.seq = ${p(options.successor.seq)}::int`);
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
         RETURNING ${DELIVERY_COLUMNS}
       )
       SELECT * FROM leased`,
      params,
    );
    return rows.map(toClaimed);
  }

  /**
   * Records one attempt and its consequence, atomically: the attempt row; the delivery's counters;
   * `delivered`, or the next try at `scheduleMs[attempts - 1]`, or `failed` when the schedule is
   * exhausted. A status delivery that must wait pushes its session's later status deliveries
   * back with it (they cannot go before it). Returns null if the delivery is no longer pending
   * (someone else finished it after our lease ran out).
   */
  async recordAttempt(record: AttemptRecord): Promise<RecordedAttempt | null> {
    const rows: Array<{ attempts: number; status: DeliveryStatus; next_attempt_at: Date }> = await this.dataSource.query(
      `WITH upd AS (
         UPDATE webhook_deliveries
            SET attempts = attempts + 1,
                last_http_status = $2::int,
                last_error = $3::text,
                status = CASE WHEN $4::boolean THEN 'delivered'
                              WHEN $5::boolean OR ($6::bigint[])[attempts + 1] IS NULL THEN 'failed'
                              ELSE 'pending' END,
                delivered_at = CASE WHEN $4::boolean THEN now() ELSE delivered_at END,
                next_attempt_at = CASE WHEN $4::boolean OR $5::boolean OR ($6::bigint[])[attempts + 1] IS NULL THEN next_attempt_at
                                       ELSE now() + ($6::bigint[])[attempts + 1] * interval '1 millisecond' END,
                lease_until = NULL
          WHERE id = $1 AND status = 'pending'
          RETURNING id, session_id, stream, seq, attempts, status, next_attempt_at
       ), attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, http_status, error)
         SELECT id, attempts, $7::timestamptz, $8::int, $2::int, $3::text FROM upd
       ), pushed AS (
         UPDATE webhook_deliveries later SET next_attempt_at = upd.next_attempt_at
           FROM upd
          WHERE upd.stream = 'status' AND upd.status = 'pending'
            AND later.session_id = upd.session_id AND later.stream = 'status' AND later.seq > upd.seq
            AND later.status = 'pending' AND later.next_attempt_at < upd.next_attempt_at
       )
       SELECT attempts, status, next_attempt_at FROM upd`,
      [
        record.id,
        record.httpStatus,
        record.error,
        record.ok,
        record.permanent,
        record.scheduleMs,
        record.attemptedAt,
        Math.max(0, Math.round(record.durationMs)),
      ],
    );
    const row = rows[0];
    return row ? { attempt: row.attempts, status: row.status, nextAttemptAt: row.next_attempt_at } : null;
  }

  /**
   * Safety net for the rule in `insert`: status deliveries that are due but sit behind a
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
  };
}
