import * as z from 'zod';
import type { ResultCodeName } from '#libs/contracts';
import { validate, withCodes } from '#libs/runtime';
import { PHONE_NUMBER, PHONE_NUMBER_RULE } from '../policy/phone-number.js';

/**
 * The seed's table 4 (docs/contract.md#callverify-request-body) as one schema: the field order is
 * the order of the checks (the first refused field answers), each field names the row of table 6
 * it answers (`x-error-code`: 1020001 unless a more specific row applies, e.g. a malformed
 * displayNbr is 1010023), and the OpenAPI document's request body is generated from it.
 */
export interface CallVerifyRequest {
  displayNbr: string;
  calleeNbr: string;
  languageType: number;
  preTone: string;
  verifyCode: string;
  posTone: string | null;
  times: number;
  statusUrl: string | null;
  feeUrl: string | null;
  returnIdlePort: boolean;
  userData: string | null;
}

/** A refusal names its row of the result-code table and the precise reason (the answer's resultdesc). */
export type ValidationResult =
  { ok: true; request: CallVerifyRequest } | { ok: false; detail: string; code: ResultCodeName };

/** 1 = English (an extension of the seed), 2 = Chinese (the seed's only value). */
export const LANGUAGE_TYPES = [1, 2] as const;

const URL_CHARS = /^[A-Za-z0-9\-:./]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// CJK ideographs and punctuation, fullwidth forms: the seed forbids Chinese in userData.
const CHINESE =
  /[\u2E80-\u2FDF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[\u{20000}-\u{2FA1F}]/u;
// eslint-disable-next-line no-control-regex -- a tone is a file name: no control characters, no path separators
const TONE_NAME = /^[^\u0000-\u001f/\\]{1,128}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what the seed forbids in userData
const CONTROL = /[\u0000-\u001f\u007f]/;

/** statusUrl/feeUrl: base64 of an http(s) URL made only of the seed's allowed characters. */
export function decodeNotifyUrl(
  name: string,
  value: unknown,
): { ok: true; url: string | null } | { ok: false; detail: string } {
  if (value === undefined || value === null || value === '') return { ok: true, url: null };
  if (typeof value !== 'string') return { ok: false, detail: `${name} must be a string` };
  if (value.length > 128) return { ok: false, detail: `${name} must be at most 128 characters` };
  if (!BASE64.test(value) || value.length % 4 !== 0) return { ok: false, detail: `${name} must be Base64-encoded` };
  const url = Buffer.from(value, 'base64').toString('utf8');
  if (!URL_CHARS.test(url)) return { ok: false, detail: `${name} may contain only letters, digits, - : . /` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, detail: `${name} is not a valid URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { ok: false, detail: `${name} must be an http or https URL` };
  return { ok: true, url };
}

/** A required field: "x is required" when absent (undefined or null), else "x must be <rule>". */
function requiredOr(name: string, rule: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined || issue.input === null ? `${name} is required` : `${name} must be ${rule}`,
  };
}

const P = 'PARAMETER_ERROR' satisfies ResultCodeName;
const phone = (name: string) =>
  z.string(requiredOr(name, PHONE_NUMBER_RULE)).regex(PHONE_NUMBER, `${name} must be ${PHONE_NUMBER_RULE}`);
const toneRule = 'a file name of 1-128 characters';
const notifyUrl = (name: 'statusUrl' | 'feeUrl') =>
  withCodes(
    z
      .string(`${name} must be a string`)
      .max(128, `${name} must be at most 128 characters`)
      .nullish()
      .transform((value, ctx) => {
        const decoded = decodeNotifyUrl(name, value);
        if (decoded.ok) return decoded.url;
        ctx.issues.push({ code: 'custom', message: decoded.detail, input: value });
        return z.NEVER;
      }),
    { 'x-error-code': P, description: 'Base64 of an http(s) URL made of letters, digits, - : . /' },
  );
const userDataRule = 'userData must be a string of 1-256 characters';

export const callVerifyBody = z.object({
  displayNbr: withCodes(phone('displayNbr'), {
    'x-error-code': 'INVALID_DISPLAY_NUMBER' satisfies ResultCodeName,
    'x-error-code-absent': P,
  }),
  calleeNbr: withCodes(phone('calleeNbr'), { 'x-error-code': P }),
  languageType: withCodes(
    z.literal(LANGUAGE_TYPES, requiredOr('languageType', 'the integer 2 (Chinese) or 1 (English)')),
    {
      'x-error-code': P,
      type: 'integer',
    },
  ),
  preTone: withCodes(z.string(requiredOr('preTone', toneRule)).regex(TONE_NAME, `preTone must be ${toneRule}`), {
    'x-error-code': P,
  }),
  verifyCode: withCodes(
    z
      .string(requiredOr('verifyCode', 'a string of 2-8 digits 0-9'))
      .regex(/^[0-9]{2,8}$/, 'verifyCode must be a string of 2-8 digits 0-9'),
    { 'x-error-code': P },
  ),
  posTone: withCodes(
    z
      .string(`posTone must be ${toneRule}`)
      .regex(TONE_NAME, `posTone must be ${toneRule}`)
      .nullish()
      .transform((v) => v ?? null),
    { 'x-error-code': P },
  ),
  times: withCodes(
    z
      .int('times must be an integer from 0 to 9')
      .min(0, 'times must be an integer from 0 to 9')
      .max(9, 'times must be an integer from 0 to 9')
      .nullish()
      // The document shows the input's default (zod leaves a transform's metadata out of it).
      .meta({ default: 3 })
      .transform((v) => v ?? 3),
    { 'x-error-code': P, description: '0 = until hang-up (bounded by VERIGATE_MAX_CALL_S)' },
  ),
  statusUrl: notifyUrl('statusUrl'),
  feeUrl: notifyUrl('feeUrl'),
  returnIdlePort: withCodes(
    z
      .enum(['true', 'false'], 'returnIdlePort must be "true" or "false"')
      .nullish()
      .transform((v) => v === 'true'),
    { 'x-error-code': P },
  ),
  userData: withCodes(
    z
      .string(userDataRule)
      .min(1, userDataRule)
      .max(256, userDataRule)
      .refine((v) => !/[{}]/.test(v), 'userData must not contain { or }')
      .refine((v) => !CHINESE.test(v), 'userData must not contain Chinese characters (Base64-encode them)')
      .refine((v) => !CONTROL.test(v), 'userData must not contain control characters')
      .nullish()
      .transform((v) => v ?? null),
    { 'x-error-code': P, description: 'no { }, no Chinese, no control characters' },
  ),
});

/** Takes the parsed JSON body; returns the normalised request or the first refused field's row and reason. */
export function validateCallVerify(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, detail: 'the body must be a JSON object', code: P };
  const result = validate(callVerifyBody, input as Record<string, unknown>);
  if (result.ok) return { ok: true, request: result.value };
  return { ok: false, detail: result.message, code: (result.code ?? P) as ResultCodeName };
}
