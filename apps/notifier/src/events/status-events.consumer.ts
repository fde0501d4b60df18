import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Queues } from '#libs/contracts';
import { Broker } from '#libs/messaging';
import { EnqueueDeliveryUseCase } from './enqueue-delivery.use-case.js';

/** Messages handled at once per queue: each is one INSERT, so a generous prefetch keeps latency flat under load. */
export const EVENTS_PREFETCH = 64;
/** Handlers still running at shutdown get this long to commit and settle. */
const DRAIN_MS = 5000;

/**
 * The queues whose messages become webhook deliveries: status events and CDRs of every call, and
 * status events of every SMS. Both carry the same envelope (see event-message.ts), so one handler
 * serves them.
 */
export const NOTIFIER_QUEUES = [Queues.notifierCallEvents, Queues.notifierSmsEvents] as const;

/** Consumes the notifier's queues; at shutdown stops and drains them all (the broker tracks every consumer). */
@Injectable()
export class StatusEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly broker: Broker,
    private readonly enqueue: EnqueueDeliveryUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const queue of NOTIFIER_QUEUES) {
      await this.broker.consume<unknown>(queue, EVENTS_PREFETCH, (delivery) => this.enqueue.execute(delivery.payload, delivery.messageId));
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
    await this.broker.drain(DRAIN_MS);
  }
}
