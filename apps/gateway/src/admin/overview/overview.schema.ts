import * as z from 'zod';
import { withCodes } from '#libs/runtime';

const minutesRule = 'minutes must be an integer 5-360';

/** `GET /admin/v1/overview?minutes=30`: how many minutes of figures, 5-360 (30 by default; '' = absent). */
export const overviewQuery = z.object({
  minutes: withCodes(
    z
      .string(minutesRule)
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === '') return 30;
        const n = Number(value);
        if (Number.isInteger(n) && n >= 5 && n <= 360) return n;
        ctx.issues.push({ code: 'custom', message: minutesRule, input: value });
        return z.NEVER;
      }),
    { 'x-error-code': 'INVALID_FIELD', type: 'integer', minimum: 5, maximum: 360, description: '5-360 (default 30)' },
  ),
});
