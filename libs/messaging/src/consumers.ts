import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import {
  outsideRequestContext,
  REQUEST_ID_HEADER,
  runInRequestContext,
  saneRequestId,
  type JsonLogger,
} from '#libs/runtime';
import { dispositionOfError, retriesOf, settle, type Disposition } from './disposition.js';
import { dueAtHeader } from './wait-queue-timing.js';

export interface Delivery<T> {
  messageId: string;
  payload: T;
  redelivered: boolean;
  /** How many times this message went through the delay queue. */
  retries: number;
  headers: Record<string, unknown>;
  /** The `x-request-id` header when sane: the handler runs in its request context (every log line carries it). */
  requestId?: string;
  /** Request/response (see rpc.ts): where the answer goes and what it answers. */
  replyTo?: string;
  correlationId?: string;
}

export type Handler<T> = (delivery: Delivery<T>) => Promise<Disposition>;

interface Consumer {
  queue: string;
  prefetch: number;
  handler: Handler<unknown>;
  maxRetries: number;
  /** The queue's retry delay: a retry is stamped due this long from now (wait-queue-timing.ts). */
  retryDelayMs: number;
  channel?: Channel;
  tag?: string;
  inFlight: Set<Promise<void>>;
}

/** What the consumers need from the Broker around them. */
export interface ConsumerHost {
  logger: JsonLogger;
  name(logical: string): string;
  /** True while consumers should stay attached (not stopping, same connection). */
  wanted(model: ChannelModel): boolean;
  /** Runs `action` with backoff until it succeeds or `wanted()` turns false. */
  retryUntil(wanted: () => boolean, action: () => Promise<unknown>, what: string): void;
  /** Republishes a delivery (same body and properties, new headers) through `exchange`, with a confirm. */
  republish(exchange: string, routingKey: string, msg: ConsumeMessage, headers: Record<string, unknown>): Promise<void>;
}

/**
 * The process's consumers: each on its own channel with manual acks and an explicit prefetch;
 * a handler's disposition (disposition.ts) is applied after it resolves, so after its commit.
 */
export class Consumers {
  private readonly all: Consumer[] = [];
  private consuming = true;

  constructor(
    private readonly host: ConsumerHost,
    private readonly retryExchange: string,
  ) {}

  get isConsuming(): boolean {
    return this.consuming;
  }

  register(
    queue: string,
    prefetch: number,
    handler: Handler<unknown>,
    maxRetries: number,
    retryDelayMs: number,
  ): Consumer {
    const consumer: Consumer = { queue, prefetch, handler, maxRetries, retryDelayMs, inFlight: new Set() };
    this.all.push(consumer);
    return consumer;
  }

  /** Attaches every registered consumer (after a (re)connect). */
  async attachAll(model: ChannelModel): Promise<void> {
    if (this.consuming) for (const consumer of this.all) await this.attach(model, consumer);
  }

  async attach(model: ChannelModel, consumer: Consumer): Promise<void> {
    const { host } = this;
    const channel = await model.createChannel();
    channel.on('error', (err: Error) =>
      host.logger.warn('RabbitMQ consumer channel error', { queue: consumer.queue, error: err.message }),
    );
    await channel.prefetch(consumer.prefetch);
    consumer.channel = channel;
    // The broker may close just this channel (e.g. consumer_timeout on a very long call): attach again.
    channel.on('close', () => {
      const stillWanted = () => consumer.channel === channel && this.consuming && host.wanted(model);
      if (!stillWanted()) return;
      host.retryUntil(stillWanted, () => this.attach(model, consumer), `re-attach consumer of ${consumer.queue}`);
    });
    const reply = await channel.consume(
      host.name(consumer.queue),
      (msg) => {
        if (!msg) return; // cancelled by the broker (queue deleted); recovery re-attaches
        const work = this.handle(channel, consumer, msg).finally(() => consumer.inFlight.delete(work));
        consumer.inFlight.add(work);
      },
      { noAck: false },
    );
    consumer.tag = reply.consumerTag;
  }

  private async handle(channel: Channel, consumer: Consumer, msg: ConsumeMessage): Promise<void> {
    const { host } = this;
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const retries = retriesOf(headers);
    const messageId = String(msg.properties.messageId ?? '');
    const requestId = saneRequestId(headers[REQUEST_ID_HEADER]) ?? undefined;
    let disposition: Disposition | undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      disposition = { action: 'dead', reason: 'message body is not JSON' };
    }
    const delivery: Delivery<unknown> = {
      messageId,
      payload,
      redelivered: msg.fields.redelivered,
      retries,
      headers,
      requestId,
      replyTo: msg.properties.replyTo,
      correlationId: msg.properties.correlationId,
    };
    // The handler (and all it starts) runs in the message's request context: its log lines and the
    // messages it publishes carry the request id. A message without one runs in no context.
    const run = () => consumer.handler(delivery);
    disposition ??= await (requestId ? runInRequestContext({ requestId }, run) : outsideRequestContext(run)).catch(
      dispositionOfError,
    );

    const settlement = settle(disposition, headers, consumer.maxRetries);
    try {
      if (settlement.kind === 'ack') {
        channel.ack(msg);
      } else if (settlement.kind === 'retry') {
        host.logger.warn('message will be retried', {
          queue: consumer.queue,
          messageId,
          retries,
          reason: (disposition as { reason: string }).reason,
        });
        const headers = { ...settlement.headers, ...dueAtHeader(Date.now(), consumer.retryDelayMs) };
        await host.republish(this.retryExchange, consumer.queue, msg, headers);
        channel.ack(msg);
      } else {
        host.logger.error('message dead-lettered', { queue: consumer.queue, messageId, reason: settlement.reason });
        channel.nack(msg, false, false);
      }
    } catch (error) {
      // The channel died under us: the broker redelivers the unacked message; nothing is lost.
      // On a live channel (the retry publish failed), give the message back after a pause rather
      // than hold a prefetch slot forever or spin through the quorum queue's delivery limit.
      setTimeout(() => {
        try {
          channel.nack(msg, false, true);
        } catch {
          /* channel closed meanwhile: redelivered anyway */
        }
      }, 2000).unref();
      host.logger.warn('could not settle message; it will be redelivered', {
        queue: consumer.queue,
        messageId,
        error: (error as Error).message,
      });
    }
  }

  /** Stops taking new messages (in-flight handlers keep running and settle). */
  async stop(): Promise<void> {
    this.consuming = false;
    for (const consumer of this.all) {
      if (consumer.channel && consumer.tag) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    }
  }

  /** Waits for in-flight handlers, up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const all = this.all.flatMap((c) => [...c.inFlight]);
    await Promise.race([Promise.allSettled(all), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Closes every consumer channel (their acks go out before the close), waiting at most `timeoutMs`. */
  async closeChannels(timeoutMs: number): Promise<void> {
    const closing = Promise.all(
      this.all.map((consumer) =>
        consumer.channel ? consumer.channel.close().catch(() => undefined) : Promise.resolve(),
      ),
    );
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}
