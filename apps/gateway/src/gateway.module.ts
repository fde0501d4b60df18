import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { AdminModule } from './admin/admin.module.js';
import { CaptchaGatewayModule } from './captcha/captcha-gateway.module.js';
import { ConsoleController } from './console/console.controller.js';
import { DocsController } from './docs/docs.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { SdkModule } from './sdk/sdk.module.js';
import { SmsGatewayModule } from './sms/sms-gateway.module.js';
import { VerificationsGatewayModule } from './verifications/verifications-gateway.module.js';
import { VoiceGatewayModule } from './voice/voice-gateway.module.js';

@Module({})
export class GatewayModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.register({
          config,
          logger,
          poolSize: 20,
          statementTimeoutMs: config.controls.statementTimeoutMs,
          runOutboxRelay: true,
          readReplica: true,
        }),
        SdkModule,
        CaptchaGatewayModule,
        SmsGatewayModule,
        VoiceGatewayModule,
        VerificationsGatewayModule,
        AdminModule,
      ],
      controllers: [HealthController, MetricsController, DocsController, ConsoleController],
    };
  }
}
