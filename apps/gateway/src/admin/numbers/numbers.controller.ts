import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { AppNumbersRepository } from '../../directory/app-numbers.repository.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { adminValidate, notFound, objectBody } from '../admin-schema.js';
import { AppsAdminService } from '../apps/apps-admin.service.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { numberAddBody, numberUpdateBody } from './numbers.schema.js';

/**
 * Display numbers of an app (the seed's 号显号码): `normal`, `suspended` (callVerify uses another
 * number of the app, 1013119 when there is none) or `revoked` (withdrawn: 1020151).
 */
@Controller('admin/v1/apps/:appKey/numbers')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class NumbersController {
  constructor(
    private readonly numbers: AppNumbersRepository,
    private readonly apps: AppsAdminService,
    private readonly directory: AppDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @Audited<{ number?: string } | undefined>('number.add', (_req, result) => result?.number)
  async add(@Param('appKey') appKey: string, @Body() input: unknown) {
    const body = objectBody(input);
    // The app is looked up between the number and the status, as the order of the answers has always been.
    const { number } = adminValidate(numberAddBody, body, ['number']);
    const app = await this.apps.entity(appKey);
    const { status } = adminValidate(numberAddBody, body);
    const saved = await this.numbers.add(app.id, number, status ?? 'normal');
    this.directory.invalidate(appKey);
    return { number: saved.number, status: saved.status };
  }

  @Get()
  async list(@Param('appKey') appKey: string) {
    const app = await this.apps.entity(appKey);
    return (await this.numbers.ofApp(app.id)).map((n) => ({ number: n.number, status: n.status }));
  }

  @Patch(':number')
  @Audited('number.update', (req) => req.params.number)
  async update(@Param('appKey') appKey: string, @Param('number') number: string, @Body() input: unknown) {
    const { status } = adminValidate(numberUpdateBody, objectBody(input));
    const app = await this.apps.entity(appKey);
    if (!(await this.numbers.setStatus(app.id, number, status))) throw notFound(`number ${number}`);
    this.directory.invalidate(appKey);
    return { number, status };
  }
}
