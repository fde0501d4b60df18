import * as z from 'zod';
import { optionalEnum } from '../admin-schema.js';

/** `PUT /admin/v1/enterprises/{id}`: the status, `normal` when absent. */
export const enterprisePutBody = z.object({
  status: optionalEnum('status', ['normal', 'suspended'] as const),
});
