import type { ChannelModel, ConfirmChannel, ConsumeMessage, RecoveringChannelModel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { outsideRequestContext, type JsonLogger } from '#libs/runtime';
import { openConnection } from './connection.js';
import { Consumers, type ConsumerHost, type Handler } from './consumers.js';
import { reopenDelayMs, withRequestId } from './disposition.js';
import {
  checkQueues,
  declareAll,
  declareRpcQueue,
  deleteDrainedQueues,
  deleteObsoleteQueues,
  type QueueStats,
} from './topology-declarer.js';
import { rpcQueuePlan, topologyPlan } from './topology-plan.js';
import { LEGACY_DELAY_QUEUES, RETRY_EXCHANGE, RPC_QUEUES, WORK_QUEUES } from './topology.js';
import { DEFAULT_WAIT_PUMP_PREFETCH, WaitQueuePumps } from './wait-queue-pump.js';

export type { Disposition } from './disposition.js';
export type { Delivery, Handler } from './consumers.js';
export type { QueueStats } from './topology-declarer.js';

/** On close, how long consumer channels get to close (their acks sent) before the connection closes regardless. */
const CHANNEL_CLOSE_WAIT_MS = 2000;
const PUBLISH_ID_HEADER = 'x-verigate-publish-id';

/**
 * One AMQP connection per process (connection.ts), with:
 * - automatic recovery: topology re-asserted and consumers re-attached after every reconnect,
 * - publishing on a confirm channel (persistent, mandatory): `publish` resolves only when the
 *   broker has the message, so a caller may forget it (outbox row deleted) only after that,
 * - consumers (consumers.ts) with manual acks, explicit prefetch, ack after the handler's commit.
 * The decisions (dispositions, retries, topology) are pure: disposition.ts, topology-plan.ts.
 */
export class Broker {
  private model?: RecoveringChannelModel;
  private publishChannel?: ConfirmChannel;
  private connected = false;
  private closing = false;
  private currentModel?: ChannelModel;
  private readonly consumers: Consumers;
  private readonly pumps: WaitQueuePumps;
  /** Publish ids (header PUBLISH_ID_HEADER) the broker returned as unroutable, until their confirm arrives. */
  private readonly returned = new Set<string>();
  /** RPC queues this process serves or calls (logical name → x-max-length), declared on every connect. */
  private readonly rpcQueues = new Map<string, number>();
  /** Extra per-connection set-up (e.g. the RPC client's reply channel), run after every (re)connect. */
  private readonly setupHooks: Array<(model: ChannelModel) => Promise<void>> = [];

  constructor(
    private readonly url: string,
    private readonly namespace: string,
    private readonly logger: JsonLogger,
    options: { waitPumpPrefetch?: number } = {},
  ) {
    const host: ConsumerHost = {
      logger,
      name: (logical) => this.name(logical),
      wanted: (model) => !this.closing && this.currentModel === model,
      retryUntil: (wanted, action, what) => this.retryUntil(wanted, action, what),
      republish: (exchange, routingKey, msg, headers) => this.republish(exchange, routingKey, msg, headers),
    };
    this.consumers = new Consumers(host, RETRY_EXCHANGE);
    this.pumps = new WaitQueuePumps(host, options.waitPumpPrefetch ?? DEFAULT_WAIT_PUMP_PREFETCH);
  }

  /** Runs `action` with backoff (0.5 s … 5 s) until it succeeds or `wanted()` turns false. */
  private retryUntil(wanted: () => boolean, action: () => Promise<unknown>, what: string, attempt = 0): void {
    outsideRequestContext(() =>
      setTimeout(() => {
        if (!wanted()) return;
        action().catch((err: Error) => {
          this.logger.warn(`could not ${what}; will try again`, { attempt, error: err.message });
          this.retryUntil(wanted, action, what, attempt + 1);
        });
      }, reopenDelayMs(attempt)).unref(),
    );
  }

  /** Physical name of a logical exchange or queue. */
  name(logical: string): string {
    return this.namespace ? `${this.namespace}.${logical}` : logical;
  }

  get isConnected(): boolean {
    return this.connected && this.publishChannel !== undefined;
  }

  /** True while this process is stopping (hooks use it to stop re-opening channels). */
  get isClosing(): boolean {
    return this.closing;
  }

  async connect(): Promise<void> {
    this.model = await openConnection(this.url, this.logger, {
      setup: (model) => this.setup(model),
      lost: (err) => {
        this.connected = false;
        this.publishChannel = undefined;
        this.currentModel = undefined;
        if (!this.closing) this.logger.warn('RabbitMQ connection lost; reconnecting', { error: err?.message });
      },
    });
  }

  private async setup(model: ChannelModel): Promise<void> {
    this.currentModel = model;
    const channel = await this.openPublishChannel(model);
    await declareAll(
      channel,
      topologyPlan((logical) => this.name(logical)),
    );
    this.deleteLegacyDelayQueuesWhenDrained(model);
    for (const [queue, maxLength] of this.rpcQueues) await this.assertRpcQueue(model, queue, maxLength);
    await this.consumers.attachAll(model);
    await this.pumps.attachAll(model);
    for (const hook of this.setupHooks) await hook(model);
    this.connected = true;
  }

  /**
   * The legacy classic delay queues (topology.ts LEGACY_DELAY_QUEUES), unbound by the plan, are deleted
   * once their last messages have gone back to their work queue (each within one retry delay);
   * until then this tries again with backoff, for as long as this connection lasts.
   */
  private deleteLegacyDelayQueuesWhenDrained(model: ChannelModel): void {
    let pending = LEGACY_DELAY_QUEUES.filter((legacy) => legacy.deleteWhenDrained).map((legacy) =>
      this.name(legacy.queue),
    );
    const wanted = () => !this.closing && this.currentModel === model && pending.length > 0;
    this.retryUntil(
      wanted,
      async () => {
        pending = await deleteDrainedQueues(model, pending, this.logger);
        if (pending.length > 0) throw new Error(`not empty yet: ${pending.join(', ')}`);
      },
      'delete the legacy delay queues',
    );
  }

  /** Registers per-connection set-up: run now if connected, and after every reconnect. */
  async onSetup(hook: (model: ChannelModel) => Promise<void>): Promise<void> {
    this.setupHooks.push(hook);
    if (this.currentModel && this.connected) await hook(this.currentModel);
  }

  /**
   * Declares an RPC queue of topology.ts RPC_QUEUES with `x-max-length` = `maxLength` (every process
   * must use the same value: queue arguments are fixed): now if connected, and on every connect.
   * Only the processes that serve or call it declare it (the captcha worker and the gateway).
   */
  async declareRpcQueue(logicalName: string, maxLength: number): Promise<void> {
    if (!RPC_QUEUES.some((spec) => spec.name === logicalName))
      throw new Error(`${logicalName} is not an RPC queue of the topology`);
    this.rpcQueues.set(logicalName, maxLength);
    if (this.currentModel && this.connected) await this.assertRpcQueue(this.currentModel, logicalName, maxLength);
  }

  private assertRpcQueue(model: ChannelModel, logicalName: string, maxLength: number): Promise<void> {
    const spec = RPC_QUEUES.find((s) => s.name === logicalName)!;
    return declareRpcQueue(
      model,
      rpcQueuePlan((logical) => this.name(logical), spec, maxLength),
      maxLength,
      this.logger,
    );
  }

  /** Deletes the empty, unused queues of earlier versions (topology.ts OBSOLETE_QUEUES); returns those left. */
  async deleteObsoleteQueues(): Promise<string[]> {
    if (!this.currentModel) throw new Error('RabbitMQ is not connected');
    return deleteObsoleteQueues(this.currentModel, (logical) => this.name(logical), this.logger);
  }

  /** Ready messages and consumers of each logical queue (for /metrics). */
  async queueStats(logicalQueues: readonly string[]): Promise<QueueStats[]> {
    const model = this.currentModel;
    if (!model || !this.connected) return logicalQueues.map((queue) => ({ queue, error: 'RabbitMQ is not connected' }));
    return checkQueues(model, logicalQueues, (logical) => this.name(logical));
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
      this.logger.error('message returned unroutable', {
        exchange: msg.fields.exchange,
        routingKey: msg.fields.routingKey,
        messageId: msg.properties.messageId,
      });
    });
    channel.on('close', () => {
      this.returned.clear();
      if (this.publishChannel !== channel) return;
      this.publishChannel = undefined;
      const stillWanted = () => !this.closing && this.currentModel === model && this.publishChannel === undefined;
      if (stillWanted())
        this.retryUntil(stillWanted, () => this.openPublishChannel(model), 'reopen the publish channel');
    });
    this.publishChannel = channel;
    return channel;
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
      channel.publish(
        '',
        replyTo,
        content,
        { contentType: 'application/json', correlationId, persistent: false },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('reply nacked')) : resolve()),
      );
    });
  }

  /** Publishes and waits for the broker's confirm. Rejects if the broker is unreachable. */
  async publish(
    exchange: string,
    routingKey: string,
    payload: unknown,
    options: { messageId?: string; headers?: Record<string, unknown> } = {},
  ): Promise<void> {
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
          if (this.returned.delete(publishId))
            return reject(new Error(`unroutable: no queue is bound for ${exchange} / ${routingKey}`));
          resolve();
        },
      );
    });
  }

  /** A delivery back through `exchange` (the retry path): same body and properties, new headers. */
  private async republish(
    exchange: string,
    routingKey: string,
    msg: ConsumeMessage,
    headers: Record<string, unknown>,
  ): Promise<void> {
    const channel = this.publishChannel;
    if (!channel) throw new Error('RabbitMQ is not connected');
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        this.name(exchange),
        routingKey,
        msg.content,
        { ...msg.properties, headers, persistent: true },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('publish nacked')) : resolve()),
      );
    });
  }

  /**
   * Consumes a work queue. The handler's disposition is applied after it resolves (so after its
   * commit); a handler that throws is treated as `retry`. `retry` goes through the queue's delay
   * queue with no limit by default (a PostgreSQL outage must not dead-letter accepted work);
   * only `dead` (or a quorum queue's delivery limit: a message that kills its consumer) parks a
   * message in `<queue>.dead`. Workers bind their queues through BrokerServer (nest/broker-server.ts).
   * Consuming a quorum work queue also runs its wait-queue pump (wait-queue-pump.ts): every
   * consumer process sends the retries waiting in `<queue>.wait` back when they are due.
   */
  async consume<T>(queue: string, prefetch: number, handler: Handler<T>, maxRetries = Infinity): Promise<void> {
    const spec = WORK_QUEUES.find((q) => q.name === queue);
    const consumer = this.consumers.register(
      queue,
      prefetch,
      handler as Handler<unknown>,
      maxRetries,
      spec?.retryDelayMs ?? 0,
    );
    const pump = this.pumps.register(spec);
    if (this.currentModel && this.connected && this.consumers.isConsuming) {
      await this.consumers.attach(this.currentModel, consumer);
      if (pump) await this.pumps.attach(this.currentModel, pump);
    }
  }

  /** Stops taking new messages (in-flight handlers keep running and settle). */
  async stopConsuming(): Promise<void> {
    await this.pumps.stop();
    await this.consumers.stop();
  }

  /** Waits for in-flight handlers, up to `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    return this.consumers.drain(timeoutMs);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.connected = false;
    // Consumer channels first: a channel's close follows its acks on the wire, so the acks of the
    // work just finished (drain) reach RabbitMQ. Closing only the connection could send its
    // Connection.Close ahead of them (amqplib interleaves channels' frames), and RabbitMQ ignores
    // what follows a close: answered messages were redelivered and done twice by the next instance.
    // Bounded: a broker that no longer answers must not hold the stop (its deadline exits 1 anyway).
    await this.pumps.stop();
    await Promise.all([
      this.consumers.closeChannels(CHANNEL_CLOSE_WAIT_MS),
      this.pumps.closeChannels(CHANNEL_CLOSE_WAIT_MS),
    ]);
    await this.model?.close().catch(() => undefined);
  }
}
