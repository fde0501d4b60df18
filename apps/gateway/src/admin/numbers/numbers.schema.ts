import * as z from 'zod';
import type { NumberStatus } from '#libs/persistence';
import { optionalEnum, requiredPhoneNumber } from '../admin-schema.js';

export const NUMBER_STATUSES = ['normal', 'suspended', 'revoked'] as const satisfies readonly NumberStatus[];

/** `POST /admin/v1/apps/{appKey}/numbers`: the number is checked before the app is looked up, the status after. */
export const numberAddBody = z.object({
  number: requiredPhoneNumber('number'),
  status: optionalEnum('status', NUMBER_STATUSES),
});

/** `PATCH /admin/v1/apps/{appKey}/numbers/{number}`. */
export const numberUpdateBody = z.object({
  status: optionalEnum('status', NUMBER_STATUSES, `one of ${NUMBER_STATUSES.join(', ')}`),
});
