import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Queues } from '#libs/contracts';
import { CONSUMER_SETTINGS, type ConsumerSettings } from '#libs/messaging';
import { PlatformModule } from '#libs/platform';
import { APP_LOGGER, PLATFORM_CONFIG, type JsonLogger, type PlatformConfig } from '#libs/runtime';
import { SmsMessagesRepository, VerificationsRepository } from '#libs/persistence';
import { createSmsProvider } from './providers/provider.factory.js';
import { SMS_PROVIDER } from './providers/sms-provider.js';
import { RecordReceiptUseCase } from './receipts/record-receipt.use-case.js';
import { SendSmsController } from './send/send-sms.controller.js';
import { SendSmsUseCase } from './send/send-sms.use-case.js';
import { VerificationSweeper } from './verifications/verification-sweeper.service.js';

/** The sms worker: consumes send commands, submits through the configured provider, records receipts, sweeps verifications (fallback calls, expiries). */
@Module({})
export class SmsModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: SmsModule,
      // The worker writes status notifications to the outbox: it runs the relay too.
      imports: [
        PlatformModule.register({ config, logger, poolSize: 10, runOutboxRelay: true, queues: [Queues.smsSend] }),
      ],
      controllers: [SendSmsController],
      providers: [
        SmsMessagesRepository,
        VerificationsRepository,
        VerificationSweeper,
        SendSmsUseCase,
        RecordReceiptUseCase,
        {
          provide: CONSUMER_SETTINGS,
          useValue: { [Queues.smsSend]: { prefetch: config.sms.prefetch } } satisfies ConsumerSettings,
        },
        {
          provide: SMS_PROVIDER,
          inject: [PLATFORM_CONFIG, DataSource, APP_LOGGER],
          useFactory: (c: PlatformConfig, dataSource: DataSource, log: JsonLogger) =>
            createSmsProvider(c, dataSource, log),
        },
      ],
    };
  }
}
