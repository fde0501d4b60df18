import * as z from 'zod';
import { withCodes } from '#libs/runtime';
import { listFormatField, pageQuery } from '../admin-schema.js';

const filter = (description?: string) =>
  z
    .string()
    .optional()
    .meta(description ? { description } : {});

/** `GET /admin/v1/cdrs`: filters, format, paging (the times and cursor are checked by the repository's filter). */
export const cdrsQuery = z.object({
  appKey: filter(),
  sessionId: filter(),
  number: filter(),
  stateCode: withCodes(
    z
      .string('stateCode must be an integer such as 0 or 8101')
      .regex(/^\d{0,9}$/, 'stateCode must be an integer such as 0 or 8101')
      .optional(),
    { 'x-error-code': 'INVALID_FIELD', description: "the call's final stateCode (0 = answered and ended normally)" },
  ),
  format: listFormatField,
  ...pageQuery.shape,
});

/** `GET /admin/v1/deliveries?sessionId` (or an SMS's message id). */
export const deliveriesQuery = z.object({
  sessionId: withCodes(z.string('sessionId must be present').min(1, 'sessionId must be present'), {
    'x-error-code': 'INVALID_FIELD',
  }),
});
