import type * as z from 'zod';
import type { SdkErrorCode } from '#libs/contracts';
import { validate } from '#libs/runtime';
import { SdkError } from './sdk-error.js';
import type { SdkHeaders } from './sdk-headers.js';

const PARAMETER_INVALID = 'PARAMETER_INVALID' satisfies SdkErrorCode;

/**
 * Checks SDK request fields against their schema (all fields, or `keys` only, in the schema's
 * order). A refusal is an SdkError of the field's row: PARAMETER_INVALID carries the check's
 * message as its detail (the field's name), the specific rows (MOBILE_INVALID, TOKEN_INVALID, …) none.
 */
export function sdkValidate<S extends z.ZodObject>(
  schema: S,
  fields: Record<string, unknown>,
  sdk: Pick<SdkHeaders, 'lang'>,
  keys?: readonly (keyof S['shape'] & string)[],
): z.output<S> {
  const result = validate(schema, fields, keys);
  if (result.ok) return result.value;
  const code = (result.code ?? PARAMETER_INVALID) as SdkErrorCode;
  throw new SdkError(code, sdk.lang, code === PARAMETER_INVALID ? result.message : undefined);
}
