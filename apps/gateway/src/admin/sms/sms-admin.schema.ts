import * as z from 'zod';
import { listFormatField, pageQuery } from '../admin-schema.js';

const filter = () => z.string().optional();

/** `GET /admin/v1/sms`: filters, format, paging (the times and cursor are checked by the repository's filter). */
export const smsListQuery = z.object({
  appKey: filter(),
  mobile: filter(),
  messageId: filter(),
  status: filter(),
  type: filter(),
  format: listFormatField,
  ...pageQuery.shape,
});

/** `GET /admin/v1/sms/dev-inbox`. */
export const smsDevInboxQuery = z.object({ mobile: filter(), limit: pageQuery.shape.limit });
