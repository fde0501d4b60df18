/**
 * Error codes of the management API (`/admin/v1`) and of the gateway's other non-SDK, non-`/rest/`
 * answers, one table: each code's HTTP status and meaning. Bodies are `{error_code, error_msg}`;
 * the OpenAPI document (apps/gateway/src/docs) lists these per endpoint from this table.
 */
interface AdminErrorRow {
  readonly httpStatus: 400 | 401 | 404 | 408 | 409 | 413 | 415 | 431 | 500;
  readonly meaning: string;
}

export const ADMIN_ERRORS = {
  ADMIN_UNAUTHORIZED: { httpStatus: 401, meaning: 'no `Authorization: Bearer <operator token>`, or a wrong token' },
  INVALID_JSON: { httpStatus: 400, meaning: 'the body is not valid JSON' },
  INVALID_BODY: { httpStatus: 400, meaning: 'the body is not a JSON object' },
  INVALID_FIELD: { httpStatus: 400, meaning: 'a field or query parameter breaks its rule (the message names it)' },
  UNSUPPORTED_FORMAT: { httpStatus: 400, meaning: '`format` is not json or csv' },
  INVALID_TONE: { httpStatus: 400, meaning: 'the uploaded file is not an acceptable WAV' },
  BAD_REQUEST: { httpStatus: 400, meaning: 'a malformed HTTP request (bad header bytes, bad framing)' },
  NOT_FOUND: { httpStatus: 404, meaning: 'no such resource or route' },
  REQUEST_TIMEOUT: { httpStatus: 408, meaning: 'the request did not arrive within the server timeouts' },
  ALREADY_EXISTS: { httpStatus: 409, meaning: 'the resource already exists' },
  NOT_REDELIVERABLE: { httpStatus: 409, meaning: 'the delivery was acknowledged or is being sent' },
  BODY_TOO_LARGE: { httpStatus: 413, meaning: 'the body is over the limit (JSON 64 KiB)' },
  TONE_TOO_LARGE: { httpStatus: 413, meaning: 'the tone file is over 10 MiB' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, meaning: 'the Content-Type is not the one the endpoint takes' },
  HEADERS_TOO_LARGE: { httpStatus: 431, meaning: 'the request headers are over the server limit' },
  INTERNAL_ERROR: { httpStatus: 500, meaning: 'unexpected internal error (logged)' },
} as const satisfies Record<string, AdminErrorRow>;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
