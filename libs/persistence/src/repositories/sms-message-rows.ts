/**
 * What the management API reads of an `sms_messages` row. The code's hash and sealed form are
 * never selected (SMS_COLUMNS lists what is), so no answer can carry them.
 */
export const SMS_COLUMNS = `m.id, m.app_key, m.mobile, m.type, m.lang, m.status, m.segments, m.provider, m.submit_attempts,
  m.error, m.code_state, m.verify_attempts, m.created_at, m.submitted_at, m.done_at`;

export interface SmsRow {
  id: string;
  app_key: string;
  mobile: string;
  type: string;
  lang: string;
  status: string;
  segments: number | null;
  provider: string | null;
  submit_attempts: number;
  error: string | null;
  code_state: string;
  verify_attempts: number;
  created_at: Date;
  submitted_at: Date | null;
  done_at: Date | null;
}

export interface SmsPart {
  providerId: string;
  partNo: number;
  status: string;
  doneAt: string | null;
  errorCode: string | null;
}

/** Filters of the operators' message listing (query-string values, checked as the query is built). */
export interface SmsFilter {
  appKey?: string;
  mobile?: string;
  messageId?: string;
  status?: string;
  type?: string;
  from?: string;
  to?: string;
}

/** What the gateway's accepting statement records (see SmsMessagesRepository.accept). */
export interface SmsAcceptance {
  appId: string;
  appKey: string;
  mobile: string;
  type: string;
  fingerprint: string;
  addressBucket: string;
  /** verificationHash of the captcha credential the send consumes. */
  credentialHash: string;
  resendCooldownSeconds: number;
  perMobilePerHour: number;
  perMobilePerDay: number;
  perDevicePerHour: number;
  perIpPerHour: number;
  messageId: string;
  lang: string;
  codeHash: string;
  codeSealed: string;
  codeTtlSeconds: number;
  verifyAttempts: number;
  dailyBudget: number;
  /** Null when the per-prefix velocity check is off. */
  velocityPrefix: string | null;
  velocityMultiple: number;
  velocityFloor: number;
}

/** A verification attempt (see SmsMessagesRepository.verify). */
export interface SmsVerification {
  appId: string;
  mobile: string;
  type: string;
  codeHash: string;
  fingerprint: string;
  addressBucket: string;
  perDeviceHour: number;
  perIpHour: number;
  /** The answer when either budget is spent. */
  refusal: string;
}
