/** The SDK APIs of the OpenAPI document: captcha and SMS codes (docs/contract.md#sdk-apis). */
import type { CaptchaErrorCode, SmsErrorCode } from '#libs/contracts';
import { JSON_BODY_LIMIT } from '../http/fastify-setup.js';
import {
  json,
  queryParameters,
  ref,
  requestBodySchema,
  sdkErrors,
  type Operation,
  type Schema,
} from './openapi-schema.js';

const SDK_COMMON: readonly (CaptchaErrorCode & SmsErrorCode)[] = [
  'HEADER_MISSING',
  'CLIENT_ID_INVALID',
  'APP_NOT_PERMITTED',
  'PARAMETER_INVALID',
  'CLIENT_ADDRESS_MISSING',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
];
const SDK_BODY: readonly (CaptchaErrorCode & SmsErrorCode)[] = [...SDK_COMMON, 'BODY_TOO_LARGE'];

const sdkHeaderParameters: Schema[] = [
  {
    name: 'X-operating-sys-version',
    in: 'header',
    required: true,
    schema: { type: 'string', maxLength: 256 },
    example: 'Android 10',
  },
  {
    name: 'X-device-fingerprint',
    in: 'header',
    required: true,
    schema: { type: 'string', maxLength: 128 },
    description: 'Rate limits and lock-outs count per fingerprint.',
  },
  { name: 'X-agent', in: 'header', required: true, schema: { type: 'string', maxLength: 1024 } },
  {
    name: 'X-L',
    in: 'header',
    required: false,
    schema: { type: 'string', enum: ['zh', 'en'] },
    description: 'Language of `error_msg` (and of SMS text); Chinese unless `en…`.',
  },
  {
    name: 'X-device-ip',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description:
      'Accepted and ignored: the client address is the socket peer, or X-Forwarded-For from a trusted proxy.',
  },
  { name: 'X-tenant-id', in: 'header', required: false, schema: { type: 'string' } },
  {
    name: 'X-Forwarded-For',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: 'Believed only from `VERIGATE_TRUSTED_PROXIES`.',
  },
];

const sdkSecurity = [{ sdkClientId: [] }];

/** The JSON body of an SDK route, generated from its schema (route-schemas.ts). */
function sdkJsonBody(path: string): Schema {
  return {
    required: true,
    description: `JSON, at most ${JSON_BODY_LIMIT} bytes.`,
    content: json(requestBodySchema('POST', path)),
  };
}

export function captchaOperations(): Record<string, Record<string, Operation>> {
  const ok = {
    description: 'The AJ-Captcha response body (every field present; unused ones null).',
    content: json(ref('CaptchaResponse')),
  };
  return {
    '/api/v2/sdk/captcha': {
      get: {
        operationId: 'captchaGet',
        summary: 'Get a captcha (blockPuzzle or clickWord)',
        tags: ['Captcha SDK'],
        security: sdkSecurity,
        parameters: [...sdkHeaderParameters, ...queryParameters('GET', '/api/v2/sdk/captcha')],
        responses: {
          200: ok,
          ...sdkErrors('CAPTCHA', [...SDK_COMMON, 'CAPTCHA_TYPE_INVALID', 'RATE_LIMITED', 'LOCKED_OUT']),
        },
      },
    },
    '/api/v2/sdk/captcha/check': {
      post: {
        operationId: 'captchaCheck',
        summary: 'Check an answer (one attempt per token)',
        tags: ['Captcha SDK'],
        security: sdkSecurity,
        parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody('/api/v2/sdk/captcha/check'),
        responses: {
          200: ok,
          ...sdkErrors('CAPTCHA', [
            ...SDK_BODY,
            'CAPTCHA_TYPE_INVALID',
            'TOKEN_INVALID',
            'CAPTCHA_WRONG',
            'RATE_LIMITED',
            'LOCKED_OUT',
            'POW_REQUIRED',
            'POW_INVALID',
          ]),
        },
      },
    },
    '/api/v2/sdk/captcha/managed': {
      post: {
        operationId: 'captchaManaged',
        summary: 'Managed (invisible) mode: a credential for proof of work alone when the risk is low (extension)',
        tags: ['Captcha SDK'],
        security: sdkSecurity,
        parameters: sdkHeaderParameters,
        description:
          "For the token of a `get`: `result: true` with a `captchaVerification` (verified like any other) when no risk signal is raised, neither at the captcha's `get` nor now, and the caller is the get's (same device fingerprint and address bucket); otherwise `result: false` and `escalated` names the reason (velocity, failures, under-attack, behaviour, pow-off, caller-changed) and the token stays open for the puzzle.",
        requestBody: sdkJsonBody('/api/v2/sdk/captcha/managed'),
        responses: {
          200: ok,
          ...sdkErrors('CAPTCHA', [
            ...SDK_BODY,
            'TOKEN_INVALID',
            'RATE_LIMITED',
            'LOCKED_OUT',
            'POW_REQUIRED',
            'POW_INVALID',
          ]),
        },
      },
    },
    '/api/v2/sdk/captcha/verify': {
      post: {
        operationId: 'captchaVerify',
        summary: 'Secondary verification of a captchaVerification (single use)',
        tags: ['Captcha SDK'],
        security: sdkSecurity,
        parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody('/api/v2/sdk/captcha/verify'),
        responses: { 200: ok, ...sdkErrors('CAPTCHA', [...SDK_BODY, 'VERIFICATION_INVALID', 'RATE_LIMITED']) },
      },
    },
  };
}

export function smsOperations(): Record<string, Record<string, Operation>> {
  return {
    '/api/v2/sdk/sms/send': {
      post: {
        operationId: 'smsSend',
        summary: 'Send a verification code by SMS',
        tags: ['SMS SDK'],
        security: sdkSecurity,
        parameters: sdkHeaderParameters,
        description:
          'A send refused by a limit or the cool-down (429) consumes its captcha_token too: solve a new captcha before trying again. ' +
          'A platform fault (500, 503) keeps it; MOBILE_BLOCKED (a destination range the platform never sends to) is answered before the captcha_token is looked at.',
        requestBody: sdkJsonBody('/api/v2/sdk/sms/send'),
        responses: {
          200: { description: 'Accepted: the SMS will be sent.', content: json(ref('SmsSendResult')) },
          ...sdkErrors('SMS', [
            ...SDK_BODY,
            'MOBILE_INVALID',
            'TYPE_INVALID',
            'CAPTCHA_TOKEN_INVALID',
            'RESEND_TOO_SOON',
            'MOBILE_HOURLY_LIMIT',
            'MOBILE_DAILY_LIMIT',
            'DEVICE_LIMIT',
            'IP_LIMIT',
            'MOBILE_BLOCKED',
            'DAILY_BUDGET_EXHAUSTED',
            'PREFIX_VELOCITY_LIMIT',
          ]),
        },
      },
    },
    '/api/v2/sdk/sms/verify': {
      post: {
        operationId: 'smsVerify',
        summary: 'Verify a code (single use)',
        tags: ['SMS SDK'],
        security: sdkSecurity,
        parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody('/api/v2/sdk/sms/verify'),
        responses: {
          200: {
            description: 'The right code, used now.',
            content: json({ type: 'object', required: ['result'], properties: { result: { const: true } } }),
          },
          ...sdkErrors('SMS', [
            ...SDK_BODY,
            'MOBILE_INVALID',
            'TYPE_INVALID',
            'VERIFY_RATE_LIMITED',
            'CODE_WRONG',
            'CODE_EXPIRED',
            'CODE_USED',
            'CODE_ATTEMPTS_EXCEEDED',
          ]),
        },
      },
    },
  };
}
