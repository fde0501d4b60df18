import * as z from 'zod';
import { withCodes } from '#libs/runtime';

/** `GET /admin/v1/fraud/prefixes?lifted=true`: lifted blocks listed too. */
export const fraudPrefixesQuery = z.object({
  lifted: withCodes(z.enum(['true', 'false'], 'lifted must be true or false').optional(), {
    'x-error-code': 'INVALID_FIELD',
    description: 'true: lifted blocks too (default false)',
  }),
});
