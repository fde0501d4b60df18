import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toClaimed, type ClaimedDelivery } from './claimed-delivery.js';
import { hostKeySql } from './delivery-policy.js';

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

/** How many rows a claim may look at per slot it fills (room for per-host limits). */
const SCAN_FACTOR = 4;

/**
 * Leases of `webhook_deliveries`, in raw SQL: claiming due deliveries, giving leases back, and
 * keeping blocked status deliveries from being due. Every UPDATE is wrapped in a CTE + SELECT so
 * that `DataSource.query` returns plain rows (for a bare UPDATE TypeORM returns `[rows, count]`).
 */
@Injectable()
export class DeliveryLeasesRepository {
  constructor(private readonly dataSource: DataSource) {}

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
      filters.push(
        `w.stream = 'status' AND (w.session_id, w.seq) IN (SELECT * FROM unnest(${sessions}::text[], ${seqs}::int[]))`,
      );
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
