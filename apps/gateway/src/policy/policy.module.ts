import { Module } from '@nestjs/common';
import { IpBansRepository } from './ip-bans.repository.js';
import { IpGuard } from './ip-guard.service.js';
import { IpRulesRepository } from './ip-rules.repository.js';

/** Who may call `/rest/` by client address (rules and bans): enforced by the voice API, managed by the admin API. */
@Module({
  providers: [IpGuard, IpRulesRepository, IpBansRepository],
  exports: [IpGuard, IpRulesRepository, IpBansRepository],
})
export class PolicyModule {}
