import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toClaimed, type ClaimedDelivery, type DeliveryStatus } from './claimed-delivery.js';

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

/**
 * Attempt records of `webhook_deliveries` / `delivery_attempts`, in raw SQL. Takes arrays (one
 * statement and one commit for many deliveries under load, see MicroBatcher). The UPDATEs are
 * wrapped in a CTE + SELECT so that `DataSource.query` returns plain rows.
 */
@Injectable()
export class DeliveryAttemptsRepository {
  constructor(private readonly dataSource: DataSource) {}

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
}
