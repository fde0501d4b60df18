import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { csvStream } from '../csv.js';
import { SMS_COLUMNS, type SmsRow } from '#libs/persistence';
import { SMS_CSV_COLUMNS, smsCsvLine, smsView } from './sms-view.js';

const row: SmsRow = {
  id: '5d0f3e0a-93c4-4c5e-8f7e-1b2a3c4d5e6f',
  app_key: 'app-1',
  mobile: '+8613800000001',
  type: 'LOGIN_SMS',
  lang: 'zh',
  status: 'undeliverable',
  segments: 2,
  provider: 'smpp',
  submit_attempts: 1,
  error: 'receipt error 001',
  code_state: 'active',
  verify_attempts: 3,
  created_at: new Date('2026-01-10T08:00:00.000Z'),
  submitted_at: new Date('2026-01-10T08:00:01.500Z'),
  done_at: null,
};

describe('the SMS view', () => {
  it('maps a row to the API fields', () => {
    expect(smsView(row)).toEqual({
      messageId: row.id,
      appKey: 'app-1',
      mobile: '+8613800000001',
      type: 'LOGIN_SMS',
      lang: 'zh',
      status: 'undeliverable',
      segments: 2,
      provider: 'smpp',
      submitAttempts: 1,
      error: 'receipt error 001',
      codeState: 'active',
      verifyAttempts: 3,
      createdAt: row.created_at,
      submittedAt: row.submitted_at,
      doneAt: null,
    });
  });

  it('never selects the code', () => {
    expect(SMS_COLUMNS).not.toMatch(/code_hash|code_sealed/);
  });

  it('writes one CSV line per message, times in ISO 8601, the mobile as a number', () => {
    expect(smsCsvLine(row)).toBe(
      `${row.id},app-1,+8613800000001,LOGIN_SMS,zh,undeliverable,2,smpp,1,receipt error 001,active,3,2026-01-10T08:00:00.000Z,2026-01-10T08:00:01.500Z,\r\n`,
    );
  });

  it('streams the header then the lines', async () => {
    let csv = '';
    for await (const chunk of Readable.from([row, { ...row, error: '=cmd' }]).pipe(
      csvStream(SMS_CSV_COLUMNS, smsCsvLine),
    ))
      csv += chunk;
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(SMS_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    expect(lines[2]!.split(',')[9]).toBe("'=cmd");
  });
});
