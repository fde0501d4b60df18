/** The Overview's answer (GET /admin/v1/overview) and what the charts draw of it. */

export interface MinuteSeries {
  total: number[];
  good: number[];
}

export interface OverviewAnswer {
  generatedAt: string;
  minutes: string[];
  series: Record<'calls' | 'sms' | 'captchas' | 'callsEnded' | 'smsFinished' | 'webhookAttempts', MinuteSeries>;
  webhooks: { backlog: number; failed: number };
  voicePorts: { total: number; busy: number; idle: number };
  refused: { since: string; byCode: Array<{ api: string; result: string; count: number }> };
}

/** uPlot's aligned data: x (Unix seconds), then one array per line; null leaves a gap. */
export type Aligned = [number[], ...Array<Array<number | null>>];

export function minuteAxis(answer: OverviewAnswer): number[] {
  return answer.minutes.map((m) => Math.round(new Date(m).getTime() / 1000));
}

/** Calls, SMS and captchas started per minute. */
export function trafficData(answer: OverviewAnswer): Aligned {
  const { calls, sms, captchas } = answer.series;
  return [minuteAxis(answer), calls.total, sms.total, captchas.total];
}

/** good / total in percent, per minute; no value (a gap, not 0 %) for a minute with nothing to rate. */
export function ratePercent(series: MinuteSeries): Array<number | null> {
  return series.total.map((total, i) => (total > 0 ? Math.round((series.good[i]! / total) * 1000) / 10 : null));
}

/** Answer rate of ended calls, delivery rate of finished SMS, success rate of webhook attempts. */
export function rateData(answer: OverviewAnswer): Aligned {
  const { callsEnded, smsFinished, webhookAttempts } = answer.series;
  return [minuteAxis(answer), ratePercent(callsEnded), ratePercent(smsFinished), ratePercent(webhookAttempts)];
}

/** Over the whole window: "42.5 %" or "—" when nothing ended. */
export function overallRate(series: MinuteSeries): string {
  const total = series.total.reduce((a, b) => a + b, 0);
  const good = series.good.reduce((a, b) => a + b, 0);
  return total === 0 ? '—' : `${Math.round((good / total) * 1000) / 10} %`;
}

/** Failed webhook attempts per minute (not 2xx, or no answer). */
export function webhookFailures(answer: OverviewAnswer): Aligned {
  const attempts = answer.series.webhookAttempts;
  return [minuteAxis(answer), attempts.total.map((total, i) => total - attempts.good[i]!)];
}

/** The refused requests as bars: each code's share of the largest, for a bar's width. */
export function refusedBars(answer: OverviewAnswer): Array<{ label: string; count: number; percentOfMax: number }> {
  const max = Math.max(1, ...answer.refused.byCode.map((r) => r.count));
  return answer.refused.byCode.map((r) => ({
    label: `${r.api} ${r.result}`,
    count: r.count,
    percentOfMax: Math.round((r.count / max) * 100),
  }));
}
