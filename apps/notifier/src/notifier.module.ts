import { Module, type DynamicModule } from '@nestjs/common';
import { CONSUMER_SETTINGS, type ConsumerSettings } from '#libs/messaging';
import { AppsRepository } from '#libs/persistence';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { DeliveryAttemptsRepository } from './deliveries/delivery-attempts.repository.js';
import { DeliveryDispatcher } from './deliveries/delivery-dispatcher.service.js';
import { DeliveryLeasesRepository } from './deliveries/delivery-leases.repository.js';
import { WebhookClient } from './deliveries/webhook-client.js';
import { WebhookDeliveriesRepository } from './deliveries/webhook-deliveries.repository.js';
import { WebhookSigner } from './deliveries/webhook-signer.js';
import { EnqueueDeliveryUseCase } from './events/enqueue-delivery.use-case.js';
import { EVENTS_PREFETCH, NOTIFIER_QUEUES, StatusEventsController } from './events/status-events.controller.js';

/**
 * The notifier worker (docs/contract.md#notifications): call events, CDRs and SMS status events from RabbitMQ become
 * webhook deliveries in PostgreSQL, sent to the customer's statusUrl / feeUrl / SMS status URL in
 * order per session (per message for SMS), with retries.
 */
@Module({})
export class NotifierModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: NotifierModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 10, queues: NOTIFIER_QUEUES })],
      controllers: [StatusEventsController],
      providers: [
        WebhookClient,
        WebhookSigner,
        AppsRepository,
        WebhookDeliveriesRepository,
        DeliveryLeasesRepository,
        DeliveryAttemptsRepository,
        DeliveryDispatcher,
        EnqueueDeliveryUseCase,
        {
          provide: CONSUMER_SETTINGS,
          useValue: Object.fromEntries(
            NOTIFIER_QUEUES.map((queue) => [queue, { prefetch: EVENTS_PREFETCH }]),
          ) satisfies ConsumerSettings,
        },
      ],
      exports: [DeliveryDispatcher],
    };
  }
}
