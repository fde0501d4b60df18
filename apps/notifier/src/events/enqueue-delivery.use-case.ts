import { Inject, Injectable } from '@nestjs/common';
import type { Disposition } from '#libs/messaging';
import { APP_LOGGER, currentRequestId, JsonLogger } from '#libs/runtime';
import { MicroBatcher } from '../batching/micro-batcher.js';
import { DeliveryDispatcher } from '../deliveries/delivery-dispatcher.service.js';
import { WebhookDeliveriesRepository, type NewDelivery } from '../deliveries/webhook-deliveries.repository.js';
import { parseEventMessage } from './event-message.js';

/**
 * Turns a call event, CDR or SMS status event into a webhook delivery row (idempotent: a redelivered message finds
 * its row), then wakes the dispatcher so sending starts at once. The message is acked only after
 * the row is committed; a database error throws and the broker retries the message. Messages
 * handled at the same moment share one INSERT (see MicroBatcher).
 */
@Injectable()
export class EnqueueDeliveryUseCase {
  private readonly inserts: MicroBatcher<NewDelivery, string | null>;

  constructor(
    deliveries: WebhookDeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {
    this.inserts = new MicroBatcher((items) => deliveries.insertMany(items), { maxBatch: 200, maxConcurrent: 2 });
  }

  async execute(payload: unknown, messageId: string): Promise<Disposition> {
    const parsed = parseEventMessage(payload);
    if (parsed.outcome === 'malformed') return { action: 'dead', reason: `malformed event message: ${parsed.reason}` };
    if (parsed.outcome === 'no-url') {
      this.logger.debug('no webhook URL; nothing to deliver', {
        sessionId: parsed.sessionId,
        stream: parsed.stream,
        messageId,
      });
      return { action: 'ack' };
    }
    // The request id of the event's message: the dispatcher logs it with every attempt.
    const delivery = { ...parsed.delivery, requestId: currentRequestId() ?? null };
    const deliveryId = await this.inserts.add(delivery);
    if (deliveryId) {
      this.dispatcher.poke(deliveryId);
      this.logger.debug('webhook delivery queued', {
        sessionId: delivery.sessionId,
        deliveryId,
        stream: delivery.stream,
        seq: delivery.seq,
      });
    } else {
      this.logger.debug('duplicate event message skipped', {
        sessionId: delivery.sessionId,
        stream: delivery.stream,
        messageId,
      });
    }
    return { action: 'ack' };
  }
}
