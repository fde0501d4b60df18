import { z } from 'zod';
import {
  VERIFICATION_CHANNELS,
  VERIFICATION_LOCALES,
  type ResultCodeName,
  type VerificationChannel,
  type VerificationLocale,
} from '#libs/contracts';

/**
 * The request bodies of the verification API (docs/verifications.md) as zod 4 schemas, one per
 * route. `parseVerificationBody` turns the first failing field into its result code (the table in
 * libs/contracts/src/result-codes.ts) and a precise detail, as call-verify.validation.ts does for
 * callVerify: 1020001 unless the field has a code of its own.
 */

/** E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
/** A captcha credential (token---point JSON) is a few hundred characters at most. */
const MAX_CAPTCHA_VERIFICATION = 4096;

export const createVerificationSchema = z.object({
  to: z.string({ error: 'to is required: an E.164 number such as +8613800138000' }).regex(E164, {
    error: 'to must be an E.164 number: + and 7-15 digits',
  }),
  channel: z.enum(VERIFICATION_CHANNELS, { error: 'channel must be one of sms, call, auto' }),
  locale: z.enum(VERIFICATION_LOCALES, { error: 'locale must be en or zh' }),
  codeLength: z
    .number({ error: 'codeLength must be an integer from 4 to 10' })
    .int({ error: 'codeLength must be an integer from 4 to 10' })
    .min(4, { error: 'codeLength must be an integer from 4 to 10' })
    .max(10, { error: 'codeLength must be an integer from 4 to 10' })
    .optional(),
  ttlSeconds: z
    .number({ error: 'ttlSeconds must be an integer from 30 to 3600' })
    .int({ error: 'ttlSeconds must be an integer from 30 to 3600' })
    .min(30, { error: 'ttlSeconds must be an integer from 30 to 3600' })
    .max(3600, { error: 'ttlSeconds must be an integer from 30 to 3600' })
    .optional(),
  captchaVerification: z
    .string({ error: 'captchaVerification must be the captcha credential string' })
    .min(1, { error: 'captchaVerification must not be empty' })
    .max(MAX_CAPTCHA_VERIFICATION, { error: 'captchaVerification is too long' })
    .optional(),
});

export const checkVerificationSchema = z.object({
  // A code that cannot be one is refused without counting an attempt.
  code: z.string({ error: 'code is required: a string of digits' }).regex(/^[0-9]{4,10}$/, {
    error: 'code must be a string of 4-10 digits',
  }),
});

export const resendVerificationSchema = z.object({
  channel: z.enum(['sms', 'call'], { error: 'channel must be sms or call' }),
});

export interface CreateVerificationRequest {
  to: string;
  channel: VerificationChannel;
  locale: VerificationLocale;
  codeLength?: number;
  ttlSeconds?: number;
  captchaVerification?: string;
}

/** The result code of each field that has one of its own; every other field's refusal is 1020001. */
const FIELD_CODES: Partial<Record<string, ResultCodeName>> = {
  captchaVerification: 'VERIFICATION_CAPTCHA_INVALID',
};

export type BodyParse<T> = { ok: true; value: T } | { ok: false; code: ResultCodeName; detail: string };

/** The body checked against `schema`: its value, or the first field's refusal (code and detail). */
export function parseVerificationBody<T>(schema: z.ZodType<T>, body: unknown): BodyParse<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, code: 'PARAMETER_ERROR', detail: 'the body must be a JSON object' };
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  return { ok: false, code: FIELD_CODES[field] ?? 'PARAMETER_ERROR', detail: issue.message };
}
