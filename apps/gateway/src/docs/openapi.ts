/**
 * The OpenAPI 3.1 document of every gateway route, served at `/docs/openapi.json` (UI at `/docs`).
 * Hand-written (no decorator library), but every error code, its HTTP status and its message
 * come from the one error tables of libs/contracts (result-codes.ts, sdk-errors.ts,
 * admin-errors.ts): an endpoint names the codes it can answer, the tables say the rest.
 * test/e2e/openapi.e2e.test.ts fails when a route of the gateway is missing here (or the
 * reverse), and the property suites (test/e2e/property-*.e2e.test.ts) use this document as the
 * oracle of which statuses and codes each endpoint may answer.
 */
import {
  ADMIN_ERRORS, ResultCodes, SDK_ERRORS, SMS_TYPES,
  type AdminErrorCode, type CaptchaErrorCode, type ResultCodeName, type SdkApi, type SmsErrorCode,
} from '#libs/contracts';
import { JSON_BODY_LIMIT } from '../http/fastify-setup.js';
import { MAX_TONE_BYTES } from '../admin/tones/wav.js';
import { PHONE_NUMBER } from '../policy/phone-number.js';

type Schema = Record<string, unknown>;
type Responses = Record<string, Schema>;
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Responses;
}
export type OpenApiDocument = {
  openapi: string;
  info: Schema;
  servers: Schema[];
  tags: Schema[];
  paths: Record<string, Record<string, Operation>>;
  components: Schema;
};

/** The field of an error body that carries its code, per API family (the property tests read it). */
export const ERROR_CODE_FIELD = { sdk: 'error_code', rest: 'resultcode', admin: 'error_code' } as const;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });

/** Adds `schema` answers grouped by status into `responses` (several codes may share a status). */
function mergeErrors(responses: Responses, byStatus: Map<number, { codes: string[]; lines: string[] }>, shape: string, field: string): Responses {
  for (const [status, { codes, lines }] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: lines.join('\n\n'),
      content: json({ allOf: [ref(shape)], properties: { [field]: { enum: [...new Set(codes)] } } }),
    };
  }
  return responses;
}

function group<T>(items: readonly T[], statusOf: (item: T) => number, codeOf: (item: T) => string, lineOf: (item: T) => string) {
  const byStatus = new Map<number, { codes: string[]; lines: string[] }>();
  for (const item of items) {
    const entry = byStatus.get(statusOf(item)) ?? { codes: [], lines: [] };
    entry.codes.push(codeOf(item));
    entry.lines.push(lineOf(item));
    byStatus.set(statusOf(item), entry);
  }
  return byStatus;
}

function sdkErrors(api: SdkApi, codes: readonly (CaptchaErrorCode | SmsErrorCode)[]): Responses {
  return mergeErrors({}, group(codes, (c) => SDK_ERRORS[c].httpStatus, (c) => `${api}.${c}`, (c) => `\`${api}.${c}\`: ${SDK_ERRORS[c].en}`), 'SdkError', ERROR_CODE_FIELD.sdk);
}

function restErrors(names: readonly ResultCodeName[]): Responses {
  return mergeErrors({}, group(names, (n) => ResultCodes[n].httpStatus, (n) => ResultCodes[n].code, (n) => `\`${ResultCodes[n].code}\`: ${ResultCodes[n].description}`), 'RestResult', ERROR_CODE_FIELD.rest);
}

function adminErrors(codes: readonly AdminErrorCode[]): Responses {
  return mergeErrors({}, group(codes, (c) => ADMIN_ERRORS[c].httpStatus, (c) => c, (c) => `\`${c}\`: ${ADMIN_ERRORS[c].meaning}`), 'AdminError', ERROR_CODE_FIELD.admin);
}

// ---- SDK APIs (SPEC §2) ----

