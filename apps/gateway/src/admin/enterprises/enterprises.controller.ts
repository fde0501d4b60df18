import { Body, Controller, Get, Param, Put, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { AppDirectory } from '../../directory/app-directory.service.js';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { adminValidate, invalid, objectBody } from '../admin-schema.js';
import { enterprisePutBody } from './enterprises.schema.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { EnterprisesRepository } from './enterprises.repository.js';

const ENTERPRISE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Sub-enterprises: a group of apps an operator can suspend at once (callVerify then answers
 * 1013122 for each of them). An app joins one with `PATCH /admin/v1/apps/{appKey}` `{enterpriseId}`.
 */
@Controller('admin/v1/enterprises')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class EnterprisesController {
  constructor(
    private readonly enterprises: EnterprisesRepository,
    private readonly directory: AppDirectory,
  ) {}

  /** Creates or updates: `{status: "normal" | "suspended"}`. */
  @Put(':id')
  @Audited('enterprise.put', (req) => (req.params as { id?: string }).id, (_req, result) => result)
  async put(@Param('id') id: string, @Body() input: unknown) {
    if (!ENTERPRISE_ID.test(id)) throw invalid('id', '1-64 letters, digits, _ . -');
    const status = adminValidate(enterprisePutBody, objectBody(input)).status ?? 'normal';
    await this.enterprises.put(id, status);
    // The status is part of every cached app of the enterprise.
    this.directory.invalidateAll();
    return { id, status };
  }

  @Get()
  async list() {
    const rows = await this.enterprises.list();
    return rows.map((e) => ({ id: e.id, status: e.status, createdAt: e.createdAt, updatedAt: e.updatedAt }));
  }
}
