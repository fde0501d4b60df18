import { Controller, type BeforeApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Queues } from '#libs/contracts';
import { Broker, BrokerContext, type Disposition } from '#libs/messaging';
import { EnqueueDeliveryUseCase } from './enqueue-delivery.use-case.js';

/** Messages handled at once per queue: each is one INSERT, so a generous prefetch keeps latency flat under load. */
export const EVENTS_PREFETCH = 64;
/** Handlers still running at shutdown get this long to commit and settle. */
const DRAIN_MS = 5000;

/**
 * The queues whose messages become webhook deliveries: status events and CDRs of every call, and
 * status events of every SMS. Both carry the same envelope (see event-message.ts), so one use-case
 * serves them.
 */
export const NOTIFIER_QUEUES = [Queues.notifierCallEvents, Queues.notifierSmsEvents] as const;

/** The notifier's queues (BrokerServer) → EnqueueDeliveryUseCase; at shutdown drains them all (the broker tracks every consumer). */
@Controller()
export class StatusEventsController implements BeforeApplicationShutdown {
  constructor(
    private readonly broker: Broker,
    private readonly enqueue: EnqueueDeliveryUseCase,
  ) {}

  @EventPattern<string>(Queues.notifierCallEvents)
  callEvent(@Payload() event: unknown, @Ctx() context: BrokerContext): Promise<Disposition> {
    return this.enqueue.execute(event, context.getMessageId());
  }

  @EventPattern<string>(Queues.notifierSmsEvents)
  smsEvent(@Payload() event: unknown, @Ctx() context: BrokerContext): Promise<Disposition> {
    return this.enqueue.execute(event, context.getMessageId());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.stopConsuming();
    await this.broker.drain(DRAIN_MS);
  }
}
