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

// ---- Verification API (/api/v3/verifications) ----
export type StartVerificationRequest = RequestBody<'startVerification'>;
/** `{verificationId, status: "pending", channel, expiresAt}`: the code will go out. */
export type VerificationStarted = Answer<'startVerification', 201>;
export type VerificationChannel = StartVerificationRequest['channel'];
export type VerificationLocale = StartVerificationRequest['locale'];
/** A resend's channel: `sms` or `call`. */
export type ResendChannel = RequestBody<'resendVerification'>['channel'];
/** `approved` (the right code, once) or `denied` (anything else: wrong, unknown, expired, used). */
export type VerificationCheck = Answer<'checkVerification'>;
export type VerificationCheckStatus = VerificationCheck['status'];

/** The webhook events posted to the app's `verificationStatusUrl`, in the order a verification can produce them. */
export type VerificationEventType =
  | 'verification.pending'
  | 'verification.fallback'
  | 'verification.approved'
  | 'verification.expired'
  | 'verification.failed';

/**
 * The body of a verification webhook (docs/verifications.md; the OpenAPI document does not describe
 * pushes). The code is never in it. Verify its signatures like any other push (webhooks.ts).
 */
export interface VerificationEventBody {
  eventType: VerificationEventType;
  verification: {
    verificationId: string;
    to: string;
    status: 'pending' | 'approved' | 'expired' | 'failed';
    /** The channel the code went out on last. */
    channel: 'sms' | 'call';
    /** Why a fallback or a failure happened; null otherwise. */
    reason: string | null;
    /** UTC, `YYYY-MM-DD hh:mm:ss`. */
    timestamp: string;
  };
}

// ---- Fraud guard (management API; the document gives no answer schema: these mirror the gateway's) ----
export interface FraudPrefix {
  /** `+` and the prefix's digits. */
  prefix: string;
  blockedAt: string;
  /** Sends and approvals in the window when the prefix was blocked. */
  sends: number;
  approvals: number;
  reason: string;
  liftedAt: string | null;
  /** Sends and approvals in the sliding window now. */
  windowSends: number;
  windowApprovals: number;
}
export interface FraudPrefixList {
  windowSeconds: number;
  minSends: number;
  minApprovalRate: number;
  prefixes: FraudPrefix[];
}
export interface FraudPrefixLifted {
  prefix: string;
  lifted: true;
}
