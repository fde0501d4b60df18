/**
 * The wire types of the library, taken from the gateway's OpenAPI document (generated/openapi.ts,
 * made by scripts/generate-client-types.mjs from apps/gateway/src/docs/openapi.ts): what the
 * document says a request carries and an answer holds is what these types say.
 */
import type { components, operations } from './generated/openapi.js';

export type { components, operations, paths } from './generated/openapi.js';

type JsonContent<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON request body of an operation (by its operationId). */
export type RequestBody<Op extends keyof operations> = JsonContent<NonNullable<operations[Op]['requestBody']>>;

/** The JSON answer of an operation for a success status. */
export type Answer<Op extends keyof operations, Status extends number = 200> =
  operations[Op]['responses'] extends Record<Status, infer Response> ? JsonContent<Response> : never;

/** The query parameters of an operation. */
export type Query<Op extends keyof operations> = NonNullable<NonNullable<operations[Op]['parameters']>['query']>;

type Schemas = components['schemas'];

// ---- Voice ----
export type CallVerifyRequest = RequestBody<'callVerify'>;
export type CallVerifyResult = Answer<'callVerify'>;
/** `resultcode` and `resultdesc`, the body of every voice answer. */
export type RestResult = Schemas['RestResult'];

// ---- Captcha and SMS SDK ----
export type CaptchaType = 'blockPuzzle' | 'clickWord';
export type CaptchaResponse = Schemas['CaptchaResponse'];
export type PowChallenge = NonNullable<CaptchaResponse['pow']>;
export type CaptchaCheckRequest = RequestBody<'captchaCheck'>;
export type CaptchaManagedRequest = RequestBody<'captchaManaged'>;
export type SmsSendRequest = RequestBody<'smsSend'>;
export type SmsSendResult = Answer<'smsSend'>;
export type SmsVerifyRequest = RequestBody<'smsVerify'>;
export type SmsVerifyResult = Answer<'smsVerify'>;
export type SmsType = SmsSendRequest['type'];
export type SdkErrorBody = Schemas['SdkError'];

// ---- Management API ----
export type App = Schemas['App'];
export type CreateAppRequest = RequestBody<'adminCreateApp'>;
export type UpdateAppRequest = RequestBody<'adminUpdateApp'>;
export type WebhookSecret = Answer<'adminIssueWebhookSecret'>;
export type NumberStatus = RequestBody<'adminUpdateNumber'>['status'];
export type ListEntry = Schemas['ListEntry'];
export type IpRuleRequest = RequestBody<'adminAddIpRule'>;
export type EnterpriseStatus = NonNullable<RequestBody<'adminPutEnterprise'>['status']>;
export type CdrQuery = Query<'adminListCdrs'>;
export type CdrPage = Answer<'adminListCdrs'>;
export type SmsQuery = Query<'adminListSms'>;
export type SmsPage = Answer<'adminListSms'>;
export type AuditQuery = Query<'adminAudit'>;
export type AuditPage = Answer<'adminAudit'>;
export type AdminErrorCode = Schemas['AdminError']['error_code'];
export type Health = Schemas['Health'];
