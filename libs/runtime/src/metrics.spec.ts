import { describe, expect, it } from '@jest/globals';
import { boundedLabel, cachedProbe, Metrics, metricsAuthorized } from './metrics.js';

describe('Metrics', () => {
  it('prefixes our metrics, labels every series with the app, and keeps process metrics under their own names', async () => {
    const metrics = new Metrics('gateway');
    metrics.counter('things_total', 'Things', ['kind']).inc({ kind: 'a' }, 2);
    expect(metrics.counter('things_total', 'Things', ['kind'])).toBe(
      metrics.counter('things_total', 'Things', ['kind']),
    );
    const text = await metrics.text();
    expect(text).toContain('# TYPE verigate_things_total counter');
    expect(text).toContain('verigate_things_total{kind="a",app="gateway"} 2');
    expect(text).toMatch(/^process_cpu_user_seconds_total\{app="gateway"\} /m);
    expect(metrics.contentType).toContain('text/plain; version=0.0.4');
  });

  it('computes collected gauges at scrape time', async () => {
    const metrics = new Metrics('voice', { processMetrics: false });
    let active = 3;
    metrics.gauge('active', 'Active', [], (g) => g.set(active));
    expect(await metrics.text()).toContain('verigate_active{app="voice"} 3');
    active = 1;
    expect(await metrics.text()).toContain('verigate_active{app="voice"} 1');
  });
});

describe('boundedLabel', () => {
  it('lets only known values through', () => {
    expect(boundedLabel('ok', ['ok', 'retry'])).toBe('ok');
    expect(boundedLabel('+8613800000000', ['ok', 'retry'])).toBe('other');
    expect(boundedLabel(undefined, new Set(['x']), 'none')).toBe('none');
  });
});

describe('cachedProbe', () => {
  it('reuses a fresh result and measures again once it is stale', async () => {
    let calls = 0;
    const probe = cachedProbe(async () => ++calls, { ttlMs: 40, timeoutMs: 1000 });
    expect(await probe()).toBe(1);
    expect(await probe()).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(await probe()).toBe(2);
  });

  it('gives up after the timeout without starting a second probe while one hangs', async () => {
    let calls = 0;
    const errors: string[] = [];
    const probe = cachedProbe(
      () => {
        calls += 1;
        return new Promise<number>(() => undefined);
      },
      { ttlMs: 0, timeoutMs: 20, onError: (e) => errors.push(e.message) },
    );
    expect(await probe()).toBeUndefined();
    expect(await probe()).toBeUndefined();
    expect(calls).toBe(1);
    expect(errors).toEqual(['timed out after 20 ms', 'timed out after 20 ms']);
  });

  it('reports a failed probe as undefined and tries again next time', async () => {
    let fail = true;
    const probe = cachedProbe(
      async () => {
        if (fail) throw new Error('down');
        return 7;
      },
      { ttlMs: 1000, timeoutMs: 100 },
    );
    expect(await probe()).toBeUndefined();
    fail = false;
    expect(await probe()).toBe(7);
  });
});

describe('metricsAuthorized', () => {
  it('is open without a token and needs the bearer token with one', () => {
    expect(metricsAuthorized(undefined, null)).toBe(true);
    const token = 'scrape-token-0123456789';
    expect(metricsAuthorized(`Bearer ${token}`, token)).toBe(true);
    expect(metricsAuthorized(`bearer ${token}`, token)).toBe(true);
    expect(metricsAuthorized(undefined, token)).toBe(false);
    expect(metricsAuthorized('Bearer wrong-token-0123456789', token)).toBe(false);
    expect(metricsAuthorized(`Basic ${token}`, token)).toBe(false);
  });
});
