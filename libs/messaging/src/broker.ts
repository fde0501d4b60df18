import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type RecoveringChannelModel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { currentRequestId, outsideRequestContext, REQUEST_ID_HEADER, runInRequestContext, saneRequestId, type JsonLogger } from '#libs/runtime';
import { BrokerNodes } from './broker-nodes.js';
import { DEAD_LETTER_EXCHANGE, DEFAULT_RPC_QUEUE_MAX_LENGTH, EXCHANGES, OBSOLETE_QUEUES, REQUEUE_EXCHANGE, RETRY_EXCHANGE, RPC_QUEUES, WORK_QUEUES, type RpcQueueSpec, type WorkQueueSpec } from './topology.js';

/** What a handler decides about a message once its effect is committed (or not). */
export type Disposition =
  | { action: 'ack' }
  /** Try again after the queue's retry delay (transient trouble: database down, peer busy). */
  | { action: 'retry'; reason: string }
  /** Never processable (malformed): park it in the dead-letter queue for an operator. */
  | { action: 'dead'; reason: string };

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

interface ConsumerRegistration {
  queue: string;
  prefetch: number;
  handler: Handler<unknown>;
  maxRetries: number;
  channel?: Channel;
  tag?: string;
  inFlight: Set<Promise<void>>;
}

const RETRY_HEADER = 'x-verigate-retries';
/** On close, how long consumer channels get to close (their acks sent) before the connection closes regardless. */
const CHANNEL_CLOSE_WAIT_MS = 2000;
const PUBLISH_ID_HEADER = 'x-verigate-publish-id';

/** Ready messages and consumers of one queue, or why it could not be checked. */
export type QueueStats = { queue: string; ready: number; consumers: number } | { queue: string; error: string };

/**
 * One AMQP connection per process, with:
 * - TCP no-delay (otherwise each round trip costs ~45 ms here),
 * - automatic recovery: topology re-asserted and consumers re-attached after every reconnect,
 * - publishing on a confirm channel (persistent, mandatory): `publish` resolves only when the
 *   broker has the message, so a caller may forget it (outbox row deleted) only after that,
 * - consumers with manual acks, explicit prefetch, ack after the handler's commit.
 */
export class Broker {
  private model?: RecoveringChannelModel;
  private publishChannel?: ConfirmChannel;
  private connected = false;
  private closing = false;
  private readonly consumers: ConsumerRegistration[] = [];
  private consuming = true;
  private currentModel?: ChannelModel;
  /** Publish ids (header PUBLISH_ID_HEADER) the broker returned as unroutable, until their confirm arrives. */
  private readonly returned = new Set<string>();
  /** Extra per-connection set-up (e.g. the RPC client's reply channel), run after every (re)connect. */
  private readonly setupHooks: Array<(model: ChannelModel) => Promise<void>> = [];

  constructor(
    private readonly url: string,
    private readonly namespace: string,
    private readonly logger: JsonLogger,
    /** `x-max-length` of the RPC queues; every process must use the same value (queue arguments are fixed). */
    private readonly rpcQueueMaxLength = DEFAULT_RPC_QUEUE_MAX_LENGTH,
  ) {}

  /** Runs `action` with backoff (0.5 s … 5 s) until it succeeds or `wanted()` turns false. */
  private retryUntil(wanted: () => boolean, action: () => Promise<unknown>, what: string, attempt = 0): void {
    outsideRequestContext(() => setTimeout(() => {
      if (!wanted()) return;
      action().catch((err: Error) => {
        this.logger.warn(`could not ${what}; will try again`, { attempt, error: err.message });
        this.retryUntil(wanted, action, what, attempt + 1);
      });
    }, Math.min(5000, 500 * 2 ** attempt)).unref());
  }

  /** Physical name of a logical exchange or queue. */
  name(logical: string): string {
    return this.namespace ? `${this.namespace}.${logical}` : logical;
  }

  get isConnected(): boolean {
    return this.connected && this.publishChannel !== undefined;
  }

