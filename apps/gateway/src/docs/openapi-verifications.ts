/** The verification API of the OpenAPI document (docs/verifications.md): its routes, bodies generated from the zod schemas that parse them (route-schemas.ts). */
import { type ResultCodeName } from '#libs/contracts';
import type { AdminOp } from './openapi-admin-common.js';
import { ADMIN_COMMON, withApp } from './openapi-admin-common.js';
import { json, requestBodySchema, restErrors, type Operation, type Schema } from './openapi-schema.js';

/** Result codes only the verification API answers (kept out of callVerify's description). */
export const VERIFICATION_ONLY_CODES: readonly ResultCodeName[] = [
  'VERIFICATION_PREFIX_BLOCKED',
  'VERIFICATION_NOT_PENDING',
  'VERIFICATION_CAPTCHA_INVALID',
];

/** Answers of every verification route before its own work: address, AKSK headers, admission, body. */
const GATE_ERRORS: readonly ResultCodeName[] = [
  'AUTHORIZATION_MISSING',
  'REALM_MISSING',
  'PROFILE_MISSING',
  'REALM_INVALID',
  'PROFILE_INVALID',
  'TYPE_INVALID',
  'TYPE_MISSING',
  'XAKSK_MISSING',
  'USERNAME_MISSING',
  'NONCE_MISSING',
  'CREATED_MISSING',
  'PASSWORD_DIGEST_MISSING',
  'USERNAME_TOKEN_MISSING',
  'INVALID_DIGEST',
  'TIME_OUT_LIMIT',
  'INVALID_REQUEST',
  'INVALID_APP_KEY',
  'APP_KEY_SUSPENDED',
  'COMMERCIAL_ADDRESS_FORBIDDEN',
  'APP_UNAVAILABLE',
  'API_NOT_PERMITTED',
  'SUB_ENTERPRISE_SUSPENDED',
  'IP_ADDRESS_MISSING',
  'IP_NOT_WHITELISTED',
  'IP_BLACKLISTED',
  'IP_AREA_BLACKLISTED',
  'AUTH_FAILURE_IP_BANNED',
  'PARAMETER_ERROR',
  'INTERNAL_ERROR',
  'APP_KEY_INVALID',
  'AUTH_INTERNAL_ERROR',
  'RESPONSE_TIMEOUT',
];

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
  description: 'The verificationId of the answer that started it',
};

const started: Schema = {
  type: 'object',
  required: ['verificationId', 'status', 'channel', 'expiresAt'],
  properties: {
    verificationId: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['pending'] },
    channel: { type: 'string', enum: ['sms', 'call', 'auto'] },
    expiresAt: { type: 'string', format: 'date-time' },
  },
};

function operation(op: Omit<Operation, 'tags' | 'security'>): Operation {
  return { ...op, tags: ['Verifications'], security: [{ akskAuthorization: [], akskToken: [] }] };
}

export function verificationOperations(): Record<string, Record<string, Operation>> {
  return {
    '/api/v3/verifications': {
      post: operation({
        operationId: 'startVerification',
        summary: 'Send a verification code by SMS, by a call, or SMS with a call as fallback (auto)',
        description:
          'AKSK-authenticated like callVerify; the app needs the `verify` permission. The platform draws the code and keeps only its keyed hash. ' +
          '`auto`: SMS first; without a `delivered` receipt within VERIGATE_VERIFY_FALLBACK_S (30 s), or on a failure receipt, the same code is spoken by a call. ' +
          'A destination prefix blocked by the fraud guard is refused with 403 `1013130`.',
        requestBody: { required: true, content: json(requestBodySchema('POST', '/api/v3/verifications')) },
        responses: {
          201: { description: 'Accepted: the code will go out.', content: json(started) },
          ...restErrors([
            ...GATE_ERRORS,
            'VERIFICATION_PREFIX_BLOCKED',
            'VERIFICATION_CAPTCHA_INVALID',
            'SECURITY_COMMON_ERROR',
            'CALLEE_BLACKLISTED',
            'CALLEE_NOT_WHITELISTED',
            'SERVICE_NUMBER_NOT_APPLIED',
          ]),
        },
      }),
    },
    '/api/v3/verifications/{id}/check': {
      post: operation({
        operationId: 'checkVerification',
        summary: 'Check a code: approved once, denied otherwise',
        description:
          '`denied` alike for a wrong code, an unknown, expired, approved or failed verification (no oracle). The 5th wrong code fails the verification.',
        parameters: [idParameter],
        requestBody: { required: true, content: json(requestBodySchema('POST', '/api/v3/verifications/{id}/check')) },
        responses: {
          200: {
            description: 'The answer',
            content: json({
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string', enum: ['approved', 'denied'] } },
            }),
          },
          ...restErrors(GATE_ERRORS),
        },
      }),
    },
    '/api/v3/verifications/{id}/resend': {
      post: operation({
        operationId: 'resendVerification',
        summary: 'Send the same code again, e.g. by a call instead of the SMS (at most 3 times)',
        parameters: [idParameter],
        requestBody: { required: true, content: json(requestBodySchema('POST', '/api/v3/verifications/{id}/resend')) },
        responses: {
          200: { description: 'The code will go out again on the channel asked for.', content: json(started) },
          ...restErrors([
            ...GATE_ERRORS,
            'VERIFICATION_NOT_PENDING',
            'VERIFICATION_PREFIX_BLOCKED',
            'SERVICE_NUMBER_NOT_APPLIED',
          ]),
        },
      }),
    },
  };
}

/** The fraud guard's management routes (merged into the admin paths). */
export function fraudAdminPaths(): Record<string, Record<string, AdminOp>> {
  return {
    '/admin/v1/fraud/prefixes': {
      get: {
        id: 'adminListFraudPrefixes',
        summary: 'Destination prefixes the verification fraud guard blocked, with their figures and why',
        tag: 'Verifications',
        errors: [...ADMIN_COMMON, 'INVALID_FIELD'],
      },
    },
    '/admin/v1/fraud/prefixes/{prefix}': {
      delete: {
        id: 'adminLiftFraudPrefix',
        summary: 'Lift a block (sends to the prefix are accepted again; its window starts afresh)',
        tag: 'Verifications',
        errors: withApp([...ADMIN_COMMON, 'INVALID_FIELD']),
      },
    },
  };
}
