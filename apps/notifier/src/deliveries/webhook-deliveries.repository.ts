import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryStream } from './claimed-delivery.js';

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

/**
 * `webhook_deliveries`, in raw SQL: recording notifications and reading the backlog. Leases live
 * in DeliveryLeasesRepository, attempt records in DeliveryAttemptsRepository.
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

  /** Deliveries still to be sent (retries included) and the age in seconds of the oldest (for /metrics). */
  async pendingBacklog(): Promise<{ pending: number; oldestSeconds: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS pending, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM webhook_deliveries WHERE status = 'pending'`,
    )) as Array<{ pending: number; oldest: number }>;
    return { pending: row?.pending ?? 0, oldestSeconds: row?.oldest ?? 0 };
  }
}
