/**
 * The OpenAPI 3.1 document of every gateway route, served at `/docs/openapi.json` (UI at `/docs`).
 * Hand-written (no decorator library), but every error code, its HTTP status and its message
 * come from the one error tables of libs/contracts (result-codes.ts, sdk-errors.ts,
 * admin-errors.ts): an endpoint names the codes it can answer, the tables say the rest.
 * test/e2e/openapi.e2e.test.ts fails when a route of the gateway is missing here (or the
 * reverse), and the property suites (test/e2e/property-*.e2e.test.ts) use this document as the
 * oracle of which statuses and codes each endpoint may answer.
 */
import { ADMIN_ERRORS } from '#libs/contracts';
import { adminOperation, adminPaths, appFields } from './openapi-admin.js';
import { adminErrors, json, ref, type OpenApiDocument, type Operation, type Schema } from './openapi-schema.js';
import { captchaOperations, smsOperations } from './openapi-sdk.js';
import { fraudAdminPaths, verificationOperations } from './openapi-verifications.js';
import { voiceOperations } from './openapi-voice.js';

export { ERROR_CODE_FIELD, type OpenApiDocument, type Operation } from './openapi-schema.js';
export { NOT_PRODUCED_BY_CALL_VERIFY } from './openapi-voice.js';

// ---- Everything else ----

function otherOperations(): Record<string, Record<string, Operation>> {
  const text = (type: string, description: string) => ({
    description,
    content: { [type]: { schema: { type: 'string' } } },
  });
  return {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Readiness: PostgreSQL and RabbitMQ',
        tags: ['Operations'],
        responses: {
          200: { description: 'Ready.', content: json(ref('Health')) },
          503: { description: 'A dependency is down.', content: json(ref('Health')) },
        },
      },
    },
    '/health/live': {
      get: {
        operationId: 'healthLive',
        summary: 'Liveness (the process answers)',
        tags: ['Operations'],
        responses: {
          200: { description: 'Alive.', content: json({ type: 'object', properties: { status: { const: 'ok' } } }) },
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics of this gateway (text format 0.0.4; docs/operations.md lists them)',
        tags: ['Operations'],
        description: 'When `VERIGATE_METRICS_TOKEN` is set, `Authorization: Bearer <token>` is required.',
        responses: {
          200: text('text/plain', 'The exposition.'),
          401: text('text/plain', 'VERIGATE_METRICS_TOKEN is set and the bearer token is missing or wrong.'),
        },
      },
    },
    '/captcha/widget.js': {
      get: {
        operationId: 'captchaWidgetScript',
        summary: 'The browser captcha widget',
        tags: ['Captcha SDK'],
        responses: { 200: text('application/javascript', 'The script.') },
      },
    },
    '/demo/captcha': {
      get: {
        operationId: 'captchaDemoPage',
        summary: 'A demo page of the widget',
        tags: ['Captcha SDK'],
        responses: { 200: text('text/html', 'The page.') },
      },
    },
    '/docs': {
      get: {
        operationId: 'docsUi',
        summary: 'This document, in Swagger UI',
        tags: ['Operations'],
        responses: { 200: text('text/html', 'The UI.') },
      },
    },
    '/console': {
      get: {
        operationId: 'consolePage',
        summary: 'The operator console (sign in with the operator token; it calls /admin/v1)',
        tags: ['Operations'],
        responses: { 200: text('text/html', 'The page.') },
      },
    },
    '/console/assets/{file}': {
      get: {
        operationId: 'consoleAsset',
        summary: 'A file of the operator console (console.js, console.css)',
        tags: ['Operations'],
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: text('application/octet-stream', 'The file.'), ...adminErrors(['NOT_FOUND']) },
      },
    },
    '/docs/openapi.json': {
      get: {
        operationId: 'docsOpenApi',
        summary: 'This document',
        tags: ['Operations'],
        responses: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
      },
    },
    '/docs/assets/{file}': {
      get: {
        operationId: 'docsAsset',
        summary: 'A static file of Swagger UI',
        tags: ['Operations'],
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: text('application/octet-stream', 'The file.'), ...adminErrors(['NOT_FOUND']) },
      },
    },
  };
}

