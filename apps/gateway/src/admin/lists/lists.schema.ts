import * as z from 'zod';
import type { NumberListName } from '#libs/persistence';
import { optionalEnum, optionalString, requiredPhoneNumber } from '../admin-schema.js';

export const LISTS = ['blacklist', 'whitelist'] as const satisfies readonly NumberListName[];

/** `POST /admin/v1/lists` and `DELETE /admin/v1/lists` (as a body or as the query): one entry. */
export const listEntryBody = z.object({
  list: optionalEnum('list', LISTS, 'blacklist or whitelist'),
  number: requiredPhoneNumber('number'),
  appKey: optionalString('appKey', 64),
});

/** `GET /admin/v1/lists?list&appKey`. */
export const listsQuery = z.object({
  list: optionalEnum('list', LISTS),
  appKey: z.string().optional(),
});
