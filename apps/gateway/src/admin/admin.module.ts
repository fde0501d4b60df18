import { FraudPrefixesController } from './fraud/fraud-prefixes.controller.js';
import { FraudPrefixesRepository } from './fraud/fraud-prefixes.repository.js';
import { Module } from '@nestjs/common';
import {
  CallEventsRepository,
  CallSessionsRepository,
  CdrsRepository,
  SmsDevInboxRepository,
  SmsMessagesRepository,
  ToneFilesRepository,
  VoiceWorkersRepository,
} from '#libs/persistence';
import { DirectoryModule } from '../directory/directory.module.js';
import { PolicyModule } from '../policy/policy.module.js';
import { AppsAdminService } from './apps/apps-admin.service.js';
import { AppsController } from './apps/apps.controller.js';
import { AuditLogRepository } from './audit/audit-log.repository.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { CallRecordsService } from './calls/call-records.service.js';
import { CallsController } from './calls/calls.controller.js';
import { WebhookDeliveriesGatewayReadRepository } from './calls/webhook-deliveries.gateway-read.repository.js';
import { EnterprisesController } from './enterprises/enterprises.controller.js';
import { EnterprisesRepository } from './enterprises/enterprises.repository.js';
import { IpRulesController } from './ip-rules/ip-rules.controller.js';
import { ListsController } from './lists/lists.controller.js';
import { NumbersController } from './numbers/numbers.controller.js';
import { OperatorTokenGuard } from './operator-token.guard.js';
import { OverviewController } from './overview/overview.controller.js';
import { OverviewRepository } from './overview/overview.repository.js';
import { OverviewService } from './overview/overview.service.js';
import { SmsAdminController } from './sms/sms-admin.controller.js';
import { SmsAdminService } from './sms/sms-admin.service.js';
import { TonesController } from './tones/tones.controller.js';
import { TonesService } from './tones/tones.service.js';

/** The management API (`/admin/v1`): operator token, audit log, apps and their resources, records. */
@Module({
  imports: [DirectoryModule, PolicyModule],
  controllers: [
    AppsController,
    NumbersController,
    TonesController,
    ListsController,
    CallsController,
    AuditController,
    EnterprisesController,
    IpRulesController,
    SmsAdminController,
    OverviewController,
    FraudPrefixesController,
  ],
  providers: [
    OperatorTokenGuard,
    AuditInterceptor,
    AppsAdminService,
    SmsAdminService,
    CallRecordsService,
    AuditLogRepository,
    EnterprisesRepository,
    ToneFilesRepository,
    TonesService,
    WebhookDeliveriesGatewayReadRepository,
    CallSessionsRepository,
    CallEventsRepository,
    CdrsRepository,
    SmsMessagesRepository,
    SmsDevInboxRepository,
    OverviewRepository,
    OverviewService,
    VoiceWorkersRepository,
    FraudPrefixesRepository,
  ],
})
export class AdminModule {}
