import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { csvCell, csvLine } from '../csv.js';
import { CDR_CSV_COLUMNS, cdrCsvLine, cdrCsvStream } from './cdr-csv.js';

describe('csvCell', () => {
  it('writes plain values as they are', () => {
    expect(csvCell('abc')).toBe('abc');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(-1)).toBe('-1');
    expect(csvCell('')).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes cells with a comma, a quote or a line break, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
  });

  it.each(['=1+2', '+cmd', '-2+3', '@SUM(A1)', '\tx', '=HYPERLINK("http://x")'])(
    'neutralises the formula %j',
    (text) => {
      const cell = csvCell(text);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted).toBe(`'${text}`);
    },
  );

  it('quotes a neutralised formula that also holds a comma or quote', () => {
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
  });

  it('leaves plain numbers written as text alone (phone numbers, negative codes)', () => {
    expect(csvCell('+8613800000021')).toBe('+8613800000021');
    expect(csvCell('-1')).toBe('-1');
    expect(csvCell('+1.5')).toBe('+1.5');
    expect(csvCell('+86 138')).toBe("'+86 138");
  });
});

describe('CDR lines', () => {
  it('has the FeeInfo fields then stateCode as header', () => {
    expect(CDR_CSV_COLUMNS[0]).toBe('direction');
    expect(CDR_CSV_COLUMNS).toContain('userData');
    expect(CDR_CSV_COLUMNS[CDR_CSV_COLUMNS.length - 1]).toBe('stateCode');
    expect(CDR_CSV_COLUMNS).toHaveLength(19);
  });

  it('writes one line per CDR with missing fields empty', () => {
    const line = cdrCsvLine({ direction: 0, sessionId: 's1', userData: 'a,"b"' }, 8102);
    expect(line.endsWith('\r\n')).toBe(true);
    const cells = line.slice(0, -2);
    expect(cells.startsWith('0,,,,,s1,')).toBe(true);
    expect(cells.endsWith(',"a,""b""",8102')).toBe(true);
    expect(csvLine(['x', 1])).toBe('x,1\r\n');
  });

  it('streams a header and every row, in chunks', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      fee_info: { sessionId: `s${i}`, userData: 'u' },
      state_code: 0,
    }));
    const chunks: string[] = [];
    for await (const chunk of Readable.from(rows).pipe(cdrCsvStream())) chunks.push(String(chunk));
    const text = chunks.join('');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(CDR_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(5002); // header, rows, and the empty string after the last CRLF
    expect(lines[5000]).toContain('s4999');
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('streams the header alone when there is no row', async () => {
    const chunks: string[] = [];
    for await (const chunk of Readable.from([]).pipe(cdrCsvStream())) chunks.push(String(chunk));
    expect(chunks.join('')).toBe(CDR_CSV_COLUMNS.join(',') + '\r\n');
  });
});