  async connect(): Promise<void> {
    // One URL, or one per cluster node: see broker-nodes.ts (a reconnect goes to the next node).
    const nodes = new BrokerNodes(this.url);
    const backoff = { initialDelay: 200, maxDelay: 5000 };
    this.model = await amqp.connect(nodes.target() as string, {
      noDelay: true,
      heartbeat: 10,
      recovery: {
        ...backoff,
        maxRetries: Infinity,
        initialMaxRetries: 10 * nodes.count,
        ...nodes.recoveryOptions(backoff),
        setup: (model: ChannelModel) => this.setup(model),
      },
    } as never);
    this.model.on('disconnect', (err: Error) => {
      this.connected = false;
      this.publishChannel = undefined;
      this.currentModel = undefined;
      if (!this.closing) this.logger.warn('RabbitMQ connection lost; reconnecting', { error: err?.message });
    });
    this.model.on('connect', () => {
      this.logger.info('RabbitMQ connected', nodes.count > 1 ? { node: nodes.current } : undefined);
    });
    this.model.on('error', (err: Error) => this.logger.warn('RabbitMQ connection error', { error: err.message }));
    this.model.on('handler-error', (err: Error) => this.logger.error('RabbitMQ listener failed', { error: err }));
  }

  private async setup(model: ChannelModel): Promise<void> {
    this.currentModel = model;
    const channel = await this.openPublishChannel(model);
    await this.assertTopology(channel);
    for (const spec of RPC_QUEUES) await this.assertRpcQueue(model, spec);
    if (this.consuming) for (const consumer of this.consumers) await this.attach(model, consumer);
    for (const hook of this.setupHooks) await hook(model);
    this.connected = true;
  }

  /** Registers per-connection set-up: run now if connected, and after every reconnect. */
  async onSetup(hook: (model: ChannelModel) => Promise<void>): Promise<void> {
    this.setupHooks.push(hook);
    if (this.currentModel && this.connected) await hook(this.currentModel);
  }

  /** True while this process is stopping (hooks use it to stop re-opening channels). */
  get isClosing(): boolean {
    return this.closing;
  }

