import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Query,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { NumberListsRepository } from '../../directory/number-lists.repository.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { adminValidate, notFound, objectBody } from '../admin-schema.js';
import { AppsAdminService } from '../apps/apps-admin.service.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { listEntryBody, listsQuery } from './lists.schema.js';

/**
 * Black and white lists of numbers, platform-wide or for one app (`appKey`). Enforced by
 * callVerify: 1013004 callee blacklisted, 1013010 display number blacklisted, 1013011 callee not
 * on a whitelist that applies to the app.
 */
@Controller('admin/v1/lists')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class ListsController {
  constructor(
    private readonly lists: NumberListsRepository,
    private readonly apps: AppsAdminService,
    private readonly directory: AppDirectory,
  ) {}

  @Post()
  @HttpCode(201)
  @Audited<{ number?: string } | undefined>('list.add', (_req, result) => result?.number, (_req, result) => result)
  async add(@Body() input: unknown) {
    const entry = await this.entry(objectBody(input));
    await this.lists.add(entry.values);
    this.invalidate(entry.appKey);
    return { list: entry.values.list, number: entry.values.number, appKey: entry.appKey ?? null };
  }

  /** `DELETE /admin/v1/lists?list=…&number=…[&appKey=…]` (or the same fields as a JSON body). */
  @Delete()
  @Audited<{ list?: string; number?: string; appKey?: string | null } | undefined>(
    'list.remove',
    (_req, result) => result?.number,
    (_req, result) => ({ list: result?.list, number: result?.number, appKey: result?.appKey }),
  )
  async remove(@Query() query: Record<string, unknown>, @Body() input: unknown) {
    const fields = input && typeof input === 'object' && !Array.isArray(input) ? objectBody(input) : query;
    const entry = await this.entry(fields);
    if (!(await this.lists.remove(entry.values))) throw notFound(`${entry.values.list} entry ${entry.values.number}`);
    this.invalidate(entry.appKey);
    return { list: entry.values.list, number: entry.values.number, appKey: entry.appKey ?? null, removed: true };
  }

  @Get()
  async list(@Query('list') list?: string, @Query('appKey') appKey?: string) {
    const { list: name } = adminValidate(listsQuery, { list }, ['list']);
    const appId = appKey ? (await this.apps.entity(appKey)).id : null;
    const rows = await this.lists.find(name, appId);
    return rows.map((r) => ({ list: r.list, number: r.number, appKey: appKey ?? null, createdAt: r.createdAt }));
  }

  private async entry(body: Record<string, unknown>) {
    const { list, number, appKey } = adminValidate(listEntryBody, body);
    const appId = appKey ? (await this.apps.entity(appKey)).id : null;
    return { appKey, values: { list, number, appId } };
  }

  private invalidate(appKey: string | undefined): void {
    if (appKey) this.directory.invalidate(appKey);
    else this.directory.invalidatePlatformLists();
  }
}
