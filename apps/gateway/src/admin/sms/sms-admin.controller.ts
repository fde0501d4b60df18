import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { listFormat } from '../admin-query.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { SmsAdminService } from './sms-admin.service.js';

/**
 * SMS verification codes for operators (read only, so nothing to audit): messages and the
 * development inbox. Never the code: its hash and sealed form are not selected.
 */
@Controller('admin/v1/sms')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
export class SmsAdminController {
  constructor(private readonly sms: SmsAdminService) {}

  /**
   * JSON (default): pages of `limit`, newest first; `nextBefore` given as `before` fetches the
   * next page. `format=csv`: every matching message, oldest first, streamed.
   */
  @Get()
  list(
    @Query('appKey') appKey?: string,
    @Query('mobile') mobile?: string,
    @Query('messageId') messageId?: string,
    @Query('status') status?: string,
    @Query('type') type?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('format') format?: string,
    @Query('before') before?: string,
  ) {
    const filter = { appKey, mobile, messageId, status, type, from, to };
    return listFormat(format) === 'csv' ? this.sms.exportCsv(filter) : this.sms.list(filter, limit, before);
  }

  // Declared before `:messageId`, which would otherwise take "dev-inbox" for an id.
  @Get('dev-inbox')
  devInbox(@Query('mobile') mobile?: string, @Query('limit') limit?: string) {
    return this.sms.devInbox(mobile, limit);
  }

  @Get(':messageId')
  get(@Param('messageId') messageId: string) {
    return this.sms.get(messageId);
  }
}