const SDK_COMMON: readonly (CaptchaErrorCode & SmsErrorCode)[] = ['HEADER_MISSING', 'CLIENT_ID_INVALID', 'APP_NOT_PERMITTED', 'PARAMETER_INVALID', 'CLIENT_ADDRESS_MISSING', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'];
const SDK_BODY: readonly (CaptchaErrorCode & SmsErrorCode)[] = [...SDK_COMMON, 'BODY_TOO_LARGE'];

const sdkHeaderParameters: Schema[] = [
  { name: 'X-operating-sys-version', in: 'header', required: true, schema: { type: 'string', maxLength: 256 }, example: 'Android 10' },
  { name: 'X-device-fingerprint', in: 'header', required: true, schema: { type: 'string', maxLength: 128 }, description: 'Rate limits and lock-outs count per fingerprint.' },
  { name: 'X-agent', in: 'header', required: true, schema: { type: 'string', maxLength: 1024 } },
  { name: 'X-L', in: 'header', required: false, schema: { type: 'string', enum: ['zh', 'en'] }, description: 'Language of `error_msg` (and of SMS text); Chinese unless `en…`.' },
  { name: 'X-device-ip', in: 'header', required: false, schema: { type: 'string' }, description: 'Accepted and ignored: the client address is the socket peer, or X-Forwarded-For from a trusted proxy.' },
  { name: 'X-tenant-id', in: 'header', required: false, schema: { type: 'string' } },
  { name: 'X-Forwarded-For', in: 'header', required: false, schema: { type: 'string' }, description: 'Believed only from `VERIGATE_TRUSTED_PROXIES`.' },
];

const sdkSecurity = [{ sdkClientId: [] }];

function sdkJsonBody(schema: Schema): Schema {
  return { required: true, description: `JSON, at most ${JSON_BODY_LIMIT} bytes.`, content: json(schema) };
}

function captchaOperations(): Record<string, Record<string, Operation>> {
  const ok = { description: 'The AJ-Captcha response body (every field present; unused ones null).', content: json(ref('CaptchaResponse')) };
  return {
    '/api/v2/sdk/captcha': {
      get: {
        operationId: 'captchaGet', summary: 'Get a captcha (blockPuzzle or clickWord)', tags: ['Captcha SDK'], security: sdkSecurity,
        parameters: [...sdkHeaderParameters, { name: 'captchaType', in: 'query', required: false, schema: { type: 'string', enum: ['blockPuzzle', 'clickWord'], default: 'blockPuzzle' } }],
        responses: { 200: ok, ...sdkErrors('CAPTCHA', [...SDK_COMMON, 'CAPTCHA_TYPE_INVALID', 'RATE_LIMITED', 'LOCKED_OUT']) },
      },
    },
    '/api/v2/sdk/captcha/check': {
      post: {
        operationId: 'captchaCheck', summary: 'Check an answer (one attempt per token)', tags: ['Captcha SDK'], security: sdkSecurity, parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody({
          type: 'object', required: ['token', 'pointJson'],
          properties: {
            // null is taken as absent (the default), as a client leaving the field empty sends it.
            captchaType: { type: ['string', 'null'], enum: ['blockPuzzle', 'clickWord', null], default: 'blockPuzzle' },
            token: { type: 'string', pattern: '^[0-9a-f]{32}$' },
            pointJson: { type: 'string', maxLength: 4096, description: 'base64(AES-128-ECB(JSON point(s), secretKey)), or the plain JSON' },
            trajectory: { type: 'array', maxItems: 500, description: '[[ms, x, y], …] of the drag; checked whenever present (README "Trajectory rules")' },
            powSolution: { type: ['string', 'object'], description: 'Apps with captchaPow: the solved `pow` challenge, ALTCHA payload base64(JSON {algorithm, challenge, number, salt, signature}). Missing: POW_REQUIRED; wrong, expired or another captcha\'s: POW_INVALID; reused: TOKEN_INVALID (bound to this single-use token).' },
          },
        }),
        responses: { 200: ok, ...sdkErrors('CAPTCHA', [...SDK_BODY, 'CAPTCHA_TYPE_INVALID', 'TOKEN_INVALID', 'CAPTCHA_WRONG', 'RATE_LIMITED', 'LOCKED_OUT', 'POW_REQUIRED', 'POW_INVALID']) },
      },
    },
    '/api/v2/sdk/captcha/managed': {
      post: {
        operationId: 'captchaManaged', summary: 'Managed (invisible) mode: a credential for proof of work alone when the risk is low (extension)', tags: ['Captcha SDK'], security: sdkSecurity, parameters: sdkHeaderParameters,
        description: 'For the token of a `get`: `result: true` with a `captchaVerification` (verified like any other) when no risk signal is raised, neither at the captcha\'s `get` nor now, and the caller is the get\'s (same device fingerprint and address bucket); otherwise `result: false` and `escalated` names the reason (velocity, failures, under-attack, behaviour, pow-off, caller-changed) and the token stays open for the puzzle.',
        requestBody: sdkJsonBody({
          type: 'object', required: ['token', 'powSolution'],
          properties: {
            token: { type: 'string', pattern: '^[0-9a-f]{32}$' },
            powSolution: { type: ['string', 'object'], description: 'as in check' },
            signals: { type: 'object', properties: { elapsedMs: { type: 'number' }, interactions: { type: 'number' } } },
          },
        }),
        responses: { 200: ok, ...sdkErrors('CAPTCHA', [...SDK_BODY, 'TOKEN_INVALID', 'RATE_LIMITED', 'LOCKED_OUT', 'POW_REQUIRED', 'POW_INVALID']) },
      },
    },
    '/api/v2/sdk/captcha/verify': {
      post: {
        operationId: 'captchaVerify', summary: 'Secondary verification of a captchaVerification (single use)', tags: ['Captcha SDK'], security: sdkSecurity, parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody({ type: 'object', required: ['captchaVerification'], properties: { captchaVerification: { type: 'string', maxLength: 4096 } } }),
        responses: { 200: ok, ...sdkErrors('CAPTCHA', [...SDK_BODY, 'VERIFICATION_INVALID', 'RATE_LIMITED']) },
      },
    },
  };
}

function smsOperations(): Record<string, Record<string, Operation>> {
  const mobile = { type: 'string', maxLength: 32, description: '11 digits by default (`VERIGATE_SMS_MOBILE_PATTERN`)' };
  const type = { type: 'string', enum: [...SMS_TYPES], description: 'White space inside the value is ignored.' };
  return {
    '/api/v2/sdk/sms/send': {
      post: {
        operationId: 'smsSend', summary: 'Send a verification code by SMS', tags: ['SMS SDK'], security: sdkSecurity, parameters: sdkHeaderParameters,
        description: 'A send refused by a limit or the cool-down (429) consumes its captcha_token too: solve a new captcha before trying again. '
          + 'A platform fault (500, 503) keeps it; MOBILE_BLOCKED (a destination range the platform never sends to) is answered before the captcha_token is looked at.',
        requestBody: sdkJsonBody({ type: 'object', required: ['mobile', 'type', 'captcha_token'], properties: { mobile, type, captcha_token: { type: 'string', maxLength: 4096, description: 'a captchaVerification (plain or AES form), single use' } } }),
        responses: {
          200: { description: 'Accepted: the SMS will be sent.', content: json(ref('SmsSendResult')) },
          ...sdkErrors('SMS', [...SDK_BODY, 'MOBILE_INVALID', 'TYPE_INVALID', 'CAPTCHA_TOKEN_INVALID', 'RESEND_TOO_SOON', 'MOBILE_HOURLY_LIMIT', 'MOBILE_DAILY_LIMIT', 'DEVICE_LIMIT', 'IP_LIMIT',
            'MOBILE_BLOCKED', 'DAILY_BUDGET_EXHAUSTED', 'PREFIX_VELOCITY_LIMIT']),
        },
      },
    },
    '/api/v2/sdk/sms/verify': {
      post: {
        operationId: 'smsVerify', summary: 'Verify a code (single use)', tags: ['SMS SDK'], security: sdkSecurity, parameters: sdkHeaderParameters,
        requestBody: sdkJsonBody({ type: 'object', required: ['mobile', 'type', 'code'], properties: { mobile, type, code: { type: 'string', pattern: '^[0-9]{1,10}$' } } }),
        responses: {
          200: { description: 'The right code, used now.', content: json({ type: 'object', required: ['result'], properties: { result: { const: true } } }) },
          ...sdkErrors('SMS', [...SDK_BODY, 'MOBILE_INVALID', 'TYPE_INVALID', 'VERIFY_RATE_LIMITED', 'CODE_WRONG', 'CODE_EXPIRED', 'CODE_USED', 'CODE_ATTEMPTS_EXCEEDED']),
        },
      },
    },
  };
}

// ---- Voice API (seed 表4 / 表6) ----

/** Codes of 表6 that other Huawei voice APIs use; kept in the table, never answered by callVerify. */
export const NOT_PRODUCED_BY_CALL_VERIFY: readonly ResultCodeName[] = ['RECORDING_NOT_ENABLED', 'ABNORMAL_CALL_DURATION', 'ABNORMAL_COMPLETION_RATE'];

function voiceOperations(): Record<string, Record<string, Operation>> {
  const callVerifyErrors = (Object.keys(ResultCodes) as ResultCodeName[]).filter((n) => n !== 'SUCCESS' && !NOT_PRODUCED_BY_CALL_VERIFY.includes(n));
  const unknownApi = (method: string): Operation => ({
    operationId: `restUnknown${method[0]!.toUpperCase()}${method.slice(1)}`, summary: 'Any other path or method under /rest/', tags: ['Voice'],
    parameters: [{ name: 'path', in: 'path', required: true, schema: { type: 'string' } }],
    responses: restErrors(['INVALID_REST_API', 'PARAMETER_ERROR']),
  });
  return {
    '/rest/httpsessions/callVerify/v1.0': {
      post: {
        operationId: 'callVerify', summary: 'Place a voice verification call', tags: ['Voice'], security: [{ akskAuthorization: [], akskToken: [] }],
        description: 'Statuses follow the seed\'s table 表6 (parameter errors are HTTP 500 `1020001` there, kept for wire compatibility). '
          + `A body over ${JSON_BODY_LIMIT} bytes is a parameter error (1020001) too. Codes 1012012, 1013113 and 1013115 are in the table but belong to other APIs.`,
        requestBody: {
          required: true, description: 'Content-Type application/json;charset=UTF-8 (anything else: 403 1010002).',
          content: json({
            type: 'object', required: ['displayNbr', 'calleeNbr', 'languageType', 'preTone', 'verifyCode'],
            // Optional fields may also be null: null is taken as absent.
            properties: {
              displayNbr: { type: 'string', pattern: PHONE_NUMBER.source }, calleeNbr: { type: 'string', pattern: PHONE_NUMBER.source },
              languageType: { type: 'integer', enum: [1, 2] }, preTone: { type: 'string' }, posTone: { type: ['string', 'null'] },
              verifyCode: { type: 'string', pattern: '^[0-9]{2,8}$' }, times: { type: ['integer', 'null'], minimum: 0, maximum: 9, default: 3 },
              statusUrl: { type: ['string', 'null'], description: 'Base64 of an http(s) URL' }, feeUrl: { type: ['string', 'null'], description: 'Base64 of an http(s) URL' },
              returnIdlePort: { type: ['string', 'null'], enum: ['true', 'false', null] }, userData: { type: ['string', 'null'], minLength: 1, maxLength: 256 },
            },
          }),
        },
        responses: {
          200: { description: '`0` Success: the call will be placed.', content: json(ref('CallVerifyResult')) },
          ...restErrors(callVerifyErrors),
        },
      },
    },
    '/rest/{path}': Object.fromEntries(['get', 'post', 'put', 'patch', 'delete', 'options', 'trace'].map((m) => [m, unknownApi(m)])),
  };
}

// ---- Management API (SPEC §4) ----

// INVALID_FIELD: any path or query parameter can be refused (e.g. %00, which PostgreSQL text cannot hold).
const ADMIN_COMMON: readonly AdminErrorCode[] = ['ADMIN_UNAUTHORIZED', 'BAD_REQUEST', 'INVALID_FIELD', 'INTERNAL_ERROR'];
const ADMIN_JSON_BODY: readonly AdminErrorCode[] = [...ADMIN_COMMON, 'INVALID_JSON', 'INVALID_BODY', 'INVALID_FIELD', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

interface AdminOp {
  id: string;
  summary: string;
  tag: string;
  ok?: number;
  okSchema?: Schema;
  okDescription?: string;
  body?: Schema;
  query?: Schema[];
  errors: readonly AdminErrorCode[];
  csv?: boolean;
}

/** Fastify refuses a body over its limit or with an unreadable Content-Type before any handler runs. */
const ADMIN_ANY_BODY: readonly AdminErrorCode[] = ['BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

function adminOperation(op: AdminOp, pathParams: string[]): Operation {
  const content: Schema = json(op.okSchema ?? { type: 'object' });
  if (op.csv) content['text/csv'] = { schema: { type: 'string' } };
  return {
    operationId: op.id, summary: op.summary, tags: [op.tag], security: [{ operatorToken: [] }],
    parameters: [...pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })), ...(op.query ?? [])],
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: { [String(op.ok ?? 200)]: { description: op.okDescription ?? 'Done.', content }, ...adminErrors([...new Set([...op.errors, ...ADMIN_ANY_BODY])]) },
  };
}

