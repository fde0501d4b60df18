import { Module, type DynamicModule } from '@nestjs/common';
import { CAPTCHA_RPC_QUEUE } from '#libs/contracts';
import { CONSUMER_SETTINGS, type ConsumerSettings } from '#libs/messaging';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { CaptchaService } from './challenges/captcha.service.js';
import { Backgrounds } from './images/background.js';
import { CallerLimits } from './limits/caller-limits.repository.js';
import { CaptchaRpcController } from './rpc/captcha-rpc.controller.js';
import { CaptchaSessions } from '#libs/persistence';

/**
 * The captcha worker (docs/contract.md#image-captcha): serves get / check / verify requests from the gateway over
 * RabbitMQ (queue `captcha.rpc.v2`); sessions and rate-limit counters live in PostgreSQL, so any
 * number of workers (and gateways) can serve any step.
 */
@Module({})
export class CaptchaModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: CaptchaModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 5, queues: [CAPTCHA_RPC_QUEUE] })],
      controllers: [CaptchaRpcController],
      providers: [
        { provide: Backgrounds, useValue: new Backgrounds() },
        CaptchaSessions,
        CallerLimits,
        CaptchaService,
        // The RPC queue's settings: this worker's prefetch, and its x-max-length (the gateway declares it with the same).
        {
          provide: CONSUMER_SETTINGS,
          useValue: {
            [CAPTCHA_RPC_QUEUE]: {
              prefetch: config.captcha.prefetch,
              rpcQueueMaxLength: config.captcha.rpcQueueMaxLength,
            },
          } satisfies ConsumerSettings,
        },
      ],
    };
  }
}
