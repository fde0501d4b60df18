import * as z from 'zod';
import type { IpRuleKind } from '#libs/persistence';
import { optionalEnum, optionalString, requiredCidr } from '../admin-schema.js';

export const IP_RULE_KINDS = ['blacklist', 'restricted-area'] as const satisfies readonly IpRuleKind[];

/** `POST /admin/v1/ip-rules`; a restricted-area rule also needs its `area` (checked after the fields). */
export const ipRuleBody = z.object({
  kind: optionalEnum('kind', IP_RULE_KINDS, IP_RULE_KINDS.join(' or ')),
  cidr: requiredCidr('cidr'),
  area: optionalString('area', 64),
});
