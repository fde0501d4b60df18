import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '#libs/platform';
import type { JsonLogger, PlatformConfig } from '#libs/runtime';
import { AppsAdminService } from './admin/apps/apps-admin.service.js';
import { AppsController } from './admin/apps/apps.controller.js';
import { AuditController } from './admin/audit/audit.controller.js';
import { AuditInterceptor } from './admin/audit/audit.interceptor.js';
import { CaptchaGatewayModule } from './captcha/captcha-gateway.module.js';
import { SdkModule } from './sdk/sdk.module.js';
import { SmsGatewayModule } from './sms/sms-gateway.module.js';
import { CallsController } from './admin/calls/calls.controller.js';
import { EnterprisesController } from './admin/enterprises/enterprises.controller.js';
import { IpRulesController } from './admin/ip-rules/ip-rules.controller.js';
import { ListsController } from './admin/lists/lists.controller.js';
import { NumbersController } from './admin/numbers/numbers.controller.js';
import { OperatorTokenGuard } from './admin/operator-token.guard.js';
import { SmsAdminService } from './admin/sms/sms-admin.service.js';
import { SmsAdminController } from './admin/sms/sms-admin.controller.js';
import { TonesController } from './admin/tones/tones.controller.js';
import { AppDirectory } from './directory/app-directory.service.js';
import { DocsController } from './docs/docs.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { AkskAuthenticator } from './voice/aksk-authenticator.service.js';
import { CallVerifyController } from './voice/call-verify.controller.js';
import { CallVerifyUseCase } from './voice/call-verify.use-case.js';
import { IpGuard } from './voice/ip-guard.service.js';
import { VoicePortGauge } from './voice/voice-port-gauge.service.js';

@Module({})
export class GatewayModule {
  static register(config: PlatformConfig, logger: JsonLogger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.register({ config, logger, poolSize: 20, statementTimeoutMs: config.controls.statementTimeoutMs, runOutboxRelay: true }), SdkModule, CaptchaGatewayModule, SmsGatewayModule],
      controllers: [HealthController, MetricsController, DocsController, CallVerifyController, AppsController, NumbersController, TonesController, ListsController, CallsController, AuditController, EnterprisesController, IpRulesController, SmsAdminController],
      providers: [AppDirectory, IpGuard, AkskAuthenticator, VoicePortGauge, CallVerifyUseCase, AppsAdminService, SmsAdminService, OperatorTokenGuard, AuditInterceptor],
    };
  }
}
