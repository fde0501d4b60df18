import { csvLine } from '../csv.js';

/**
 * What the management API shows of an `sms_messages` row. The code's hash and sealed form are
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

export function smsView(row: SmsRow) {
  return {
    messageId: row.id, appKey: row.app_key, mobile: row.mobile, type: row.type, lang: row.lang, status: row.status,
    segments: row.segments, provider: row.provider, submitAttempts: row.submit_attempts, error: row.error,
    codeState: row.code_state, verifyAttempts: row.verify_attempts,
    createdAt: row.created_at, submittedAt: row.submitted_at, doneAt: row.done_at,
  };
}

export type SmsView = ReturnType<typeof smsView>;

/** The CSV export's columns: the JSON view's fields, in its order, without the segments' details. */
export const SMS_CSV_COLUMNS = [
  'messageId', 'appKey', 'mobile', 'type', 'lang', 'status', 'segments', 'provider', 'submitAttempts', 'error',
  'codeState', 'verifyAttempts', 'createdAt', 'submittedAt', 'doneAt',
] as const satisfies readonly (keyof SmsView)[];

export function smsCsvLine(row: SmsRow): string {
  const view = smsView(row);
  return csvLine(SMS_CSV_COLUMNS.map((column) => view[column]));
}
