/**
 * The voice API's result codes: the seed's table 6 (docs/contract.md#result-codes-callverify), one row per code, with the HTTP status of the
 * row it stands under. This is the only copy of the table; every `/rest/` answer is built from it.
 * 1010010 stands twice in the seed (401 invalid digest, 403 platform flow limit), so the flow-limit
 * meaning has its own key here and the same wire code.
 */
export interface ResultCodeRow {
  readonly code: string;
  readonly httpStatus: 200 | 400 | 401 | 403 | 500;
  readonly description: string;
}

const rows = {
  SUCCESS: { code: '0', httpStatus: 200, description: 'Success' },
  // 400: authentication headers
  AUTHORIZATION_MISSING: {
    code: '1023006',
    httpStatus: 400,
    description: 'Authorization not contained in the HTTP header.',
  },
  REALM_MISSING: { code: '1023007', httpStatus: 400, description: 'realm not contained in Authorization.' },
  PROFILE_MISSING: { code: '1023008', httpStatus: 400, description: 'profile not contained in Authorization.' },
  REALM_INVALID: { code: '1023009', httpStatus: 400, description: 'The value of realm in Authorization must be SDP.' },
  PROFILE_INVALID: {
    code: '1023010',
    httpStatus: 400,
    description: 'The value of profile in Authorization must be UsernameToken.',
  },
  TYPE_INVALID: {
    code: '1023011',
    httpStatus: 400,
    description: 'The value of type in Authorization must be app_key.',
  },
  TYPE_MISSING: { code: '1023012', httpStatus: 400, description: 'type not contained in Authorization.' },
  XAKSK_MISSING: { code: '1023033', httpStatus: 400, description: 'HTTP header not found X-AKSK field.' },
  USERNAME_MISSING: { code: '1023034', httpStatus: 400, description: 'UserName not contained in X-AKSK.' },
  NONCE_MISSING: { code: '1023035', httpStatus: 400, description: 'Nonce not contained in X-AKSK.' },
  CREATED_MISSING: { code: '1023036', httpStatus: 400, description: 'Created not contained in X-AKSK.' },
  PASSWORD_DIGEST_MISSING: { code: '1023037', httpStatus: 400, description: 'PasswordDigest not contained in X-AKSK.' },
  USERNAME_TOKEN_MISSING: { code: '1023038', httpStatus: 400, description: 'UsernameToken not contained in X-AKSK.' },
  // 401
  INVALID_DIGEST: { code: '1010010', httpStatus: 401, description: 'Invalid digest.' },
  TIME_OUT_LIMIT: { code: '1010013', httpStatus: 401, description: 'Time out limit.' },
  // 403
  INVALID_REQUEST: { code: '1010002', httpStatus: 403, description: 'Invalid request.' },
  INVALID_APP_KEY: { code: '1010003', httpStatus: 403, description: 'Invalid app_key.' },
  INVALID_REST_API: { code: '1010006', httpStatus: 403, description: 'Invalid Rest API.' },
  APP_KEY_SUSPENDED: { code: '1010008', httpStatus: 403, description: 'The status of the app_key is unavailable.' },
  API_QUOTA_EXCEEDED: { code: '1010009', httpStatus: 403, description: 'No more APIs can be invoked.' },
  PLATFORM_FLOW_LIMIT: {
    code: '1010010',
    httpStatus: 403,
    description: 'The flow control upper limit is reached on the platform.',
  },
  COMMERCIAL_ADDRESS_FORBIDDEN: {
    code: '1010011',
    httpStatus: 403,
    description: 'The app is not allowed to access a commercial address.',
  },
  APP_UNAVAILABLE: { code: '1010021', httpStatus: 403, description: 'Application unavailable.' },
  INVALID_DISPLAY_NUMBER: { code: '1010023', httpStatus: 403, description: 'Invalid display number.' },
  INVALID_CALLER_NUMBER: { code: '1010024', httpStatus: 403, description: 'Invalid caller number.' },
  API_NOT_PERMITTED: { code: '1010040', httpStatus: 403, description: 'The app_key is not allowed to invoke the API.' },
  NUMBER_RESOURCE_NOT_APPLIED: {
    code: '1012001',
    httpStatus: 403,
    description: 'Resource of number is not to be applied.',
  },
  SERVICE_NUMBER_NOT_APPLIED: { code: '1012006', httpStatus: 403, description: 'The service number is not applied.' },
  RECORDING_NOT_ENABLED: {
    code: '1012012',
    httpStatus: 403,
    description: 'Application does not open recording function.',
  },
  SP_CALL_LIMIT: { code: '1013001', httpStatus: 403, description: 'Calls exceed the SP limit.' },
  APP_CALL_LIMIT: { code: '1013002', httpStatus: 403, description: 'Calls exceed the APP limit.' },
  DISPLAY_NUMBER_CALL_LIMIT: {
    code: '1013003',
    httpStatus: 403,
    description: 'Calls exceed the display number limit.',
  },
  CALLEE_BLACKLISTED: { code: '1013004', httpStatus: 403, description: 'Callee in blacklist.' },
  CALLER_BLACKLISTED: { code: '1013010', httpStatus: 403, description: 'Caller in blacklist.' },
  CALLEE_NOT_WHITELISTED: { code: '1013011', httpStatus: 403, description: 'Callee is not on the whitelist.' },
  SECURITY_COMMON_ERROR: { code: '1013100', httpStatus: 403, description: 'Common error code .' },
  ABNORMAL_CALL: { code: '1013101', httpStatus: 403, description: 'Abnormal call restricted .' },
  INTERNATIONAL_CALLIN_FORBIDDEN: {
    code: '1013111',
    httpStatus: 403,
    description: 'International callin is forbidden.',
  },
  INTERNATIONAL_CALLOUT_FORBIDDEN: {
    code: '1013112',
    httpStatus: 403,
    description: 'International callout is forbidden.',
  },
  ABNORMAL_CALL_DURATION: { code: '1013113', httpStatus: 403, description: 'Abnormal call duration restricted.' },
  ABNORMAL_COMPLETION_RATE: {
    code: '1013115',
    httpStatus: 403,
    description: 'Abnormal call completion rate restricted.',
  },
  CALLER_FREQUENCY_LIMIT: { code: '1013116', httpStatus: 403, description: 'Caller call frequency restricted.' },
  CALLEE_FREQUENCY_LIMIT: { code: '1013117', httpStatus: 403, description: 'Callee call frequency restricted.' },
  SERVICE_NUMBER_FREQUENCY_LIMIT: {
    code: '1013118',
    httpStatus: 403,
    description: 'Service number call frequency restricted.',
  },
  SERVICE_NUMBER_SUSPENDED: { code: '1013119', httpStatus: 403, description: 'Service number suspend.' },
  IP_ADDRESS_MISSING: { code: '1013120', httpStatus: 403, description: 'Ip address is null.' },
  REST_HOURS: { code: '1013121', httpStatus: 403, description: 'Call black time forbidden.' },
  SUB_ENTERPRISE_SUSPENDED: { code: '1013122', httpStatus: 403, description: 'Sub enterprise is suspended.' },
  APP_PORT_LIMIT: {
    code: '1020165',
    httpStatus: 403,
    description: 'The number of app_key voice call ports exceeds the upper limit.',
  },
  IP_NOT_WHITELISTED: { code: '1020166', httpStatus: 403, description: 'The app client ip is not in ip white list.' },
  IP_BLACKLISTED: {
    code: '1020168',
    httpStatus: 403,
    description: 'The call is rejected because the login IP of the peer app is blacklisted .',
  },
  IP_AREA_BLACKLISTED: {
    code: '1020171',
    httpStatus: 403,
    description: 'The call is rejected because the login IP of the peer app is blacklisted area.',
  },
  AUTH_FAILURE_IP_BANNED: { code: '1020176', httpStatus: 403, description: 'Authentication failed, try again later' },
  // The verification API (/api/v3/verifications, docs/verifications.md): codes of this platform, not the seed's.
  VERIFICATION_PREFIX_BLOCKED: {
    code: '1013130',
    httpStatus: 403,
    description: 'Sends to this destination prefix are blocked by the fraud guard.',
  },
  VERIFICATION_NOT_PENDING: {
    code: '1020180',
    httpStatus: 403,
    description: 'No pending verification with this id.',
  },
  VERIFICATION_CAPTCHA_INVALID: {
    code: '1020181',
    httpStatus: 403,
    description: 'The captchaVerification is unknown, used or expired.',
  },
  // 500 (the seed's statuses, kept for wire compatibility; always deliberate answers)
  INTERNAL_SYSTEM_ERROR: { code: '1010001', httpStatus: 500, description: 'Internal system error.' },
  PARAMETER_ERROR: { code: '1020001', httpStatus: 500, description: 'Parameter error.' },
  INTERNAL_ERROR: { code: '1020002', httpStatus: 500, description: 'Internal error.' },
  APP_KEY_INVALID: { code: '1020150', httpStatus: 500, description: 'The app_key is invalid.' },
  BIND_NUM_INVALID: { code: '1020151', httpStatus: 500, description: 'The bindNum is invalid.' },
  INSUFFICIENT_VOICE_PORTS: { code: '1020154', httpStatus: 500, description: 'Insufficient voice ports.' },
  AUTH_INTERNAL_ERROR: { code: '1023001', httpStatus: 500, description: 'Internal error.' },
  RESPONSE_TIMEOUT: { code: '1023002', httpStatus: 500, description: 'Response timeout.' },
} as const satisfies Record<string, ResultCodeRow>;

export type ResultCodeName = keyof typeof rows;
export const ResultCodes: { readonly [K in ResultCodeName]: ResultCodeRow } = rows;

/** The `/rest/` response body for a result code; `detail` makes a description precise. */
export function resultBody(row: ResultCodeRow, detail?: string): { resultcode: string; resultdesc: string } {
  const base = row.description.replace(/\s*\.?\s*$/, '');
  return { resultcode: row.code, resultdesc: detail ? `${base}: ${detail}`.slice(0, 128) : row.description };
}