const q = (name: string, description = '', schema: Schema = { type: 'string' }): Schema => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
const page = [q('limit', '1-1000', { type: 'integer', minimum: 1, maximum: 1000 }), q('before', '`nextBefore` of the previous page, or an ISO time'), q('from', 'ISO 8601'), q('to', 'ISO 8601')];
const listOf = (item: Schema) => ({ type: 'object', properties: { items: { type: 'array', items: item }, count: { type: 'integer' }, nextBefore: { type: ['string', 'null'] } } });

const appFields = {
  name: { type: 'string', maxLength: 256 }, signature: { type: ['string', 'null'] }, permissions: { type: 'array', items: { type: 'string', enum: ['captcha', 'sms', 'voice'] } },
  ipWhitelist: { type: 'array', items: { type: 'string' } }, restHours: { type: ['object', 'null'], properties: { from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' } } },
  voicePorts: { type: ['integer', 'null'] }, smsStatusUrl: { type: ['string', 'null'], maxLength: 2048, description: 'Shown with its credentials as `***@`; sent back unchanged it keeps the stored ones, any other URL with `***@` credentials is refused (400 INVALID_FIELD).' },
  captchaPow: { type: 'boolean', description: 'captcha proof of work required (default true; apps created before the feature: false)' },
  captchaUnderAttack: { type: 'boolean', description: 'harder proof of work for every client; managed mode always shows the puzzle (default false)' },
};

function adminPaths(): Record<string, Record<string, AdminOp>> {
  const withApp = (errors: readonly AdminErrorCode[]) => [...errors, 'NOT_FOUND' as const];
  return {
    '/admin/v1/apps': {
      post: { id: 'adminCreateApp', summary: 'Create an app (the secret is shown only here)', tag: 'Apps', ok: 201, body: { type: 'object', required: ['name'], properties: appFields }, okSchema: ref('App'), errors: [...ADMIN_JSON_BODY, 'NOT_FOUND', 'ALREADY_EXISTS'] },
      get: { id: 'adminListApps', summary: 'Apps (without secrets)', tag: 'Apps', okSchema: { type: 'array', items: ref('App') }, errors: ADMIN_COMMON },
    },
    '/admin/v1/apps/{appKey}': {
      get: { id: 'adminGetApp', summary: 'One app', tag: 'Apps', okSchema: ref('App'), errors: withApp(ADMIN_COMMON) },
      patch: {
        id: 'adminUpdateApp', summary: 'Change an app (status, permissions, limits, SMS settings, …)', tag: 'Apps', okSchema: ref('App'), errors: withApp(ADMIN_JSON_BODY),
        body: { type: 'object', properties: { ...appFields, status: { type: 'string', enum: ['normal', 'suspended', 'unavailable'] }, stage: { type: 'string', enum: ['commercial', 'test'] }, limits: { type: 'object' }, enterpriseId: { type: ['string', 'null'] }, international: { type: ['object', 'null'] } } },
      },
    },
    '/admin/v1/apps/{appKey}/secret': { post: { id: 'adminRotateSecret', summary: 'Rotate the app secret', tag: 'Apps', okSchema: ref('App'), errors: withApp(ADMIN_COMMON) } },
    '/admin/v1/apps/{appKey}/webhook-secret': {
      post: {
        id: 'adminIssueWebhookSecret', summary: 'Create or rotate the Standard Webhooks secret (shown once; the previous one keeps signing for VERIGATE_WEBHOOK_SECRET_GRACE_S)', tag: 'Apps',
        okSchema: { type: 'object', properties: { appKey: { type: 'string' }, webhookSecret: { type: 'string', pattern: '^whsec_' }, previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time' } } },
        errors: withApp(ADMIN_COMMON),
      },
      delete: { id: 'adminRemoveWebhookSecret', summary: 'Stop sending Standard Webhooks headers (AKSK push headers stay)', tag: 'Apps', okSchema: ref('App'), errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/apps/{appKey}/numbers': {
      post: { id: 'adminAddNumber', summary: 'Add a display number', tag: 'Numbers', ok: 201, body: { type: 'object', required: ['number'], properties: { number: { type: 'string' }, status: { type: 'string', enum: ['normal', 'suspended', 'revoked'] } } }, errors: [...withApp(ADMIN_JSON_BODY), 'ALREADY_EXISTS'] },
      get: { id: 'adminListNumbers', summary: 'Display numbers of an app', tag: 'Numbers', okSchema: { type: 'array' }, errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/apps/{appKey}/numbers/{number}': {
      patch: { id: 'adminUpdateNumber', summary: 'Change a display number\'s status', tag: 'Numbers', body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['normal', 'suspended', 'revoked'] } } }, errors: withApp(ADMIN_JSON_BODY) },
    },
    '/admin/v1/apps/{appKey}/tones': {
      post: {
        id: 'adminUploadTone', summary: `Upload a WAV tone (Content-Type audio/wav, at most ${MAX_TONE_BYTES} bytes), held pending`, tag: 'Tones', ok: 201,
        query: [{ name: 'name', in: 'query', required: true, schema: { type: 'string', pattern: '\\.wav$' } }],
        errors: [...withApp(ADMIN_COMMON), 'INVALID_FIELD', 'INVALID_TONE', 'TONE_TOO_LARGE', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'ALREADY_EXISTS'],
      },
      get: { id: 'adminListTones', summary: 'Tones of an app', tag: 'Tones', okSchema: { type: 'array' }, errors: withApp(ADMIN_COMMON) },
    },
    '/admin/v1/apps/{appKey}/tones/{name}/approve': { post: { id: 'adminApproveTone', summary: 'Approve a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) } },
    '/admin/v1/apps/{appKey}/tones/{name}/reject': { post: { id: 'adminRejectTone', summary: 'Reject a tone', tag: 'Tones', errors: withApp(ADMIN_COMMON) } },
    '/admin/v1/lists': {
      post: { id: 'adminAddListEntry', summary: 'Add a number to a black- or whitelist', tag: 'Lists', ok: 201, body: ref('ListEntry'), errors: [...withApp(ADMIN_JSON_BODY), 'ALREADY_EXISTS'] },
      delete: { id: 'adminRemoveListEntry', summary: 'Remove a number from a list (query or body: list, number, appKey?)', tag: 'Lists', query: [q('list'), q('number'), q('appKey')], errors: withApp(ADMIN_JSON_BODY) },
      get: { id: 'adminListListEntries', summary: 'Entries of a list', tag: 'Lists', query: [q('list'), q('appKey')], okSchema: { type: 'array', items: ref('ListEntry') }, errors: withApp([...ADMIN_COMMON, 'INVALID_FIELD']) },
    },
    '/admin/v1/calls/{sessionId}': { get: { id: 'adminGetCall', summary: 'A call session, its events and CDR', tag: 'Calls', errors: withApp(ADMIN_COMMON) } },
    '/admin/v1/cdrs': {
      get: {
        id: 'adminListCdrs', summary: 'CDRs (JSON pages, or every match as CSV)', tag: 'Calls', csv: true, okSchema: listOf({ type: 'object' }),
        query: [q('appKey'), q('sessionId'), q('number'), q('format', 'json (default) or csv', { type: 'string', enum: ['json', 'csv'] }), ...page], errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/deliveries': { get: { id: 'adminListDeliveries', summary: 'Webhook deliveries of a session or SMS, with attempts', tag: 'Calls', query: [{ ...q('sessionId'), required: true }], okSchema: { type: 'array' }, errors: [...ADMIN_COMMON, 'INVALID_FIELD'] } },
    '/admin/v1/deliveries/{id}/redeliver': { post: { id: 'adminRedeliver', summary: 'Send a failed delivery again now', tag: 'Calls', ok: 202, errors: withApp([...ADMIN_COMMON, 'NOT_REDELIVERABLE']) } },
    '/admin/v1/audit': { get: { id: 'adminAudit', summary: 'The audit log, newest first', tag: 'Audit', query: [q('action'), q('target'), ...page], okSchema: listOf({ type: 'object' }), errors: [...ADMIN_COMMON, 'INVALID_FIELD'] } },
    '/admin/v1/enterprises/{id}': { put: { id: 'adminPutEnterprise', summary: 'Create or replace a sub-enterprise (status defaults to normal)', tag: 'Enterprises', body: { type: 'object', properties: { status: { type: 'string', enum: ['normal', 'suspended'], default: 'normal' } } }, errors: ADMIN_JSON_BODY } },
    '/admin/v1/enterprises': { get: { id: 'adminListEnterprises', summary: 'Sub-enterprises', tag: 'Enterprises', okSchema: { type: 'array' }, errors: ADMIN_COMMON } },
    '/admin/v1/ip-rules': {
      post: { id: 'adminAddIpRule', summary: 'Add a client-address rule of /rest/', tag: 'IP rules', ok: 201, body: { type: 'object', required: ['kind', 'cidr'], properties: { kind: { type: 'string', enum: ['blacklist', 'restricted-area'] }, cidr: { type: 'string' }, area: { type: 'string' } } }, errors: [...ADMIN_JSON_BODY, 'ALREADY_EXISTS'] },
      get: { id: 'adminListIpRules', summary: 'Client-address rules', tag: 'IP rules', okSchema: { type: 'array' }, errors: ADMIN_COMMON },
    },
    '/admin/v1/ip-rules/{id}': { delete: { id: 'adminRemoveIpRule', summary: 'Remove a rule', tag: 'IP rules', errors: withApp(ADMIN_COMMON) } },
    '/admin/v1/ip-bans': { get: { id: 'adminListIpBans', summary: 'Addresses banned after authentication failures (1020176)', tag: 'IP rules', okSchema: { type: 'array' }, errors: ADMIN_COMMON } },
    '/admin/v1/ip-bans/{ip}': { delete: { id: 'adminLiftIpBan', summary: 'Lift a ban', tag: 'IP rules', errors: withApp([...ADMIN_COMMON, 'INVALID_FIELD']) } },
    '/admin/v1/sms': {
      get: {
        id: 'adminListSms', summary: 'SMS messages (JSON pages, or every match as CSV); never the code', tag: 'SMS', csv: true, okSchema: listOf({ type: 'object' }),
        query: [q('appKey'), q('mobile'), q('messageId'), q('status'), q('type'), q('format', 'json (default) or csv', { type: 'string', enum: ['json', 'csv'] }), ...page], errors: [...ADMIN_COMMON, 'INVALID_FIELD', 'UNSUPPORTED_FORMAT'],
      },
    },
    '/admin/v1/sms/dev-inbox': { get: { id: 'adminSmsDevInbox', summary: 'What the development provider (log) would have sent', tag: 'SMS', query: [q('mobile'), q('limit')], okSchema: { type: 'array' }, errors: [...ADMIN_COMMON, 'INVALID_FIELD'] } },
    '/admin/v1/sms/{messageId}': { get: { id: 'adminGetSms', summary: 'One SMS message', tag: 'SMS', errors: withApp(ADMIN_COMMON) } },
  };
}

// ---- Everything else ----

function otherOperations(): Record<string, Record<string, Operation>> {
  const text = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  return {
    '/health': {
      get: {
        operationId: 'health', summary: 'Readiness: PostgreSQL and RabbitMQ', tags: ['Operations'],
        responses: { 200: { description: 'Ready.', content: json(ref('Health')) }, 503: { description: 'A dependency is down.', content: json(ref('Health')) } },
      },
    },
    '/health/live': { get: { operationId: 'healthLive', summary: 'Liveness (the process answers)', tags: ['Operations'], responses: { 200: { description: 'Alive.', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) } } } },
    '/metrics': {
      get: {
        operationId: 'metrics', summary: 'Prometheus metrics of this gateway (text format 0.0.4; docs/operations.md lists them)', tags: ['Operations'],
        description: 'When `VERIGATE_METRICS_TOKEN` is set, `Authorization: Bearer <token>` is required.',
        responses: { 200: text('text/plain', 'The exposition.'), 401: text('text/plain', 'VERIGATE_METRICS_TOKEN is set and the bearer token is missing or wrong.') },
      },
    },
    '/captcha/widget.js': { get: { operationId: 'captchaWidgetScript', summary: 'The browser captcha widget', tags: ['Captcha SDK'], responses: { 200: text('application/javascript', 'The script.') } } },
    '/demo/captcha': { get: { operationId: 'captchaDemoPage', summary: 'A demo page of the widget', tags: ['Captcha SDK'], responses: { 200: text('text/html', 'The page.') } } },
    '/docs': { get: { operationId: 'docsUi', summary: 'This document, in Swagger UI', tags: ['Operations'], responses: { 200: text('text/html', 'The UI.') } } },
    '/docs/openapi.json': { get: { operationId: 'docsOpenApi', summary: 'This document', tags: ['Operations'], responses: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } } } },
    '/docs/assets/{file}': {
      get: {
        operationId: 'docsAsset', summary: 'A static file of Swagger UI', tags: ['Operations'],
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: text('application/octet-stream', 'The file.'), ...adminErrors(['NOT_FOUND']) },
      },
    },
  };
}

const components = {
  securitySchemes: {
    akskAuthorization: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`; at most 1024 characters (longer: 400 1023006). Another realm (a webhook push\'s `SDP-PUSH`) is refused (400 1023009); every header fault counts towards the 1020176 ban.' },
    akskToken: {
      type: 'apiKey', in: 'header', name: 'X-AKSK',
      description: '`UsernameToken Username="<appKey>",PasswordDigest="<Base64(HMAC-SHA256(appSecret, Nonce+Created))>",Nonce="<1-128 alnum>",Created="yyyy-MM-ddTHH:mm:ssZ"`; a nonce is accepted once; at most 1024 characters (longer: 400 1023033).',
    },
    operatorToken: { type: 'http', scheme: 'bearer', description: '`VERIGATE_ADMIN_TOKEN`' },
    sdkClientId: { type: 'apiKey', in: 'header', name: 'X-client-id', description: 'The appKey of an app with the API\'s permission; the other SDK headers are listed per operation.' },
  },
  schemas: {
    SdkError: { type: 'object', required: ['error_code', 'error_msg'], properties: { error_code: { type: 'string', description: '`CAPTCHA.<CODE>` or `SMS.<CODE>`' }, error_msg: { type: 'string', description: 'in the X-L language' } } },
    RestResult: { type: 'object', required: ['resultcode', 'resultdesc'], properties: { resultcode: { type: 'string' }, resultdesc: { type: 'string', maxLength: 128 } } },
    AdminError: { type: 'object', required: ['error_code', 'error_msg'], properties: { error_code: { type: 'string', enum: Object.keys(ADMIN_ERRORS) }, error_msg: { type: 'string' } } },
    CallVerifyResult: { allOf: [ref('RestResult')], properties: { resultcode: { const: '0' }, sessionId: { type: 'string' }, idlePort: { type: 'integer' } } },
    CaptchaResponse: {
      type: 'object',
      properties: {
        ...Object.fromEntries(['captchaId', 'projectCode', 'captchaOriginalPath', 'captchaFontType', 'captchaFontSize', 'secretKey', 'originalImageBase64', 'point', 'jigsawImageBase64', 'pointList', 'pointJson', 'token', 'captchaVerification']
          .map((name): [string, Schema] => [name, { type: ['string', 'null'] }])),
        wordList: { type: ['array', 'null'], items: { type: 'string' } },
        result: { type: 'boolean' },
        pow: {
          type: 'object', description: 'Extension, only for apps with captchaPow: ALTCHA challenge; find number in [0, maxnumber] with hex(SHA-256(salt + number)) = challenge',
          properties: { algorithm: { const: 'SHA-256' }, challenge: { type: 'string' }, maxnumber: { type: 'integer' }, salt: { type: 'string' }, signature: { type: 'string' } },
        },
        escalated: { type: 'string', description: 'Extension, managed mode: the risk signal that requires the puzzle' },
      },
    },
    SmsSendResult: { type: 'object', required: ['result', 'message_id', 'expires_in', 'resend_after'], properties: { result: { const: true }, message_id: { type: 'string' }, expires_in: { type: 'integer' }, resend_after: { type: 'integer' } } },
    App: { type: 'object', properties: { appKey: { type: 'string' }, appSecret: { type: 'string', description: 'only when created or rotated' }, ...appFields, webhookSigning: { type: 'object', properties: { enabled: { type: 'boolean' }, previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time' } } }, status: { type: 'string' }, limits: { type: 'object' } } },
    ListEntry: { type: 'object', required: ['list', 'number'], properties: { list: { type: 'string', enum: ['blacklist', 'whitelist'] }, number: { type: 'string' }, appKey: { type: ['string', 'null'] } } },
    Health: { type: 'object', properties: { status: { type: 'string', enum: ['ok', 'error'] }, checks: { type: 'object' } } },
  },
};

let cached: OpenApiDocument | undefined;

/** The document (built once; it depends on nothing but the code). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const paths: OpenApiDocument['paths'] = { ...captchaOperations(), ...smsOperations(), ...voiceOperations() };
  for (const [path, ops] of Object.entries(adminPaths())) {
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    paths[path] = Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, adminOperation(op, pathParams)]));
  }
  Object.assign(paths, otherOperations());
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Verigate', version: '1.0.0',
      description: 'Image captchas and SMS codes (SDK APIs), voice verification calls (Huawei-compatible `/rest/`), and the management API. '
        + 'A request the HTTP parser refuses (CR/LF in a header, bad framing: 400 `BAD_REQUEST`), headers over the limit (431 `HEADERS_TOO_LARGE`) '
        + 'or a request that does not arrive within the server timeouts (408 `REQUEST_TIMEOUT`) is answered on any path with the `AdminError` shape, then the connection is closed.',
    },
    servers: [{ url: '/' }],
    tags: ['Captcha SDK', 'SMS SDK', 'Voice', 'Apps', 'Numbers', 'Tones', 'Lists', 'Calls', 'Audit', 'Enterprises', 'IP rules', 'SMS', 'Operations'].map((name) => ({ name })),
    paths,
    components,
  };
  return cached;
}
