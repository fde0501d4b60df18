import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { currentRequestId, REQUEST_ID_HEADER, type JsonLogger } from '#libs/runtime';
import type { Broker } from './broker.js';
import type { Delivery } from './consumers.js';
import type { Disposition } from './disposition.js';

/** RabbitMQ's direct reply-to pseudo-queue: replies come straight back on the requester's channel. */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * Header of every request: the absolute time (epoch ms, the caller's clock) after which nobody
 * waits for the answer. answerRpc drops a request that reaches its handler later than that.
 */
export const RPC_DEADLINE_HEADER = 'x-deadline';

/** No answer within the timeout (worker down, overloaded, or the request expired in the queue). */
export class RpcTimeoutError extends Error {
  constructor(
    readonly routingKey: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer to ${routingKey} within ${timeoutMs} ms`);
  }
}

/** The request could not be sent at all (not connected, no queue bound for it, or the queue is full). */
export class RpcUnavailableError extends Error {}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/response over RabbitMQ. A request is published to a durable RPC queue (topology.ts
 * RPC_QUEUES; through an exchange, mandatory) with `expiration` = the timeout, so a request
 * nobody can answer in time is dropped by the broker rather than processed late, and header
 * RPC_DEADLINE_HEADER, so one already delivered to a busy worker is skipped there; `replyTo` =
 * direct reply-to and a correlation id: the answer comes back on this client's channel. The
 * channel is in confirm mode: a request refused by a full queue (reject-publish) is nacked and
 * fails at once with RpcUnavailableError. One channel per connection, re-created after every
 * reconnect by the broker's set-up hook (same TCP connection: no-delay).
 */
export class RpcClient {
  private channel?: ConfirmChannel;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly broker: Broker,
    private readonly logger: JsonLogger,
  ) {}

  async start(): Promise<void> {
    await this.broker.onSetup((model) => this.attach(model));
  }

  private async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (err: Error) => this.logger.warn('RPC channel error', { error: err.message }));
    channel.on('return', (msg: ConsumeMessage) => {
      this.settle(
        String(msg.properties.correlationId ?? ''),
        undefined,
        new RpcUnavailableError(`no queue is bound for ${msg.fields.routingKey}`),
      );
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      // In-flight requests can no longer get their answer (it would go to the old channel).
      for (const id of [...this.pending.keys()])
        this.settle(id, undefined, new RpcUnavailableError('RabbitMQ channel closed'));
      const retry = (delay: number) =>
        setTimeout(() => {
          if (this.channel || this.broker.isClosing) return;
          this.attach(model).catch(() => retry(Math.min(5000, delay * 2)));
        }, delay).unref();
      retry(200);
    });
    // The answer's bytes as they came: `call` parses them, `callRaw` callers may not need to.
    await channel.consume(
      DIRECT_REPLY_TO,
      (msg) => {
        if (msg) this.settle(String(msg.properties.correlationId ?? ''), msg.content);
      },
      { noAck: true },
    );
    this.channel = channel;
  }

  private settle(correlationId: string, value: unknown, error?: Error): void {
    const pending = this.pending.get(correlationId);
    if (!pending) return; // late answer after a timeout: dropped
    this.pending.delete(correlationId);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  /** Sends `payload` and resolves with the answer; rejects with RpcTimeoutError / RpcUnavailableError. */
  async call<T>(exchange: string, routingKey: string, payload: unknown, timeoutMs: number): Promise<T> {
    const content = await this.callRaw(exchange, routingKey, payload, timeoutMs);
    try {
      return JSON.parse(content.toString('utf8')) as T;
    } catch {
      throw new Error('RPC answer is not JSON');
    }
  }

  /**
   * As `call`, but resolves with the answer's JSON bytes unparsed: for a caller that forwards a
   * large answer as it is (the captcha gateway: ~50 kB of images per `get`) and only needs to
   * look at a small part of it.
   */
  callRaw(exchange: string, routingKey: string, payload: unknown, timeoutMs: number): Promise<Buffer> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new RpcUnavailableError('RabbitMQ is not connected'));
    const correlationId = randomUUID();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(correlationId, undefined, new RpcTimeoutError(routingKey, timeoutMs)),
        timeoutMs,
      );
      this.pending.set(correlationId, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        channel.publish(
          this.broker.name(exchange),
          routingKey,
          Buffer.from(JSON.stringify(payload)),
          {
            replyTo: DIRECT_REPLY_TO,
            correlationId,
            expiration: String(timeoutMs),
            headers: { [RPC_DEADLINE_HEADER]: String(Date.now() + timeoutMs), ...requestIdHeader() },
            mandatory: true,
            persistent: false,
            contentType: 'application/json',
          },
          (err: unknown) => {
            // Nacked: the queue is full (x-overflow reject-publish) or the broker could not take it.
            if (err)
              this.settle(
                correlationId,
                undefined,
                new RpcUnavailableError(`RabbitMQ refused the request for ${routingKey} (queue full)`),
              );
          },
        );
      } catch (error) {
        this.settle(correlationId, undefined, new RpcUnavailableError((error as Error).message));
      }
    });
  }

  /** Fails every request still waiting (used on shutdown). */
  stop(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, new RpcUnavailableError('shutting down'));
  }
}

/** True when a request's RPC_DEADLINE_HEADER (epoch ms) has passed: nobody waits for its answer any more. */
export function isPastDeadline(headers: Record<string, unknown>, now = Date.now()): boolean {
  const deadline = Number(headers[RPC_DEADLINE_HEADER]);
  return Number.isFinite(deadline) && deadline > 0 && now > deadline;
}

/**
 * Answers one RPC request: the answer `produce` makes goes to the requester's `replyTo` (a Buffer
 * as it is, anything else as its JSON), then the request is acked. Requests are never retried:
 * the requester has its own timeout. A request that reaches this worker after its deadline
 * (RPC_DEADLINE_HEADER; e.g. it waited in the prefetch buffer while the worker was busy) is acked
 * without calling `produce` or answering: its caller has given up, and a late `check` or `verify`
 * would burn a token or a credential. Used by `serveRpc` and by BrokerServer's @MessagePattern handlers.
 */
export async function answerRpc(
  broker: Broker,
  queue: string,
  delivery: Delivery<unknown>,
  produce: () => Promise<unknown>,
  logger: JsonLogger,
): Promise<Disposition> {
  if (isPastDeadline(delivery.headers)) {
    logger.debug('RPC request past its deadline: skipped', {
      queue,
      lateMs: Date.now() - Number(delivery.headers[RPC_DEADLINE_HEADER]),
    });
    return { action: 'ack' };
  }
  const answer = await produce();
  if (delivery.replyTo) {
    await broker
      .reply(delivery.replyTo, delivery.correlationId, answer)
      .catch((error: Error) => logger.warn('could not send RPC answer', { queue, error: error.message }));
  }
  return { action: 'ack' };
}

/**
 * Serves requests from a durable RPC queue with manual acks and an explicit prefetch (see
 * answerRpc): the handler's answer (or `onError`'s, if it throws) goes to the requester.
 * The workers use BrokerServer (@MessagePattern) instead; this is the same thing without Nest.
 */
export async function serveRpc<Req, Res>(
  broker: Broker,
  queue: string,
  prefetch: number,
  handler: (request: Req) => Promise<Res>,
  onError: (error: unknown, request: Req) => Res,
  logger: JsonLogger,
  /** Writes the answer's JSON bytes (default: JSON.stringify), for answers with a cheaper way to the same bytes. */
  encode?: (answer: Res) => Buffer,
): Promise<void> {
  await broker.consume<Req>(
    queue,
    prefetch,
    (delivery) =>
      answerRpc(
        broker,
        queue,
        delivery,
        async () => {
          let answer: Res;
          try {
            answer = await handler(delivery.payload);
          } catch (error) {
            answer = onError(error, delivery.payload);
          }
          return encode ? encode(answer) : answer;
        },
        logger,
      ),
    0,
  );
}

/** The current request id as an AMQP header (the worker's log lines for the request carry it). */
function requestIdHeader(): Record<string, string> {
  const requestId = currentRequestId();
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
}
