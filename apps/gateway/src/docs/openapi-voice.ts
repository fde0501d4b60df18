/** The voice API of the OpenAPI document: callVerify, Huawei-compatible (docs/contract.md#callverify-request-body, docs/contract.md#result-codes-callverify). */
import { ResultCodes, type ResultCodeName } from '#libs/contracts';
import { JSON_BODY_LIMIT } from '../http/fastify-setup.js';
import { json, ref, requestBodySchema, restErrors, type Operation } from './openapi-schema.js';
import { VERIFICATION_ONLY_CODES } from './openapi-verifications.js';

/** Codes of table 6 (docs/contract.md#result-codes-callverify) that other Huawei voice APIs use; kept in the table, never answered by callVerify. */
export const NOT_PRODUCED_BY_CALL_VERIFY: readonly ResultCodeName[] = [
  'RECORDING_NOT_ENABLED',
  'ABNORMAL_CALL_DURATION',
  'ABNORMAL_COMPLETION_RATE',
];

export function voiceOperations(): Record<string, Record<string, Operation>> {
  const callVerifyErrors = (Object.keys(ResultCodes) as ResultCodeName[]).filter(
    (n) => n !== 'SUCCESS' && !NOT_PRODUCED_BY_CALL_VERIFY.includes(n) && !VERIFICATION_ONLY_CODES.includes(n),
  );
  const unknownApi = (method: string): Operation => ({
    operationId: `restUnknown${method[0]!.toUpperCase()}${method.slice(1)}`,
    summary: 'Any other path or method under /rest/',
    tags: ['Voice'],
    parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
    responses: restErrors(['INVALID_REST_API', 'PARAMETER_ERROR']),
  });
  return {
    '/rest/httpsessions/callVerify/v1.0': {
      post: {
        operationId: 'callVerify',
        summary: 'Place a voice verification call',
        tags: ['Voice'],
        security: [{ akskAuthorization: [], akskToken: [] }],
        description:
          "Statuses follow the seed's table 表6 (parameter errors are HTTP 500 `1020001` there, kept for wire compatibility). " +
          `A body over ${JSON_BODY_LIMIT} bytes is a parameter error (1020001) too. Codes 1012012, 1013113 and 1013115 are in the table but belong to other APIs.`,
        requestBody: {
          required: true,
          description: 'Content-Type application/json;charset=UTF-8 (anything else: 403 1010002).',
          content: json(requestBodySchema('POST', '/rest/httpsessions/callVerify/v1.0')),
        },
        responses: {
          200: { description: '`0` Success: the call will be placed.', content: json(ref('CallVerifyResult')) },
          ...restErrors(callVerifyErrors),
        },
      },
    },
    '/rest/{path}': Object.fromEntries(
      ['get', 'post', 'put', 'patch', 'delete', 'options', 'trace'].map((m) => [m, unknownApi(m)]),
    ),
  };
}
