import * as z from 'zod';
import { normaliseSmsType, SMS_TYPES, type SdkErrorCode, type SmsType } from '#libs/contracts';
import { codedIssue, withCodes } from '#libs/runtime';
import { sdkValidate } from '../sdk/sdk-validate.js';
import type { SdkHeaders } from '../sdk/sdk-headers.js';

/**
 * Table 2 (docs/contract.md#sms-request-body) as schemas: `mobile` (VERIGATE_SMS_MOBILE_PATTERN),
 * `type` (white space ignored), `captcha_token` / `code`. The field order is the order of the
 * checks; each field names its row of the SDK error table (sdk-errors.ts). The OpenAPI request
 * bodies are generated from the same schemas.
 */

/** Longest captcha_token accepted (an AES credential of a clickWord answer is ~200 characters). */
const MAX_CAPTCHA_TOKEN = 4096;

export interface SendSmsRequest {
  mobile: string;
  type: SmsType;
  captchaToken: string;
}

export interface VerifySmsRequest {
  mobile: string;
  type: SmsType;
  code: string;
}

const PARAMETER_INVALID = 'PARAMETER_INVALID' satisfies SdkErrorCode;

/** Absent (undefined, null, '') answers PARAMETER_INVALID naming the field; anything else that is not a number of the pattern, MOBILE_INVALID. */
function mobileField(pattern: RegExp) {
  const malformed = 'mobile must match VERIGATE_SMS_MOBILE_PATTERN';
  return withCodes(
    z
      .string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'mobile' : malformed) })
      .min(1, 'mobile')
      .max(32, malformed)
      .refine((mobile) => pattern.test(mobile), malformed),
    {
      'x-error-code': 'MOBILE_INVALID' satisfies SdkErrorCode,
      'x-error-code-absent': PARAMETER_INVALID,
      'x-empty-is-absent': true,
      description: '11 digits by default (`VERIGATE_SMS_MOBILE_PATTERN`)',
    },
  );
}

/** Absent answers PARAMETER_INVALID naming the field; a value that is none of the six types (white space ignored), TYPE_INVALID. */
const typeField = withCodes(
  z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'type' : 'type is not a type') })
    .min(1, 'type')
    .transform((value, ctx) => {
      const type = normaliseSmsType(value);
      if (type) return type;
      ctx.issues.push({ code: 'custom', message: 'type is not a type', input: value });
      return z.NEVER;
    }),
  {
    'x-error-code': 'TYPE_INVALID' satisfies SdkErrorCode,
    'x-error-code-absent': PARAMETER_INVALID,
    'x-empty-is-absent': true,
    enum: [...SMS_TYPES],
    description: 'White space inside the value is ignored.',
  },
);

const captchaTokenField = withCodes(
  z
    .string('captcha_token')
    .refine((token) => token.trim() !== '', 'captcha_token')
    .refine(
      (token) => token.length <= MAX_CAPTCHA_TOKEN,
      codedIssue('CAPTCHA_TOKEN_INVALID' satisfies SdkErrorCode, 'captcha_token is too long'),
    ),
  {
    'x-error-code': PARAMETER_INVALID,
    maxLength: MAX_CAPTCHA_TOKEN,
    description: 'a captchaVerification (plain or AES form), single use; longer: CAPTCHA_TOKEN_INVALID',
  },
);

/** A code that cannot be one (not 1-10 digits) is refused without counting an attempt. */
const codeField = withCodes(
  z.string('code must be a string of digits').regex(/^[0-9]{1,10}$/, 'code must be a string of digits'),
  { 'x-error-code': PARAMETER_INVALID },
);

const sendSchemas = new Map<string, ReturnType<typeof buildSendSchema>>();
const verifySchemas = new Map<string, ReturnType<typeof buildVerifySchema>>();

function buildSendSchema(mobilePattern: RegExp) {
  return z.object({ mobile: mobileField(mobilePattern), type: typeField, captcha_token: captchaTokenField });
}

function buildVerifySchema(mobilePattern: RegExp) {
  return z.object({ mobile: mobileField(mobilePattern), type: typeField, code: codeField });
}

/** `POST /api/v2/sdk/sms/send` with the configured mobile pattern (built once per pattern). */
export function smsSendBody(mobilePattern: RegExp) {
  const key = String(mobilePattern);
  if (!sendSchemas.has(key)) sendSchemas.set(key, buildSendSchema(mobilePattern));
  return sendSchemas.get(key)!;
}

/** `POST /api/v2/sdk/sms/verify` with the configured mobile pattern (built once per pattern). */
export function smsVerifyBody(mobilePattern: RegExp) {
  const key = String(mobilePattern);
  if (!verifySchemas.has(key)) verifySchemas.set(key, buildVerifySchema(mobilePattern));
  return verifySchemas.get(key)!;
}

export function parseSendSms(fields: Record<string, unknown>, mobilePattern: RegExp, sdk: SdkHeaders): SendSmsRequest {
  const { mobile, type, captcha_token } = sdkValidate(smsSendBody(mobilePattern), fields, sdk);
  return { mobile, type, captchaToken: captcha_token };
}

export function parseVerifySms(
  fields: Record<string, unknown>,
  mobilePattern: RegExp,
  sdk: SdkHeaders,
): VerifySmsRequest {
  return sdkValidate(smsVerifyBody(mobilePattern), fields, sdk);
}
