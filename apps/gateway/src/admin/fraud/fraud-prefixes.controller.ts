import { Controller, Delete, Get, Inject, Param, Query, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { adminValidate, invalid, notFound } from '../admin-schema.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { FraudPrefixesRepository } from './fraud-prefixes.repository.js';
import { fraudPrefixesQuery } from './fraud-prefixes.schema.js';

const PREFIX = /^\+?([0-9]{1,15})$/;

/**
 * The verification API's fraud guard (docs/verifications.md#fraud-guard): the destination
 * prefixes it blocked, with their figures and why, and the lift. Blocks and lifts take effect at
 * once on every gateway (they are read in the accepting statement).
 */
@Controller('admin/v1/fraud')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class FraudPrefixesController {
  constructor(
    private readonly prefixes: FraudPrefixesRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Blocked prefixes, newest first; `?lifted=true` lists lifted ones too. */
  @Get('prefixes')
  async list(@Query('lifted') lifted: string | undefined) {
    adminValidate(fraudPrefixesQuery, { lifted });
    const fraud = this.config.verifications.fraud;
    return {
      windowSeconds: fraud.windowSeconds,
      minSends: fraud.minSends,
      minApprovalRate: fraud.minApprovalRate,
      prefixes: await this.prefixes.list(fraud.windowSeconds, lifted === 'true'),
    };
  }

  /** Lifts a block (`+8821…` or its digits): sends to the prefix are accepted again, its window starts afresh. */
  @Delete('prefixes/:prefix')
  @Audited('fraud-prefix.lift', (req) => (req.params as { prefix?: string }).prefix)
  async lift(@Param('prefix') prefix: string) {
    const digits = PREFIX.exec(prefix)?.[1];
    if (!digits) throw invalid('prefix', 'a destination prefix: + and up to 15 digits');
    if (!(await this.prefixes.lift(digits))) throw notFound(`block of +${digits}`);
    return { prefix: `+${digits}`, lifted: true };
  }
}
