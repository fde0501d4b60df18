/** A webhook delivery as the dispatcher works on it, and how a `webhook_deliveries` row becomes one. */
export type DeliveryStream = 'status' | 'fee';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

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

/** Maps a row of `webhook_deliveries` columns (as RETURNING yields them) to a delivery. */
export function toClaimed(row: Record<string, unknown>): ClaimedDelivery {
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
