import type * as z from 'zod';
import { auditQuery } from '../admin/audit/audit.schema.js';
import { appCreateBody, appUpdateBody } from '../admin/apps/app.schema.js';
import { cdrsQuery, deliveriesQuery } from '../admin/calls/calls.schema.js';
import { enterprisePutBody } from '../admin/enterprises/enterprises.schema.js';
import { fraudPrefixesQuery } from '../admin/fraud/fraud-prefixes.schema.js';
import { ipRuleBody } from '../admin/ip-rules/ip-rules.schema.js';
import { listEntryBody, listsQuery } from '../admin/lists/lists.schema.js';
import { numberAddBody, numberUpdateBody } from '../admin/numbers/numbers.schema.js';
import { overviewQuery } from '../admin/overview/overview.schema.js';
import { smsDevInboxQuery, smsListQuery } from '../admin/sms/sms-admin.schema.js';
import { toneUploadQuery } from '../admin/tones/tones.schema.js';
import {
  captchaCheckBody,
  captchaGetQuery,
  captchaManagedBody,
  captchaVerifyBody,
} from '../captcha/captcha-request.schema.js';
import { smsSendBody, smsVerifyBody } from '../sms/sms-request.schema.js';
import {
  checkVerificationSchema,
  createVerificationSchema,
  resendVerificationSchema,
} from '../verifications/verification.schemas.js';
import { callVerifyBody } from '../voice/call-verify.schema.js';

/** What a route takes: its JSON body and its query, each a schema; `{}` = it takes neither (only its path). */
export interface RouteSchemas {
  body?: z.ZodObject;
  query?: z.ZodObject;
  /** A body that is not JSON (a WAV upload): described by the route, not by a schema. */
  rawBody?: string;
}

/**
 * Every route of the gateway (`METHOD /path` in OpenAPI's notation) and the schemas of what it
 * takes: the SAME schemas the controllers validate with, from which the OpenAPI document's
 * request bodies and query parameters are generated. test/e2e/openapi.e2e.test.ts fails when a
 * registered route has no entry here.
 */
// The mobile pattern is configuration (VERIGATE_SMS_MOBILE_PATTERN); the document describes it in words.
const ANY_MOBILE = /^/;
const NONE: RouteSchemas = {};
const REST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

export const ROUTE_SCHEMAS: Readonly<Record<string, RouteSchemas>> = {
  'GET /api/v2/sdk/captcha': { query: captchaGetQuery },
  'POST /api/v2/sdk/captcha/check': { body: captchaCheckBody },
  'POST /api/v2/sdk/captcha/managed': { body: captchaManagedBody },
  'POST /api/v2/sdk/captcha/verify': { body: captchaVerifyBody },
  'POST /api/v2/sdk/sms/send': { body: smsSendBody(ANY_MOBILE) },
  'POST /api/v2/sdk/sms/verify': { body: smsVerifyBody(ANY_MOBILE) },
  'POST /rest/httpsessions/callVerify/v1.0': { body: callVerifyBody },
  // Any other path or method under /rest/ is refused whatever it carries.
  ...Object.fromEntries(REST_METHODS.map((method) => [`${method} /rest/{path}`, NONE])),
  'POST /api/v3/verifications': { body: createVerificationSchema },
  'POST /api/v3/verifications/{id}/check': { body: checkVerificationSchema },
  'POST /api/v3/verifications/{id}/resend': { body: resendVerificationSchema },

  'POST /admin/v1/apps': { body: appCreateBody },
  'GET /admin/v1/apps': NONE,
  'GET /admin/v1/apps/{appKey}': NONE,
  'PATCH /admin/v1/apps/{appKey}': { body: appUpdateBody() },
  'POST /admin/v1/apps/{appKey}/secret': NONE,
  'POST /admin/v1/apps/{appKey}/webhook-secret': NONE,
  'DELETE /admin/v1/apps/{appKey}/webhook-secret': NONE,
  'POST /admin/v1/apps/{appKey}/numbers': { body: numberAddBody },
  'GET /admin/v1/apps/{appKey}/numbers': NONE,
  'PATCH /admin/v1/apps/{appKey}/numbers/{number}': { body: numberUpdateBody },
  'POST /admin/v1/apps/{appKey}/tones': { query: toneUploadQuery, rawBody: 'audio/wav' },
  'GET /admin/v1/apps/{appKey}/tones': NONE,
  'GET /admin/v1/apps/{appKey}/tones/{name}/audio': NONE,
  'POST /admin/v1/apps/{appKey}/tones/{name}/approve': NONE,
  'POST /admin/v1/apps/{appKey}/tones/{name}/reject': NONE,
  'POST /admin/v1/lists': { body: listEntryBody },
  'DELETE /admin/v1/lists': { query: listEntryBody },
  'GET /admin/v1/lists': { query: listsQuery },
  'GET /admin/v1/calls/{sessionId}': NONE,
  'GET /admin/v1/cdrs': { query: cdrsQuery },
  'GET /admin/v1/deliveries': { query: deliveriesQuery },
  'POST /admin/v1/deliveries/{id}/redeliver': NONE,
  'GET /admin/v1/audit': { query: auditQuery },
  'PUT /admin/v1/enterprises/{id}': { body: enterprisePutBody },
  'GET /admin/v1/enterprises': NONE,
  'POST /admin/v1/ip-rules': { body: ipRuleBody },
  'GET /admin/v1/ip-rules': NONE,
  'DELETE /admin/v1/ip-rules/{id}': NONE,
  'GET /admin/v1/ip-bans': NONE,
  'DELETE /admin/v1/ip-bans/{ip}': NONE,
  'GET /admin/v1/sms': { query: smsListQuery },
  'GET /admin/v1/sms/dev-inbox': { query: smsDevInboxQuery },
  'GET /admin/v1/sms/{messageId}': NONE,
  'GET /admin/v1/overview': { query: overviewQuery },
  'GET /admin/v1/fraud/prefixes': { query: fraudPrefixesQuery },
  'DELETE /admin/v1/fraud/prefixes/{prefix}': NONE,

  'GET /health': NONE,
  'GET /health/live': NONE,
  'GET /metrics': NONE,
  'GET /captcha/widget.js': NONE,
  'GET /demo/captcha': NONE,
  'GET /docs': NONE,
  'GET /docs/openapi.json': NONE,
  'GET /docs/assets/{file}': NONE,
  'GET /console': NONE,
  'GET /console/assets/{file}': NONE,
};

/** The schemas of a route; throws for a route the table does not know (a route must not exist without one). */
export function routeSchemas(method: string, path: string): RouteSchemas {
  const key = `${method.toUpperCase()} ${path}`;
  const entry = Object.hasOwn(ROUTE_SCHEMAS, key) ? ROUTE_SCHEMAS[key] : undefined;
  if (!entry) throw new Error(`${key} has no entry in apps/gateway/src/docs/route-schemas.ts`);
  return entry;
}
