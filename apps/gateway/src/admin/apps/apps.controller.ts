import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { AppsAdminService } from './apps-admin.service.js';

@Controller('admin/v1/apps')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class AppsController {
  constructor(private readonly apps: AppsAdminService) {}

  @Post()
  @HttpCode(201)
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
  update(@Param('appKey') appKey: string, @Body() body: unknown) {
    return this.apps.update(appKey, body);
  }

  @Post(':appKey/secret')
  @HttpCode(200)
  rotateSecret(@Param('appKey') appKey: string) {
    return this.apps.rotateSecret(appKey);
  }
}
