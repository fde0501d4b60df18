import type * as z from 'zod';
import { validate } from '#libs/runtime';
import type { Disposition } from './disposition.js';

/**
 * A consumer's check of a message payload against its schema (libs/contracts message-schemas.ts):
 * the checked value, or the `dead` disposition whose reason is the first refused field's message
 * (a payload that is not an object is checked as `{}`, so its first required field names it).
 */
export function checkPayload<S extends z.ZodObject>(
  schema: S,
  payload: unknown,
): { ok: true; value: z.output<S> } | { ok: false; disposition: Extract<Disposition, { action: 'dead' }> } {
  const object =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : {};
  const result = validate(schema, object);
  if (result.ok) return { ok: true, value: result.value };
  return { ok: false, disposition: { action: 'dead', reason: result.message } };
}
