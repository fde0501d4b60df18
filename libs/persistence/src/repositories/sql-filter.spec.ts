import { describe, expect, it } from '@jest/globals';
import { addBefore, cursorTimeSql, nextBefore, SqlFilter } from './sql-filter.js';

describe('SqlFilter', () => {
  it('numbers placeholders in order, one value for every ? of a condition', () => {
    const where = new SqlFilter();
    expect(where.where).toBe('');
    where.add('app_key = ?', 'k');
    where.add('(callee_num = ? OR caller_num = ?)', '+86138');
    expect(where.param(10)).toBe('$3');
    expect(where.where).toBe('WHERE app_key = $1 AND (callee_num = $2 OR caller_num = $2)');
    expect(where.params).toEqual(['k', '+86138', 10]);
  });
});

describe('keyset paging', () => {
  const id = '0b4c6b2e-7a53-4f0e-9b43-0d5f3f1c8a11';

  it('turns the last row of a full page into a cursor that addBefore reads back', () => {
    const rows = [
      { cursor_time: '2026-01-10T08:00:00.123456Z', id: 'x' },
      { cursor_time: '2026-01-10T07:00:00.000001Z', id },
    ];
    const cursor = nextBefore(rows, 2);
    expect(Buffer.from(cursor!, 'base64url').toString()).toBe(`2026-01-10T07:00:00.000001Z|${id}`);
    const where = new SqlFilter();
    where.add('m.app_key = ?', 'k');
    addBefore(where, cursor!, 'm.created_at', 'm.id');
    expect(where.where).toBe('WHERE m.app_key = $1 AND (m.created_at, m.id) < ($2::timestamptz, $3::uuid)');
    expect(where.params).toEqual(['k', '2026-01-10T07:00:00.000001Z', id]);
  });

  it('has no cursor after a short page', () => {
    expect(nextBefore([{ cursor_time: '2026-01-10T08:00:00.000000Z', id }], 2)).toBeNull();
    expect(nextBefore([], 2)).toBeNull();
  });

  it('takes an ISO time as "strictly older than"', () => {
    const where = new SqlFilter();
    addBefore(where, '2026-01-10T08:00:00+08:00', 'call_start');
    expect(where.where).toBe('WHERE call_start < $1::timestamptz');
    expect(where.params).toEqual(['2026-01-10T00:00:00.000Z']);
  });

  it('ignores an absent cursor and refuses garbage', () => {
    const where = new SqlFilter();
    addBefore(where, undefined, 'call_start');
    addBefore(where, '', 'call_start');
    expect(where.clauses).toEqual([]);
    expect(() => addBefore(where, 'garbage', 'call_start')).toThrow(
      'before must be a nextBefore value or an ISO 8601 time',
    );
  });

  it('formats the cursor time in UTC with microseconds', () => {
    expect(cursorTimeSql('m.created_at')).toBe(
      `to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
  });
});

describe('SqlFilter.addTimeRange', () => {
  it('adds from (inclusive) and to (exclusive) when given, and names a bad time', () => {
    const where = new SqlFilter();
    where.addTimeRange('at', '2026-01-01T00:00:00Z', undefined);
    where.addTimeRange('at', '', '2026-01-02T00:00:00Z');
    expect(where.where).toBe('WHERE at >= $1 AND at < $2');
    expect(where.params).toEqual([new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')]);
    expect(() => where.addTimeRange('at', undefined, 'tomorrow')).toThrow('to must be an ISO 8601 time');
  });
});
