import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';

/**
 * The sms worker. Until its capability lands (SPEC §2.2) it starts, connects to
 * PostgreSQL and RabbitMQ (applying migrations) and reports health, so the platform's process
 * layout, configuration and deployment are already final.
 */
@Module({})
export class SmsModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: SmsModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 5 })],
    };
  }
}
