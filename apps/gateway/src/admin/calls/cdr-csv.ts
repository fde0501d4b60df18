import { Transform } from 'node:stream';
import type { FeeInfo } from '#libs/contracts';

/** Every FeeInfo field, in the order of libs/contracts (the compiler checks none is missing). */
const FEE_INFO_KEYS = {
  direction: true, spId: true, appKey: true, icid: true, bindNum: true, sessionId: true, callerNum: true, calleeNum: true,
  callOutStartTime: true, callOutAlertingTime: true, callOutAnswerTime: true, callEndTime: true, callOutUnaswRsn: true,
  sipStatusCode: true, ulFailReason: true, serviceType: true, hostName: true, userData: true,
} as const satisfies Record<keyof FeeInfo, true>;

export const FEE_INFO_FIELDS = Object.keys(FEE_INFO_KEYS) as (keyof FeeInfo)[];

/** The export's columns: the FeeInfo fields, then the call's stateCode. */
export const CDR_CSV_COLUMNS: readonly string[] = [...FEE_INFO_FIELDS, 'stateCode'];

/** A plain number written as text ("+8613800000021", "-1") is data, not a formula. */
const NUMERIC_LITERAL = /^[+-]?\d+(\.\d+)?$/;
/** A spreadsheet reads a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma, CR or LF, quotes doubled; text
 * that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * single quote, except a plain number such as a phone number `+86…`.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : JSON.stringify(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMERIC_LITERAL.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

export function cdrCsvLine(feeInfo: Partial<Record<keyof FeeInfo, unknown>> | null, stateCode: unknown): string {
  const cells: unknown[] = FEE_INFO_FIELDS.map((f) => feeInfo?.[f]);
  cells.push(stateCode);
  return csvLine(cells);
}

export interface CdrCsvRow {
  fee_info: Partial<Record<keyof FeeInfo, unknown>> | null;
  state_code: number | null;
}

const FLUSH_BYTES = 64 * 1024;

/**
 * Rows (objects) in, CSV text out: the header line first, then one line per CDR, handed on in
 * chunks of about 64 KiB (one socket write each rather than one per row).
 */
export function cdrCsvStream(): Transform {
  let pending = csvLine(CDR_CSV_COLUMNS);
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    writableHighWaterMark: 1000,
    transform(row: CdrCsvRow, _encoding, callback) {
      pending += cdrCsvLine(row.fee_info, row.state_code);
      if (pending.length < FLUSH_BYTES) return callback();
      const chunk = pending;
      pending = '';
      callback(null, chunk);
    },
    flush(callback) {
      callback(null, pending || undefined);
    },
  });
}
