import { Transform } from 'node:stream';

/** A plain number written as text ("+8613800000021", "-1") is data, not a formula. */
const NUMERIC_LITERAL = /^[+-]?\d+(\.\d+)?$/;
/** A spreadsheet reads a cell starting with one of these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a quote, comma, CR or LF, quotes doubled; text
 * that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
 * single quote, except a plain number such as a phone number `+86…`. A time is written in ISO 8601.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : JSON.stringify(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMERIC_LITERAL.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

const FLUSH_BYTES = 64 * 1024;

/**
 * Rows (objects) in, CSV text out: the header line first, then `line(row)` per row, handed on in
 * chunks of about 64 KiB (one socket write each rather than one per row).
 */
export function csvStream<Row>(columns: readonly string[], line: (row: Row) => string): Transform {
  let pending = csvLine(columns);
  return new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    writableHighWaterMark: 1000,
    transform(row: Row, _encoding, callback) {
      pending += line(row);
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
