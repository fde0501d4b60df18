import * as z from 'zod';
import {
  VERIFICATION_CHANNELS,
  VERIFICATION_LOCALES,
  type ResultCodeName,
  type VerificationChannel,
  type VerificationLocale,
} from '#libs/contracts';
import { validate, withCodes } from '#libs/runtime';

/**
 * The request bodies of the verification API (docs/verifications.md) as zod 4 schemas, one per
 * route; each field names, in `x-error-code`, the row of the result-code table
 * (libs/contracts/src/result-codes.ts) its refusal answers: 1020001 unless the field has a row of
 * its own (captchaVerification: 1020181). `parseVerificationBody` answers the first refused field,
 * in the schema's order, as callVerify's schema does; the OpenAPI document is generated from them.
 */
const P = 'PARAMETER_ERROR' satisfies ResultCodeName;
const coded = <S extends z.ZodType>(schema: S, code: ResultCodeName = P): S =>
  withCodes(schema, { 'x-error-code': code });

/** E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
/** A captcha credential (token---point JSON) is a few hundred characters at most. */
const MAX_CAPTCHA_VERIFICATION = 4096;

export const createVerificationSchema = z.object({
  to: coded(
    z.string({ error: 'to is required: an E.164 number such as +8613800138000' }).regex(E164, {
      error: 'to must be an E.164 number: + and 7-15 digits',
    }),
  ),
  channel: coded(z.enum(VERIFICATION_CHANNELS, { error: 'channel must be one of sms, call, auto' })),
  locale: coded(z.enum(VERIFICATION_LOCALES, { error: 'locale must be en or zh' })),
  codeLength: coded(
    z
      .number({ error: 'codeLength must be an integer from 4 to 10' })
      .int({ error: 'codeLength must be an integer from 4 to 10' })
      .min(4, { error: 'codeLength must be an integer from 4 to 10' })
      .max(10, { error: 'codeLength must be an integer from 4 to 10' })
      .optional(),
  ),
  ttlSeconds: coded(
    z
      .number({ error: 'ttlSeconds must be an integer from 30 to 3600' })
      .int({ error: 'ttlSeconds must be an integer from 30 to 3600' })
      .min(30, { error: 'ttlSeconds must be an integer from 30 to 3600' })
      .max(3600, { error: 'ttlSeconds must be an integer from 30 to 3600' })
      .optional(),
  ),
  captchaVerification: coded(
    z
      .string({ error: 'captchaVerification must be the captcha credential string' })
      .min(1, { error: 'captchaVerification must not be empty' })
      .max(MAX_CAPTCHA_VERIFICATION, { error: 'captchaVerification is too long' })
      .optional(),
    'VERIFICATION_CAPTCHA_INVALID',
  ),
});

export const checkVerificationSchema = z.object({
  // A code that cannot be one is refused without counting an attempt.
  code: coded(
    z.string({ error: 'code is required: a string of digits' }).regex(/^[0-9]{4,10}$/, {
      error: 'code must be a string of 4-10 digits',
    }),
  ),
});

export const resendVerificationSchema = z.object({
  channel: coded(z.enum(['sms', 'call'], { error: 'channel must be sms or call' })),
});

export interface CreateVerificationRequest {
  to: string;
  channel: VerificationChannel;
  locale: VerificationLocale;
  codeLength?: number;
  ttlSeconds?: number;
  captchaVerification?: string;
}

export type BodyParse<T> = { ok: true; value: T } | { ok: false; code: ResultCodeName; detail: string };

/** The body checked against `schema`: its value, or the first refused field's row (`x-error-code`) and detail. */
export function parseVerificationBody<S extends z.ZodObject>(schema: S, body: unknown): BodyParse<z.output<S>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, code: P, detail: 'the body must be a JSON object' };
  const parsed = validate(schema, body as Record<string, unknown>);
  if (parsed.ok) return parsed;
  return { ok: false, code: (parsed.code ?? P) as ResultCodeName, detail: parsed.message };
}
