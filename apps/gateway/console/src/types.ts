/** The management API's answers as the console reads them (see /docs for the full contract). */

export type Permission = 'captcha' | 'sms' | 'voice';
export const PERMISSIONS: readonly Permission[] = ['captcha', 'sms', 'voice'];

export interface RestHours {
  from: string;
  to: string;
  tz: string;
}

export interface AppView {
  appKey: string;
  name: string;
  signature: string | null;
  status: 'normal' | 'suspended' | 'unavailable';
  permissions: Permission[];
  ipWhitelist: string[];
  restHours: RestHours | null;
  voicePorts: number | null;
  limits: Record<string, number>;
  stage: 'commercial' | 'test';
  smsStatusUrl: string | null;
  captchaPow: boolean;
  captchaUnderAttack: boolean;
  webhookSigning: { enabled: boolean; previousSecretValidUntil: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface ToneView {
  name: string;
  status: 'pending' | 'approved' | 'rejected';
  encoding: string;
  sampleRate: number;
  channels: number;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
  reviewedAt: string | null;
}

export interface Page<T> {
  items: T[];
  count: number;
  nextBefore: string | null;
}

export interface Cdr {
  sessionId: string;
  appKey?: string;
  callerNum?: string;
  calleeNum?: string;
  callBeginTime?: string;
  callEndTime?: string;
  fwdAnswerTime?: string;
  sipStatusCode?: number;
  [field: string]: unknown;
}

export interface CallRecord {
  session: Record<string, unknown> & { sessionId?: string; state?: string; stateCode?: number | null };
  events: Array<{ seq: number; eventType: string; body: unknown; createdAt: string }>;
  cdr: Record<string, unknown> | null;
}

export interface Delivery {
  id: string;
  stream: 'status' | 'fee';
  seq: number;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attemptLog: Array<{
    attempt: number;
    attemptedAt: string;
    durationMs: number | null;
    httpStatus: number | null;
    error: string | null;
  }>;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  requestId: string | null;
}
