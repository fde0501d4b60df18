import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { isIP } from 'node:net';
import { AdminExceptionFilter } from '../../http/admin-exception.filter.js';
import { addressBucket } from '../../http/client-address.js';
import { adminValidate, invalid, notFound, objectBody } from '../admin-schema.js';
import { ipRuleBody } from './ip-rules.schema.js';
import { Audited } from '../audit/audited.decorator.js';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import { OperatorTokenGuard } from '../operator-token.guard.js';
import { IpBansRepository } from '../../policy/ip-bans.repository.js';
import { IpGuard } from '../../policy/ip-guard.service.js';
import { IpRulesRepository } from '../../policy/ip-rules.repository.js';

const UUID = /^[0-9a-f-]{36}$/;

/**
 * Platform IP rules for `/rest/` clients, and the bans that repeated authentication failures
 * cause. `blacklist`: 1020168. `restricted-area`: 1020171; an area is a named set of CIDRs (no
 * GeoIP database ships with Verigate: load the ranges of a region from your own source).
 * Changes reach every gateway within a second.
 */
@Controller('admin/v1')
@UseGuards(OperatorTokenGuard)
@UseFilters(AdminExceptionFilter)
@UseInterceptors(AuditInterceptor)
export class IpRulesController {
  constructor(
    private readonly ipRules: IpRulesRepository,
    private readonly ipBans: IpBansRepository,
    private readonly ipGuard: IpGuard,
  ) {}

  @Post('ip-rules')
  @HttpCode(201)
  @Audited<{ id?: string } | undefined>('ip-rule.add', (_req, result) => result?.id, (_req, result) => result)
  async add(@Body() input: unknown) {
    const { kind, cidr, area = null } = adminValidate(ipRuleBody, objectBody(input));
    if (kind === 'restricted-area' && !area) throw invalid('area', 'the name of the restricted area');
    const row = await this.ipRules.upsert(kind, cidr, area);
    this.ipGuard.invalidate();
    return row;
  }

  @Get('ip-rules')
  async list() {
    return this.ipRules.list();
  }

  @Delete('ip-rules/:id')
  @Audited('ip-rule.remove', (req) => (req.params as { id?: string }).id)
  async remove(@Param('id') id: string) {
    if (!UUID.test(id) || !(await this.ipRules.remove(id))) throw notFound(`ip rule ${id}`);
    this.ipGuard.invalidate();
    return { id, removed: true };
  }

  /** Addresses banned now for repeated authentication failures (1020176): IPv4 addresses and IPv6 /64s. */
  @Get('ip-bans')
  async bans() {
    return this.ipBans.list();
  }

  /** Lifts a ban at once (the failures counted so far are forgotten too); any address of a banned IPv6 /64 lifts the /64's ban. */
  @Delete('ip-bans/:ip')
  @Audited('ip-ban.lift', (req) => (req.params as { ip?: string }).ip)
  async lift(@Param('ip') ip: string) {
    if (!isIP(ip)) throw invalid('ip', 'an IP address');
    const bucket = addressBucket(ip);
    if (!(await this.ipBans.lift(bucket))) throw notFound(`ban of ${ip}`);
    this.ipGuard.invalidate();
    return { ip, lifted: true };
  }
}
