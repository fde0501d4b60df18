import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Queues } from '#libs/contracts';
import { Broker } from '#libs/messaging';
import { EnqueueDeliveryUseCase } from './enqueue-delivery.use-case.js';

/** Messages handled at once: each is one INSERT, so a generous prefetch keeps latency flat under load. */
export const CALL_EVENTS_PREFETCH = 64;
/** Handlers still running at shutdown get this long to commit and settle. */
const DRAIN_MS = 5000;

/** Consumes `notifier.call-events` (status events and CDRs of every call). */
@Injectable()
export class CallEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly broker: Broker,
    private readonly enqueue: EnqueueDeliveryUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.consume<unknown>(Queues.notifierCallEvents, CALL_EVENTS_PREFETCH, (delivery) =>
      this.enqueue.execute(delivery.payload, delivery.messageId),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
    await this.broker.drain(DRAIN_MS);
  }
}