const components = {
  securitySchemes: {
    akskAuthorization: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description:
        '`AKSK realm="SDP",profile="UsernameToken",type="Appkey"`; at most 1024 characters (longer: 400 1023006). Another realm (a webhook push\'s `SDP-PUSH`) is refused (400 1023009); every header fault counts towards the 1020176 ban.',
    },
    akskToken: {
      type: 'apiKey',
      in: 'header',
      name: 'X-AKSK',
      description:
        '`UsernameToken Username="<appKey>",PasswordDigest="<Base64(HMAC-SHA256(appSecret, Nonce+Created))>",Nonce="<1-128 alnum>",Created="yyyy-MM-ddTHH:mm:ssZ"`; a nonce is accepted once; at most 1024 characters (longer: 400 1023033).',
    },
    operatorToken: { type: 'http', scheme: 'bearer', description: '`VERIGATE_ADMIN_TOKEN`' },
    sdkClientId: {
      type: 'apiKey',
      in: 'header',
      name: 'X-client-id',
      description: "The appKey of an app with the API's permission; the other SDK headers are listed per operation.",
    },
  },
  schemas: {
    SdkError: {
      type: 'object',
      required: ['error_code', 'error_msg'],
      properties: {
        error_code: { type: 'string', description: '`CAPTCHA.<CODE>` or `SMS.<CODE>`' },
        error_msg: { type: 'string', description: 'in the X-L language' },
      },
    },
    RestResult: {
      type: 'object',
      required: ['resultcode', 'resultdesc'],
      properties: { resultcode: { type: 'string' }, resultdesc: { type: 'string', maxLength: 128 } },
    },
    AdminError: {
      type: 'object',
      required: ['error_code', 'error_msg'],
      properties: { error_code: { type: 'string', enum: Object.keys(ADMIN_ERRORS) }, error_msg: { type: 'string' } },
    },
    CallVerifyResult: {
      allOf: [ref('RestResult')],
      properties: { resultcode: { const: '0' }, sessionId: { type: 'string' }, idlePort: { type: 'integer' } },
    },
    CaptchaResponse: {
      type: 'object',
      properties: {
        ...Object.fromEntries(
          [
            'captchaId',
            'projectCode',
            'captchaOriginalPath',
            'captchaFontType',
            'captchaFontSize',
            'secretKey',
            'originalImageBase64',
            'point',
            'jigsawImageBase64',
            'pointList',
            'pointJson',
            'token',
            'captchaVerification',
          ].map((name): [string, Schema] => [name, { type: ['string', 'null'] }]),
        ),
        wordList: { type: ['array', 'null'], items: { type: 'string' } },
        result: { type: 'boolean' },
        pow: {
          type: 'object',
          description:
            'Extension, only for apps with captchaPow: ALTCHA challenge; find number in [0, maxnumber] with hex(SHA-256(salt + number)) = challenge',
          properties: {
            algorithm: { const: 'SHA-256' },
            challenge: { type: 'string' },
            maxnumber: { type: 'integer' },
            salt: { type: 'string' },
            signature: { type: 'string' },
          },
        },
        escalated: { type: 'string', description: 'Extension, managed mode: the risk signal that requires the puzzle' },
      },
    },
    SmsSendResult: {
      type: 'object',
      required: ['result', 'message_id', 'expires_in', 'resend_after'],
      properties: {
        result: { const: true },
        message_id: { type: 'string' },
        expires_in: { type: 'integer' },
        resend_after: { type: 'integer' },
      },
    },
    App: {
      type: 'object',
      properties: {
        appKey: { type: 'string' },
        appSecret: { type: 'string', description: 'only when created or rotated' },
        ...appFields,
        webhookSigning: {
          type: 'object',
          properties: {
            enabled: { type: 'boolean' },
            previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        status: { type: 'string' },
        limits: { type: 'object' },
      },
    },
    ListEntry: {
      type: 'object',
      required: ['list', 'number'],
      properties: {
        list: { type: 'string', enum: ['blacklist', 'whitelist'] },
        number: { type: 'string' },
        appKey: { type: ['string', 'null'] },
      },
    },
    Health: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ok', 'error'] }, checks: { type: 'object' } },
    },
  },
};

let cached: OpenApiDocument | undefined;

/** The document (built once; it depends on nothing but the code). */
export function openApiDocument(): OpenApiDocument {
  if (cached) return cached;
  const paths: OpenApiDocument['paths'] = {
    ...captchaOperations(),
    ...smsOperations(),
    ...voiceOperations(),
    ...verificationOperations(),
  };
  for (const [path, ops] of Object.entries({ ...adminPaths(), ...fraudAdminPaths() })) {
    paths[path] = Object.fromEntries(
      Object.entries(ops).map(([method, op]) => [method, adminOperation(op, method, path)]),
    );
  }
  Object.assign(paths, otherOperations());
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Verigate',
      version: '1.0.0',
      description:
        'Image captchas and SMS codes (SDK APIs), voice verification calls (Huawei-compatible `/rest/`), the verification API (`/api/v3/verifications`), and the management API. ' +
        'A request the HTTP parser refuses (CR/LF in a header, bad framing: 400 `BAD_REQUEST`), headers over the limit (431 `HEADERS_TOO_LARGE`) ' +
        'or a request that does not arrive within the server timeouts (408 `REQUEST_TIMEOUT`) is answered on any path with the `AdminError` shape, then the connection is closed.',
    },
    servers: [{ url: '/' }],
    tags: [
      'Captcha SDK',
      'SMS SDK',
      'Voice',
      'Verifications',
      'Apps',
      'Numbers',
      'Tones',
      'Lists',
      'Calls',
      'Audit',
      'Overview',
      'Enterprises',
      'IP rules',
      'SMS',
      'Operations',
    ].map((name) => ({ name })),
    paths,
    components,
  };
  return cached;
}
