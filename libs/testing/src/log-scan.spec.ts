import { describe, expect, it } from '@jest/globals';
import { logLinesOf, scanLogLines } from './log-scan.js';

describe('scanLogLines (the fault suite’s log scan)', () => {
  const toFind = {
    codes: [
      { kind: 'sms code', value: '48213967' },
      { kind: 'voice code', value: '5531' },
    ],
    secrets: [
      { kind: 'app secret', value: 'Zq8vR2mXk4LpT9wA' },
      { kind: 'operator token', value: 'op-token-0123456789abcdef' },
    ],
  };
  const log = [
    '{"level":"info","msg":"sms send accepted","messageId":"9c1f0e1a-1b2c-4d5e-8f90-123456789abc"}',
    '{"level":"debug","msg":"submit","text":"Your code is 48213967, valid 5 minutes"}',
    '{"level":"warn","msg":"auth","authorization":"Bearer op-token-0123456789abcdef"}',
    '{"level":"info","msg":"call","callee":"+8613855310000","port":5531}',
    '{"level":"error","msg":"digest","secret":"xxZq8vR2mXk4LpT9wAyy"}',
    '{"level":"info","msg":"mobile 13948213967 is a phone number, not the code"}',
  ].join('\n');

  it('finds a planted code, token and secret, with the line they are on, and masks them in the excerpt', () => {
    const leaks = scanLogLines(logLinesOf('gateway.log', log), toFind);
    expect(leaks.map((l) => [l.kind, l.line])).toEqual([
      ['sms code', 2],
      ['operator token', 3],
      ['voice code', 4],
      ['app secret', 5],
    ]);
    expect(leaks.every((l) => l.source === 'gateway.log')).toBe(true);
    for (const leak of leaks) {
      for (const secret of [...toFind.codes, ...toFind.secrets]) expect(leak.excerpt).not.toContain(secret.value);
    }
  });

  it('does not report a code that is only part of a longer number', () => {
    const leaks = scanLogLines(logLinesOf('x', '{"mobile":"13948213967","callee":"+8613855310000"}'), toFind);
    expect(leaks).toEqual([]);
  });

  it('refuses secrets too short to be matched safely', () => {
    expect(() => scanLogLines([], { codes: [], secrets: [{ kind: 'weak', value: 'short' }] })).toThrow(/at least 12/);
    expect(() => scanLogLines([], { codes: [{ kind: 'code', value: '12a4' }], secrets: [] })).toThrow(/digits only/);
  });
});