  /**
   * Sends an RPC answer to a requester's reply queue (direct reply-to, default exchange; not
   * persistent: an answer nobody waits for any more may be dropped). A Buffer is sent as it is
   * (JSON the caller has already written); anything else as its JSON.
   */
  async reply(replyTo: string, correlationId: string | undefined, payload: unknown): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('RabbitMQ is not connected');
    const content = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
    await new Promise<void>((resolve, reject) => {
      channel.publish('', replyTo, content, { contentType: 'application/json', correlationId, persistent: false }, (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('reply nacked')) : resolve(),
      );
    });
  }

  /**
   * The confirm channel for publishing. An unroutable message comes back with basic.return just
   * before its confirm, so the confirm callback can reject it: the caller keeps its outbox row.
   * If the broker closes only this channel (not the connection), a new one is opened.
   */
  private async openPublishChannel(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (err: Error) => this.logger.warn('RabbitMQ publish channel error', { error: err.message }));
    channel.on('return', (msg) => {
      const publishId = String((msg.properties.headers ?? {})[PUBLISH_ID_HEADER] ?? '');
      this.returned.add(publishId);
      this.logger.error('message returned unroutable', { exchange: msg.fields.exchange, routingKey: msg.fields.routingKey, messageId: msg.properties.messageId });
    });
    channel.on('close', () => {
      this.returned.clear();
      if (this.publishChannel !== channel) return;
      this.publishChannel = undefined;
      const stillWanted = () => !this.closing && this.currentModel === model && this.publishChannel === undefined;
      if (stillWanted()) this.retryUntil(stillWanted, () => this.openPublishChannel(model), 'reopen the publish channel');
    });
    this.publishChannel = channel;
    return channel;
  }

  private async assertTopology(channel: Channel): Promise<void> {
    for (const exchange of EXCHANGES) await channel.assertExchange(this.name(exchange.name), exchange.type, { durable: true });
    for (const special of [DEAD_LETTER_EXCHANGE, RETRY_EXCHANGE, REQUEUE_EXCHANGE]) {
      await channel.assertExchange(this.name(special), 'direct', { durable: true });
    }
    for (const spec of WORK_QUEUES) await this.assertWorkQueue(channel, spec);
  }

  private async assertWorkQueue(channel: Channel, spec: WorkQueueSpec): Promise<void> {
    const queue = this.name(spec.name);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        ...(spec.type === 'quorum' ? { 'x-queue-type': 'quorum', 'x-delivery-limit': spec.deliveryLimit } : { 'x-queue-type': 'classic', 'x-queue-version': 2 }),
        'x-dead-letter-exchange': this.name(DEAD_LETTER_EXCHANGE),
        'x-dead-letter-routing-key': spec.name,
      },
    });
    for (const b of spec.bindings) await channel.bindQueue(queue, this.name(b.exchange), b.routingKey);
    // Requeue path used by the retry queue's dead-lettering: straight back into this queue.
    await channel.bindQueue(queue, this.name(REQUEUE_EXCHANGE), spec.name);
    await channel.assertQueue(`${queue}.dead`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(`${queue}.dead`, this.name(DEAD_LETTER_EXCHANGE), spec.name);
    await channel.assertQueue(`${queue}.retry`, {
      durable: true,
      arguments: {
        'x-message-ttl': spec.retryDelayMs,
        'x-dead-letter-exchange': this.name(REQUEUE_EXCHANGE),
        'x-dead-letter-routing-key': spec.name,
      },
    });
    await channel.bindQueue(`${queue}.retry`, this.name(RETRY_EXCHANGE), spec.name);
  }

  /**
   * An RPC queue (see RpcQueueSpec): no dead-lettering, no retry queue, capped with
   * reject-publish. Declared on a channel of its own: if the queue already exists with other
   * arguments (another process configured with a different VERIGATE_CAPTCHA_RPC_QUEUE_MAX), the
   * broker refuses the declaration; the existing queue is then used as it is, with an error logged,
   * rather than failing the whole connection set-up again and again.
   */
  private async assertRpcQueue(model: ChannelModel, spec: RpcQueueSpec): Promise<void> {
    const queue = this.name(spec.name);
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-queue-type': 'classic', 'x-queue-version': 2, 'x-max-length': this.rpcQueueMaxLength, 'x-overflow': 'reject-publish' },
      });
      for (const b of spec.bindings) await channel.bindQueue(queue, this.name(b.exchange), b.routingKey);
      await channel.close();
    } catch (error) {
      this.logger.error('RPC queue exists with other arguments; using it as it is', { queue, maxLength: this.rpcQueueMaxLength, error: (error as Error).message });
    }
  }

  /**
   * Deletes the queues of earlier versions (OBSOLETE_QUEUES) that still exist, only if empty and
   * without consumers; returns those it had to leave (an operator decides about their messages).
   */
  async deleteObsoleteQueues(): Promise<string[]> {
    const model = this.currentModel;
    if (!model) throw new Error('RabbitMQ is not connected');
    const left: string[] = [];
    for (const logical of OBSOLETE_QUEUES) {
      const queue = this.name(logical);
      // A failed check or delete closes the channel: one channel per queue.
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.checkQueue(queue);
      } catch {
        continue; // does not exist (any more)
      }
      try {
        await channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true });
        await channel.close();
        this.logger.info('obsolete queue deleted', { queue });
      } catch (error) {
        left.push(queue);
        this.logger.warn('obsolete queue not deleted: it still holds messages or has consumers; delete it by hand', { queue, error: (error as Error).message });
      }
    }
    return left;
  }

  /** Publishes and waits for the broker's confirm. Rejects if the broker is unreachable. */
  async publish(exchange: string, routingKey: string, payload: unknown, options: { messageId?: string; headers?: Record<string, unknown> } = {}): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('RabbitMQ is not connected');
    const body = Buffer.from(JSON.stringify(payload));
    const messageId = options.messageId ?? randomUUID();
    // Unique per publish (a messageId may be published twice at once by dispatch and relay).
    const publishId = randomUUID();
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        this.name(exchange),
        routingKey,
        body,
        {
          persistent: true,
          mandatory: true,
          contentType: 'application/json',
          messageId,
          timestamp: Math.floor(Date.now() / 1000),
          headers: { ...withRequestId(options.headers), [PUBLISH_ID_HEADER]: publishId },
        },
        (err: unknown) => {
          if (err) return reject(err instanceof Error ? err : new Error('publish nacked by broker'));
          if (this.returned.delete(publishId)) return reject(new Error(`unroutable: no queue is bound for ${exchange} / ${routingKey}`));
          resolve();
        },
      );
    });
  }

  /**
   * Consumes a work queue. The handler's disposition is applied after it resolves (so after its
   * commit); a handler that throws is treated as `retry`. `retry` goes through the queue's delay
   * queue with no limit by default (a PostgreSQL outage must not dead-letter accepted work);
   * only `dead` (or a quorum queue's delivery limit: a message that kills its consumer) parks a
   * message in `<queue>.dead`.
   */
  async consume<T>(queue: string, prefetch: number, handler: Handler<T>, maxRetries = Infinity): Promise<void> {
    const registration: ConsumerRegistration = {
      queue,
      prefetch,
      handler: handler as Handler<unknown>,
      maxRetries,
      inFlight: new Set(),
    };
    this.consumers.push(registration);
    if (this.currentModel && this.connected && this.consuming) await this.attach(this.currentModel, registration);
  }

  private async attach(model: ChannelModel, consumer: ConsumerRegistration): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.logger.warn('RabbitMQ consumer channel error', { queue: consumer.queue, error: err.message }));
    await channel.prefetch(consumer.prefetch);
    consumer.channel = channel;
    // The broker may close just this channel (e.g. consumer_timeout on a very long call): attach again.
    channel.on('close', () => {
      const stillWanted = () => consumer.channel === channel && !this.closing && this.consuming && this.currentModel === model;
      if (!stillWanted()) return;
      this.retryUntil(stillWanted, () => this.attach(model, consumer), `re-attach consumer of ${consumer.queue}`);
    });
    const reply = await channel.consume(this.name(consumer.queue), (msg) => {
      if (!msg) return; // cancelled by the broker (queue deleted); recovery re-attaches
      const work = this.handle(channel, consumer, msg).finally(() => consumer.inFlight.delete(work));
      consumer.inFlight.add(work);
    }, { noAck: false });
    consumer.tag = reply.consumerTag;
  }

  private async handle(channel: Channel, consumer: ConsumerRegistration, msg: ConsumeMessage): Promise<void> {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
    const retries = Number(headers[RETRY_HEADER] ?? 0) || 0;
    const messageId = String(msg.properties.messageId ?? '');
    const requestId = saneRequestId(headers[REQUEST_ID_HEADER]) ?? undefined;
    let disposition: Disposition;
    let payload: unknown;
    try {
      payload = JSON.parse(msg.content.toString('utf8'));
    } catch {
      disposition = { action: 'dead', reason: 'message body is not JSON' };
    }
    const delivery: Delivery<unknown> = { messageId, payload, redelivered: msg.fields.redelivered, retries, headers, requestId, replyTo: msg.properties.replyTo, correlationId: msg.properties.correlationId };
    // The handler (and all it starts) runs in the message's request context: its log lines and the
    // messages it publishes carry the request id. A message without one runs in no context.
    const run = () => consumer.handler(delivery);
    disposition ??= await (requestId ? runInRequestContext({ requestId }, run) : outsideRequestContext(run))
      .catch((error: unknown): Disposition => ({ action: 'retry', reason: error instanceof Error ? error.message : String(error) }));

    try {
      if (disposition.action === 'ack') {
        channel.ack(msg);
      } else if (disposition.action === 'retry' && retries < consumer.maxRetries) {
        this.logger.warn('message will be retried', { queue: consumer.queue, messageId, retries, reason: disposition.reason });
        await this.publishRaw(RETRY_EXCHANGE, consumer.queue, msg, { ...headers, [RETRY_HEADER]: retries + 1 });
        channel.ack(msg);
      } else {
        const reason = disposition.action === 'retry' ? `gave up after ${retries} retries: ${disposition.reason}` : disposition.reason;
        this.logger.error('message dead-lettered', { queue: consumer.queue, messageId, reason });
        channel.nack(msg, false, false);
      }
    } catch (error) {
      // The channel died under us: the broker redelivers the unacked message; nothing is lost.
      // On a live channel (the retry publish failed), give the message back after a pause rather
      // than hold a prefetch slot forever or spin through the quorum queue's delivery limit.
      setTimeout(() => {
        try { channel.nack(msg, false, true); } catch { /* channel closed meanwhile: redelivered anyway */ }
      }, 2000).unref();
      this.logger.warn('could not settle message; it will be redelivered', { queue: consumer.queue, messageId, error: (error as Error).message });
    }
  }

  private async publishRaw(exchange: string, routingKey: string, msg: ConsumeMessage, headers: Record<string, unknown>): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('RabbitMQ is not connected');
    await new Promise<void>((resolve, reject) => {
      channel.publish(this.name(exchange), routingKey, msg.content, { ...msg.properties, headers, persistent: true }, (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('publish nacked')) : resolve(),
      );
    });
  }

  /**
   * Ready messages and consumers of each logical queue (for /metrics), on a channel opened for
   * the purpose and closed after (a check of a missing queue closes its channel: one more is
   * opened for the rest). Queues that cannot be checked come back with their error.
   */
  async queueStats(logicalQueues: readonly string[]): Promise<QueueStats[]> {
    const model = this.currentModel;
    if (!model || !this.connected) return logicalQueues.map((queue) => ({ queue, error: 'RabbitMQ is not connected' }));
    const stats: QueueStats[] = [];
    let channel: Channel | undefined;
    try {
      for (const queue of logicalQueues) {
        if (!channel) {
          channel = await model.createChannel();
          // A missing queue closes the channel with an error; it is reported per queue below.
          channel.on('error', () => undefined);
        }
        try {
          const ok = await channel.checkQueue(this.name(queue));
          stats.push({ queue, ready: ok.messageCount, consumers: ok.consumerCount });
        } catch (error) {
          stats.push({ queue, error: (error as Error).message });
          channel = undefined; // closed by the broker
        }
      }
    } finally {
      await channel?.close().catch(() => undefined);
    }
    return stats;
  }

  /** Stops taking new messages (in-flight handlers keep running and settle). */
  async stopConsuming(): Promise<void> {
    this.consuming = false;
    for (const consumer of this.consumers) {
      if (consumer.channel && consumer.tag) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    }
  }

  /** Waits for in-flight handlers, up to `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const all = this.consumers.flatMap((c) => [...c.inFlight]);
    await Promise.race([Promise.allSettled(all), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.connected = false;
    // Consumer channels first: a channel's close follows its acks on the wire, so the acks of the
    // work just finished (drain) reach RabbitMQ. Closing only the connection could send its
    // Connection.Close ahead of them (amqplib interleaves channels' frames), and RabbitMQ ignores
    // what follows a close: answered messages were redelivered and done twice by the next instance.
    // Bounded: a broker that no longer answers must not hold the stop (its deadline exits 1 anyway).
    const closeChannels = Promise.all(this.consumers.map((consumer) => consumer.channel?.close().catch(() => undefined)));
    await Promise.race([closeChannels, new Promise((resolve) => setTimeout(resolve, CHANNEL_CLOSE_WAIT_MS).unref())]);
    await this.model?.close().catch(() => undefined);
  }
}

/** `headers` with the request id of the current context added, unless they carry a (sane) one already. */
function withRequestId(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const own = saneRequestId(headers?.[REQUEST_ID_HEADER]);
  const requestId = own ?? currentRequestId();
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: requestId } : { ...headers };
}
