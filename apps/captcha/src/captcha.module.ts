import { Module, type DynamicModule } from '@nestjs/common';
import { CAPTCHA_RPC_QUEUE } from '#libs/contracts';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { CaptchaService } from './challenges/captcha.service.js';
import { Backgrounds } from './images/background.js';
import { CallerLimits } from './limits/caller-limits.repository.js';
import { CaptchaRpcConsumer } from './rpc/captcha-rpc.consumer.js';
import { CaptchaSessions } from '#libs/persistence';

/**
 * The captcha worker (SPEC §2.1): serves get / check / verify requests from the gateway over
 * RabbitMQ (queue `captcha.rpc.v2`); sessions and rate-limit counters live in PostgreSQL, so any
 * number of workers (and gateways) can serve any step.
 */
@Module({})
export class CaptchaModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: CaptchaModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 5, queues: [CAPTCHA_RPC_QUEUE] })],
      providers: [{ provide: Backgrounds, useValue: new Backgrounds() }, CaptchaSessions, CallerLimits, CaptchaService, CaptchaRpcConsumer],
    };
  }
}
