import { describe, expect, it } from '@jest/globals';
import {
  overallRate,
  rateData,
  ratePercent,
  refusedBars,
  trafficData,
  webhookFailures,
  type OverviewAnswer,
} from './overview-data.js';

const series = (total: number[], good = total) => ({ total, good });
const answer: OverviewAnswer = {
  generatedAt: '2026-12-03T18:02:10Z',
  minutes: ['2026-12-03T18:00:00Z', '2026-12-03T18:01:00Z', '2026-12-03T18:02:00Z'],
  series: {
    calls: series([3, 0, 1]),
    sms: series([1, 2, 0]),
    captchas: series([0, 5, 9]),
    callsEnded: series([2, 0, 4], [1, 0, 4]),
    smsFinished: series([0, 3, 0], [0, 2, 0]),
    webhookAttempts: series([4, 1, 0], [3, 0, 0]),
  },
  webhooks: { backlog: 2, failed: 1 },
  voicePorts: { total: 30, busy: 2, idle: 28 },
  refused: {
    since: '2026-12-03T17:00:00Z',
    byCode: [
      { api: 'callVerify', result: '1013004', count: 8 },
      { api: 'smsSend', result: 'RESEND_TOO_SOON', count: 2 },
    ],
  },
};

describe('overview charts', () => {
  it('puts the minutes on the x axis in Unix seconds, one line per kind of traffic', () => {
    expect(trafficData(answer)).toEqual([
      [1796320800, 1796320860, 1796320920],
      [3, 0, 1],
      [1, 2, 0],
      [0, 5, 9],
    ]);
  });

  it('rates each minute in percent and leaves a gap where nothing was rated', () => {
    expect(ratePercent(series([3, 0, 4], [1, 0, 4]))).toEqual([33.3, null, 100]);
    expect(rateData(answer).slice(1)).toEqual([
      [50, null, 100],
      [null, 66.7, null],
      [75, 0, null],
    ]);
  });

  it('rates the whole window, or says there is nothing to rate', () => {
    expect(overallRate(answer.series.callsEnded)).toBe('83.3 %');
    expect(overallRate(series([0, 0], [0, 0]))).toBe('—');
  });

  it('counts failed webhook attempts per minute', () => {
    expect(webhookFailures(answer)[1]).toEqual([1, 1, 0]);
  });

  it('sizes the refused bars against the largest', () => {
    expect(refusedBars(answer)).toEqual([
      { label: 'callVerify 1013004', count: 8, percentOfMax: 100 },
      { label: 'smsSend RESEND_TOO_SOON', count: 2, percentOfMax: 25 },
    ]);
  });
});
