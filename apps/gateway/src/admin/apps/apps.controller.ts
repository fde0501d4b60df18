import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { AppsAdminService } from './apps-admin.service.js';

@Controller('admin/v1/apps')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class AppsController {
  constructor(private readonly apps: AppsAdminService) {}

  @Post()
  @HttpCode(201)
  @Audited<{ appKey?: string } | undefined>('app.create', (_req, result) => result?.appKey)
  create(@Body() body: unknown) {
    return this.apps.create(body);
  }

  @Get()
  list() {
    return this.apps.list();
  }

  @Get(':appKey')
  get(@Param('appKey') appKey: string) {
    return this.apps.get(appKey);
  }

  @Patch(':appKey')
  @Audited('app.update', (req) => req.params.appKey)
  update(@Param('appKey') appKey: string, @Body() body: unknown) {
    return this.apps.update(appKey, body);
  }

  @Post(':appKey/secret')
  @HttpCode(200)
  @Audited('app.rotate-secret', (req) => req.params.appKey, (req) => ({ appKey: req.params.appKey }))
  rotateSecret(@Param('appKey') appKey: string) {
    return this.apps.rotateSecret(appKey);
  }

  /** Creates or rotates the app's Standard Webhooks signing secret (shown once). */
  @Post(':appKey/webhook-secret')
  @HttpCode(200)
  @Audited('app.webhook-secret', (req) => req.params.appKey, (req) => ({ appKey: req.params.appKey }))
  issueWebhookSecret(@Param('appKey') appKey: string) {
    return this.apps.issueWebhookSecret(appKey);
  }

  /** Stops sending the Standard Webhooks headers for the app. */
  @Delete(':appKey/webhook-secret')
  @Audited('app.webhook-secret.remove', (req) => req.params.appKey, (req) => ({ appKey: req.params.appKey }))
  removeWebhookSecret(@Param('appKey') appKey: string) {
    return this.apps.removeWebhookSecret(appKey);
  }
}
