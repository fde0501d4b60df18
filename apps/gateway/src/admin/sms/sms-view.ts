import type { SmsRow } from '#libs/persistence';
import { csvLine } from '../csv.js';

export function smsView(row: SmsRow) {
  return {
    messageId: row.id,
    appKey: row.app_key,
    mobile: row.mobile,
    type: row.type,
    lang: row.lang,
    status: row.status,
    segments: row.segments,
    provider: row.provider,
    submitAttempts: row.submit_attempts,
    error: row.error,
    codeState: row.code_state,
    verifyAttempts: row.verify_attempts,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    doneAt: row.done_at,
  };
}

export type SmsView = ReturnType<typeof smsView>;

/** The CSV export's columns: the JSON view's fields, in its order, without the segments' details. */
export const SMS_CSV_COLUMNS = [
  'messageId',
  'appKey',
  'mobile',
  'type',
  'lang',
  'status',
  'segments',
  'provider',
  'submitAttempts',
  'error',
  'codeState',
  'verifyAttempts',
  'createdAt',
  'submittedAt',
  'doneAt',
] as const satisfies readonly (keyof SmsView)[];

export function smsCsvLine(row: SmsRow): string {
  const view = smsView(row);
  return csvLine(SMS_CSV_COLUMNS.map((column) => view[column]));
}
