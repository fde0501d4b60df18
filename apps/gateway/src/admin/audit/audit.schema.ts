import * as z from 'zod';
import { withCodes } from '#libs/runtime';
import { isoTime, pageQuery } from '../admin-schema.js';

/** `GET /admin/v1/audit`, in the order the answer names the first fault: times, cursor, page size. */
export const auditQuery = z.object({
  from: isoTime('from'),
  to: isoTime('to'),
  before: withCodes(
    z
      .string('before must be the id of an audit entry')
      .regex(/^([1-9][0-9]{0,18})?$/, 'before must be the id of an audit entry')
      .optional(),
    { 'x-error-code': 'INVALID_FIELD', description: '`nextBefore` of the previous page' },
  ),
  limit: pageQuery.shape.limit,
  action: z.string().optional(),
  target: z.string().optional(),
});
