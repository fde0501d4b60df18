import { describe, expect, it } from '@jest/globals';
import { loadConfig, Metrics } from '#libs/runtime';
import { CaptchaFloodGuard } from './captcha-flood-guard.js';

describe('CaptchaFloodGuard', () => {
  const guard = (burst: number, perMinute: number) =>
    new CaptchaFloodGuard(loadConfig({ VERIGATE_CAPTCHA_FLOOD_BURST: String(burst), VERIGATE_CAPTCHA_FLOOD_PER_MIN: String(perMinute) }), new Metrics('gateway', { processMetrics: false }));

  it('admits a burst per address bucket, then refuses until tokens refill', () => {
    const g = guard(2, 60); // one token a second
    expect([g.admit('a', 0), g.admit('a', 0), g.admit('a', 0)]).toEqual([true, true, false]);
    expect(g.admit('b', 0)).toBe(true);
    expect(g.admit('a', 500)).toBe(false);
    expect(g.admit('a', 1000)).toBe(true);
    expect(g.admit('a', 1000)).toBe(false);
  });

  it('defaults to the worker\'s per-address limit and window', () => {
    const config = loadConfig({ VERIGATE_CAPTCHA_GET_LIMIT_IP: '120', VERIGATE_CAPTCHA_GET_WINDOW_S: '30' });
    expect(config.captcha.flood).toEqual({ burst: 120, perMinute: 240 });
  });
});
