import { describe, expect, it } from '@jest/globals';
import { minuteStarts, onMinutes, overviewMinutes, refusedByCode } from './overview-figures.js';

describe('overview figures', () => {
  it('lays the last minutes out oldest first, ending with the current one', () => {
    const starts = minuteStarts(new Date('2026-12-03T18:02:40.5Z'), 3);
    expect(starts.map((d) => d.toISOString())).toEqual([
      '2026-12-03T18:00:00.000Z',
      '2026-12-03T18:01:00.000Z',
      '2026-12-03T18:02:00.000Z',
    ]);
  });

  it('counts zero for a minute without rows and drops rows off the axis', () => {
    const starts = minuteStarts(new Date('2026-12-03T18:02:40Z'), 3);
    const series = onMinutes(starts, [
      { minute: new Date('2026-12-03T18:02:00Z'), total: '7', good: '5' },
      { minute: new Date('2026-12-03T17:10:00Z'), total: '9', good: '9' },
    ]);
    expect(series).toEqual({ total: [0, 0, 7], good: [0, 0, 5] });
  });

  it('lists refusals only, most first', () => {
    expect(
      refusedByCode([
        { labels: { api: 'callVerify', result: '0' }, value: 40 },
        { labels: { api: 'captchaGet', result: 'ok' }, value: 12 },
        { labels: { api: 'smsSend', result: 'RESEND_TOO_SOON' }, value: 2 },
        { labels: { api: 'callVerify', result: '1013004' }, value: 3 },
        { labels: { api: 'callVerify', result: '1020154' }, value: 0 },
      ]),
    ).toEqual([
      { api: 'callVerify', result: '1013004', count: 3 },
      { api: 'smsSend', result: 'RESEND_TOO_SOON', count: 2 },
    ]);
  });

  it('accepts a window of 5 to 360 minutes', () => {
    expect(overviewMinutes(undefined)).toBe(30);
    expect(overviewMinutes('60')).toBe(60);
    for (const bad of ['4', '361', '1.5', 'x']) expect(() => overviewMinutes(bad)).toThrow('minutes must be');
  });
});
