import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { JsonLogger } from '#libs/runtime';
import type { Broker } from '../broker.js';
import type { Delivery } from '../consumers.js';
import type { Disposition } from '../disposition.js';
import { answerRpc } from '../rpc.js';

/** Transport id of BrokerServer (a custom transport: Nest's own ids name its built-in ones). */
export const BROKER_TRANSPORT = Symbol('verigate-broker');

/** How one queue is consumed; its values come from the app's configuration. */
export interface QueueSettings {
  /** Unacked messages RabbitMQ hands this process at once (the worker's capacity). */
  prefetch: number;
  /** @MessagePattern (RPC) queues: their `x-max-length` (VERIGATE_CAPTCHA_RPC_QUEUE_MAX). */
  rpcQueueMaxLength?: number;
}

/** Per-queue settings (queue name → settings): each worker module provides them under CONSUMER_SETTINGS. */
export type ConsumerSettings = Readonly<Record<string, QueueSettings>>;
export const CONSUMER_SETTINGS = Symbol('CONSUMER_SETTINGS');

/** What the server needs from the app, resolved when it starts listening (after the app's providers exist). */
export interface BrokerServerDependencies {
  broker: Broker;
  settings: ConsumerSettings;
  logger: JsonLogger;
}

/** `@Ctx()` of a BrokerServer handler: the delivery as the Broker received it. */
export class BrokerContext extends BaseRpcContext<[Delivery<unknown>]> {
  getDelivery(): Delivery<unknown> {
    return this.args[0];
  }

  getMessageId(): string {
    return this.args[0].messageId;
  }
}

/**
 * Nest's microservice layer over libs/messaging: every `@EventPattern(queue)` and
 * `@MessagePattern(queue)` handler of the app's controllers is bound to `Broker.consume` on the
 * queue of that name, so the Broker keeps doing what Nest's RMQ transport does not (manual ack
 * after the handler's commit, delayed retries, dead letters, quorum queues, request ids):
 * - an event handler returns a Disposition, applied by the Broker (a throw means `retry`);
 * - a message handler's return value is the RPC answer (answerRpc: deadline, reply-to,
 *   correlation id; a Buffer is sent as it is), the request acked, never retried.
 * Each queue needs its QueueSettings (prefetch from configuration). `close` (the first step of
 * `app.close()`) cancels the consumers; the app's shutdown hooks then drain what is in flight.
 */
export class BrokerServer extends Server implements CustomTransportStrategy {
  override readonly transportId = BROKER_TRANSPORT;
  private broker?: Broker;

  constructor(private readonly resolve: () => BrokerServerDependencies) {
    super();
  }

  override async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const { broker, settings, logger } = this.resolve();
      this.broker = broker;
      for (const [queue, handler] of this.messageHandlers) {
        const queueSettings = settings[queue];
        if (!queueSettings) throw new Error(`no consumer settings (prefetch) for queue ${queue}`);
        if (handler.isEventHandler) {
          await broker.consume(queue, queueSettings.prefetch, (delivery) => this.disposition(handler, delivery));
        } else {
          if (queueSettings.rpcQueueMaxLength === undefined)
            throw new Error(`no rpcQueueMaxLength for RPC queue ${queue}`);
          await broker.declareRpcQueue(queue, queueSettings.rpcQueueMaxLength);
          // maxRetries 0: a request whose handler throws is dropped (the requester times out), never retried.
          await broker.consume(
            queue,
            queueSettings.prefetch,
            (delivery) => answerRpc(broker, queue, delivery, () => this.invoke(handler, delivery), logger),
            0,
          );
        }
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** The handler's result through Nest's pipeline (interceptors, filters); an error rejects. */
  private async invoke(handler: MessageHandler, delivery: Delivery<unknown>): Promise<unknown> {
    const result = await handler(delivery.payload, new BrokerContext([delivery]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private async disposition(handler: MessageHandler, delivery: Delivery<unknown>): Promise<Disposition> {
    const result = (await this.invoke(handler, delivery)) as Disposition | undefined;
    if (!result || typeof result !== 'object' || !['ack', 'retry', 'dead'].includes(result.action)) {
      throw new Error('event handler did not return a disposition');
    }
    return result;
  }

  /** Stops taking new messages; in-flight handlers go on (the apps' shutdown hooks drain them). */
  override async close(): Promise<void> {
    await this.broker?.stopConsuming();
  }

  override on(): never {
    throw new Error('BrokerServer emits no events: the Broker logs its connection state');
  }

  override unwrap<T>(): T {
    if (!this.broker) throw new Error('BrokerServer is not listening');
    return this.broker as T;
  }
}
