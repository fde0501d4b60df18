import { describe, expect, it } from '@jest/globals';
import { DUE_AT_HEADER, dueAtHeader, pumpWaitMs } from './wait-queue-timing.js';

describe('wait queue timing', () => {
  const now = 1_800_000_000_000;

  it('a retry is stamped due one retry delay from now', () => {
    expect(dueAtHeader(now, 2000)).toEqual({ [DUE_AT_HEADER]: now + 2000 });
    expect(dueAtHeader(now, -5)).toEqual({ [DUE_AT_HEADER]: now });
  });

  it('the pump holds a message until its due time', () => {
    expect(pumpWaitMs({ [DUE_AT_HEADER]: now + 1500 }, now, 2000)).toBe(1500);
    expect(pumpWaitMs(dueAtHeader(now, 2000), now + 500, 2000)).toBe(1500);
  });

  it('an overdue message (a pump restarted, a message waiting behind others) goes at once', () => {
    expect(pumpWaitMs({ [DUE_AT_HEADER]: now - 10_000 }, now, 2000)).toBe(0);
    expect(pumpWaitMs({ [DUE_AT_HEADER]: now }, now, 2000)).toBe(0);
  });

  it('a message without a usable due time (sent by an earlier version, or mangled) is due now', () => {
    expect(pumpWaitMs({}, now, 2000)).toBe(0);
    expect(pumpWaitMs(undefined, now, 2000)).toBe(0);
    expect(pumpWaitMs({ [DUE_AT_HEADER]: 'soon' }, now, 2000)).toBe(0);
    expect(pumpWaitMs({ [DUE_AT_HEADER]: '' }, now, 2000)).toBe(0);
    expect(pumpWaitMs({ [DUE_AT_HEADER]: null }, now, 2000)).toBe(0);
  });

  it('a due time given as a string (AMQP header tables may carry one) counts', () => {
    expect(pumpWaitMs({ [DUE_AT_HEADER]: String(now + 700) }, now, 2000)).toBe(700);
  });

  it('never holds a message longer than one retry delay (a retrying host whose clock runs ahead)', () => {
    expect(pumpWaitMs({ [DUE_AT_HEADER]: now + 3_600_000 }, now, 5000)).toBe(5000);
  });
});
