import type { DataSource } from 'typeorm';
import { currentRequestId, outsideRequestContext, REQUEST_ID_HEADER, type JsonLogger } from '#libs/runtime';
import type { Broker } from './broker.js';

export interface OutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  message_id: string;
  payload: unknown;
  /** AMQP headers to publish with (the request id); null for rows written without. */
  headers?: Record<string, unknown> | null;
}

/**
 * SQL inserting outbox rows from a SELECT of (exchange, routing_key, message_id, payload), returning
 * them for `dispatch`. It lets a producer write its state change and its message in one statement
 * (a chain of data-modifying CTEs is atomic on its own): one round trip instead of
 * BEGIN … COMMIT, which matters on machines where every socket write is expensive.
 */
export function outboxInsertFrom(select: string, headersParam?: string): string {
  if (!headersParam) {
    return `INSERT INTO outbox (exchange, routing_key, message_id, payload) ${select}
          RETURNING id, exchange, routing_key, message_id, payload, headers`;
  }
  // The headers (a jsonb parameter, see `outboxHeaders`) go with every row of the select.
  return `INSERT INTO outbox (exchange, routing_key, message_id, payload, headers)
          SELECT o.exchange, o.routing_key, o.message_id, o.payload, ${headersParam}::jsonb
            FROM (${select}) AS o(exchange, routing_key, message_id, payload)
          RETURNING id, exchange, routing_key, message_id, payload, headers`;
}

/**
 * The outbox `headers` of messages written now: the current request id (so the consumer's logs
 * and what it publishes in turn carry it, even when the relay publishes the row later), as a JSON
 * text parameter for `outboxInsertFrom`; null outside any request.
 */
export function outboxHeaders(): string | null {
  const requestId = currentRequestId();
  return requestId ? JSON.stringify({ [REQUEST_ID_HEADER]: requestId }) : null;
}

/**
 * Transactional outbox. A producer writes its state change and the message in one PostgreSQL
 * statement (`outboxInsertFrom`), then, after commit, hands the rows to `dispatch`, which publishes with
 * confirms and deletes them. If the process dies or RabbitMQ is away between commit and confirm,
 * the relay (`startRelay`, run by every producer instance, rows claimed with SKIP LOCKED)
 * publishes them later. A message may thus be published twice, never zero times: consumers are
 * idempotent.
 */
export class Outbox {
  private relayTimer?: NodeJS.Timeout;
  private relaying = false;
  private readonly published: string[] = [];
  private flushTimer?: NodeJS.Timeout;
  private pendingDispatch = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    private readonly logger: JsonLogger,
  ) {}

  /** Publishes committed rows now (best effort: the relay covers any failure). */
  dispatch(rows: OutboxRow[]): Promise<void> {
    const work = (async () => {
      for (const row of rows) {
        try {
          await this.broker.publish(row.exchange, row.routing_key, row.payload, {
            messageId: row.message_id,
            headers: row.headers ?? undefined,
          });
          this.markPublished(row.id);
        } catch (error) {
          this.logger.warn('publish failed; the outbox relay will retry', {
            messageId: row.message_id,
            error: (error as Error).message,
          });
          return;
        }
      }
    })();
    this.pendingDispatch.add(work);
    void work.finally(() => this.pendingDispatch.delete(work));
    return work;
  }

  /** Deletes published rows in batches (one statement per ~10 ms instead of one per message). */
  private markPublished(id: string): void {
    this.published.push(id);
    if (this.published.length >= 500) void this.flush();
    // One flush for the rows of many requests: outside any one request's context.
    else this.flushTimer ??= outsideRequestContext(() => setTimeout(() => void this.flush(), 10));
  }

  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const ids = this.published.splice(0);
    if (ids.length === 0) return;
    try {
      await this.dataSource.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
    } catch (error) {
      // Harmless: the relay will publish these again and consumers drop the duplicates.
      this.logger.warn('could not delete published outbox rows', {
        count: ids.length,
        error: (error as Error).message,
      });
    }
  }

  /** Periodically publishes rows older than `staleMs` that no dispatch has confirmed. */
  startRelay(intervalMs = 1000, staleMs = 3000): void {
    this.relayTimer = outsideRequestContext(() => setInterval(() => void this.relayOnce(staleMs), intervalMs));
    this.relayTimer.unref();
  }

  async relayOnce(staleMs: number): Promise<number> {
    if (this.relaying || !this.broker.isConnected) return 0;
    this.relaying = true;
    let count = 0;
    try {
      await this.dataSource.transaction(async (manager) => {
        const rows: OutboxRow[] = await manager.query(
          `SELECT id, exchange, routing_key, message_id, payload, headers FROM outbox
            WHERE created_at < now() - ($1::int * interval '1 millisecond')
            ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED`,
          [staleMs],
        );
        const done: string[] = [];
        for (const row of rows) {
          try {
            await this.broker.publish(row.exchange, row.routing_key, row.payload, {
              messageId: row.message_id,
              headers: row.headers ?? undefined,
            });
            done.push(row.id);
          } catch {
            break;
          }
        }
        if (done.length) await manager.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
        count = done.length;
      });
      if (count) this.logger.info('outbox relay published stale messages', { count });
    } catch (error) {
      this.logger.warn('outbox relay failed', { error: (error as Error).message });
    } finally {
      this.relaying = false;
    }
    return count;
  }

  async stop(): Promise<void> {
    if (this.relayTimer) clearInterval(this.relayTimer);
    await Promise.allSettled([...this.pendingDispatch]);
    await this.flush();
  }
}
