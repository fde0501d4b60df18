import { adminValidate } from '../admin-schema.js';
import { overviewQuery } from './overview.schema.js';
import type { MinuteCountRow, OverviewSeriesName } from './overview.repository.js';

/** A series of the Overview: one value per minute, oldest first (`good` ≤ `total`, e.g. answered of ended). */
export interface MinuteSeries {
  total: number[];
  good: number[];
}

/** The start of each of the last `minutes` whole minutes up to and including `now`'s, oldest first. */
export function minuteStarts(now: Date, minutes: number): Date[] {
  const current = Math.floor(now.getTime() / 60_000) * 60_000;
  return Array.from({ length: minutes }, (_, i) => new Date(current - (minutes - 1 - i) * 60_000));
}

/** Lays grouped rows on the minute axis: a minute without a row counts zero, a row off the axis is dropped. */
export function onMinutes(starts: readonly Date[], rows: readonly MinuteCountRow[]): MinuteSeries {
  const index = new Map(starts.map((start, i) => [start.getTime(), i]));
  const total = starts.map(() => 0);
  const good = starts.map(() => 0);
  for (const row of rows) {
    const i = index.get(new Date(row.minute).getTime());
    if (i === undefined) continue;
    total[i] = Number(row.total);
    good[i] = Number(row.good);
  }
  return { total, good };
}

/** A counter's value by labels, as prom-client's `get()` gives it. */
export interface CounterValue {
  labels: Partial<Record<string, string | number>>;
  value: number;
}

/**
 * Refused public-API requests by API and result code, most first, from verigate_api_requests_total:
 * every answer other than accepted (callVerify `0`) or `ok` (SDK APIs).
 */
export function refusedByCode(values: readonly CounterValue[]): Array<{ api: string; result: string; count: number }> {
  return values
    .filter((v) => v.value > 0 && v.labels.result !== '0' && v.labels.result !== 'ok')
    .map((v) => ({ api: String(v.labels.api), result: String(v.labels.result), count: v.value }))
    .sort((a, b) => b.count - a.count || a.api.localeCompare(b.api) || a.result.localeCompare(b.result));
}

export type OverviewSeries = Record<OverviewSeriesName, MinuteSeries>;

/** `minutes` of the query string: 5-360, 30 by default. */
export function overviewMinutes(value: string | undefined): number {
  return adminValidate(overviewQuery, { minutes: value }).minutes;
}
