import { describe, expect, it } from '@jest/globals';
import { exportFileName, formatDuration, isoFromLocalInput, lines, optionalInteger } from './format.js';

describe('console formatting', () => {
  it('turns a datetime-local value into an ISO time and keeps an empty one empty', () => {
    expect(isoFromLocalInput('')).toBe('');
    expect(isoFromLocalInput('2026-12-03T18:44')).toBe(new Date('2026-12-03T18:44').toISOString());
  });

  it('writes durations and export names', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(null)).toBe('—');
    expect(exportFileName('cdrs', new Date('2026-12-03T18:44:26.123Z'))).toBe('cdrs-2026-12-03T18-44-26.csv');
  });

  it('reads list and number fields', () => {
    expect(lines('a\n b ,c\n\n')).toEqual(['a', 'b', 'c']);
    expect(optionalInteger('Ports', ' ')).toBeNull();
    expect(optionalInteger('Ports', '12')).toBe(12);
    expect(() => optionalInteger('Ports', 'x')).toThrow('Ports must be a whole number');
  });
});
