import * as z from 'zod';
import { CAPTCHA_TYPES, type SdkErrorCode } from '#libs/contracts';
import { codedIssue, withCodes } from '#libs/runtime';

/**
 * The captcha SDK requests (docs/contract.md#image-captcha, AJ-Captcha compatible) as schemas:
 * the field order is the order of the checks, each field names its row of the SDK error table
 * (sdk-errors.ts). The OpenAPI request bodies and query parameters are generated from them.
 */

const PARAMETER_INVALID = 'PARAMETER_INVALID' satisfies SdkErrorCode;
const MAX_FIELD = 4096;
const TOKEN = /^[0-9a-f]{32}$/;

/** A token of a `get`: absent or not a string answers PARAMETER_INVALID, not 32 hex digits TOKEN_INVALID. */
const tokenField = withCodes(
  z
    .string('token')
    .min(1, 'token')
    .refine((token) => TOKEN.test(token), codedIssue('TOKEN_INVALID' satisfies SdkErrorCode, 'token is malformed')),
  { 'x-error-code': PARAMETER_INVALID, pattern: TOKEN.source },
);

/** ALTCHA's base64 payload or the JSON object; absent stays absent (the worker answers POW_REQUIRED). */
const powSolutionField = z
  .unknown()
  .optional()
  .refine(
    (value) =>
      value === undefined ||
      value === null ||
      (typeof value === 'string'
        ? value.length <= MAX_FIELD
        : typeof value === 'object' && JSON.stringify(value).length <= MAX_FIELD),
    'powSolution',
  )
  .transform((value) => value ?? undefined);

/** `GET /api/v2/sdk/captcha?captchaType=`: absent or empty is blockPuzzle. */
export const captchaGetQuery = z.object({
  captchaType: withCodes(
    z
      .string('captchaType')
      .optional()
      .meta({ default: 'blockPuzzle' })
      .transform((type) => type || 'blockPuzzle')
      .pipe(z.enum(CAPTCHA_TYPES, 'captchaType')),
    { 'x-error-code': 'CAPTCHA_TYPE_INVALID' satisfies SdkErrorCode, enum: [...CAPTCHA_TYPES] },
  ),
});

/** `POST /api/v2/sdk/captcha/check`. powSolution is checked after the flood guard, and only for apps with proof of work. */
export const captchaCheckBody = z.object({
  // null is taken as absent (the default), as a client leaving the field empty sends it.
  captchaType: withCodes(
    z
      .enum(CAPTCHA_TYPES, 'captchaType')
      .nullish()
      .meta({ default: 'blockPuzzle' })
      .transform((type) => type ?? 'blockPuzzle'),
    { 'x-error-code': 'CAPTCHA_TYPE_INVALID' satisfies SdkErrorCode },
  ),
  token: tokenField,
  pointJson: withCodes(z.string('pointJson').min(1, 'pointJson').max(MAX_FIELD, 'pointJson'), {
    'x-error-code': PARAMETER_INVALID,
    description: 'base64(AES-128-ECB(JSON point(s), secretKey)), or the plain JSON',
  }),
  trajectory: withCodes(z.array(z.unknown(), 'trajectory').max(500, 'trajectory').optional(), {
    'x-error-code': PARAMETER_INVALID,
    description: '[[ms, x, y], …] of the drag; checked whenever present (README "Trajectory rules")',
  }),
  powSolution: withCodes(powSolutionField, {
    'x-error-code': PARAMETER_INVALID,
    type: ['string', 'object'],
    description:
      "Apps with captchaPow: the solved `pow` challenge, ALTCHA payload base64(JSON {algorithm, challenge, number, salt, signature}). Missing: POW_REQUIRED; wrong, expired or another captcha's: POW_INVALID; reused: TOKEN_INVALID (bound to this single-use token).",
  }),
});

/** The risk signals of managed mode: a value that is not a finite number is ignored. */
const signal = z.number().optional().catch(undefined);

/** `POST /api/v2/sdk/captcha/managed`. powSolution is checked after the flood guard. */
export const captchaManagedBody = withCodes(
  z.object({
    token: tokenField,
    signals: withCodes(z.looseObject({ elapsedMs: signal, interactions: signal }, 'signals').optional(), {
      'x-error-code': PARAMETER_INVALID,
    }),
    powSolution: withCodes(powSolutionField, {
      'x-error-code': PARAMETER_INVALID,
      type: ['string', 'object'],
      description: 'as in check',
    }),
  }),
  // Without a solution the answer is POW_REQUIRED: documented as required.
  { required: ['token', 'powSolution'] },
);

/** `POST /api/v2/sdk/captcha/verify`. */
export const captchaVerifyBody = z.object({
  captchaVerification: withCodes(
    z.string('captchaVerification').min(1, 'captchaVerification').max(MAX_FIELD, 'captchaVerification'),
    { 'x-error-code': PARAMETER_INVALID },
  ),
});
