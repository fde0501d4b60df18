import { describe, expect, it } from '@jest/globals';
import { loadConfig, Metrics } from '#libs/runtime';
import { CaptchaFloodGuard } from './captcha-flood-guard.js';

describe('CaptchaFloodGuard', () => {
  const guard = (burst: number, perMinute: number, env: Record<string, string> = {}, maxTracked?: number) =>
    new CaptchaFloodGuard(
      loadConfig({
        VERIGATE_CAPTCHA_FLOOD_BURST: String(burst),
        VERIGATE_CAPTCHA_FLOOD_PER_MIN: String(perMinute),
        ...env,
      }),
      new Metrics('gateway', { processMetrics: false }),
      maxTracked,
    );

  it('admits a burst per address bucket, then refuses until tokens refill', () => {
    const g = guard(2, 60); // one token a second
    expect([g.admit('a', 0), g.admit('a', 0), g.admit('a', 0)]).toEqual([true, true, false]);
    expect(g.admit('b', 0)).toBe(true);
    expect(g.admit('a', 500)).toBe(false);
    expect(g.admit('a', 1000)).toBe(true);
    expect(g.admit('a', 1000)).toBe(false);
  });

  it("defaults to the worker's per-address limit and window", () => {
    const config = loadConfig({ VERIGATE_CAPTCHA_GET_LIMIT_IP: '120', VERIGATE_CAPTCHA_GET_WINDOW_S: '30' });
    expect(config.captcha.flood).toEqual({ burst: 120, perMinute: 240, answerBurst: 240, answerPerMinute: 480 });
  });

  it('answers (check, managed, verify) draw on their own budget per address, so gets do not spend them and vice versa', () => {
    const g = guard(1, 60, { VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST: '2', VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN: '60' });
    expect([g.admit('a', 0, 'answer'), g.admit('a', 0, 'answer'), g.admit('a', 0, 'answer')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(g.admit('a', 0, 'get')).toBe(true);
    expect(g.admit('a', 0, 'get')).toBe(false);
    expect(g.admit('b', 0, 'answer')).toBe(true);
    expect(g.admit('a', 1000, 'answer')).toBe(true);
  });

  it('never tracks more than its cap: a new address evicts the least recently seen one', () => {
    const g = guard(1, 1, {}, 3);
    for (const key of ['a', 'b', 'c']) expect(g.admit(key, 0)).toBe(true);
    expect(g.admit('a', 1)).toBe(false); // a is now the most recently seen
    expect(g.admit('d', 2)).toBe(true); // evicts b, the oldest
    expect(g.tracked()).toBe(3);
    for (let i = 0; i < 50; i++) g.admit(`new-${i}`, 3);
    expect(g.tracked()).toBe(3);
    // Among the last three only: the earlier ones were forgotten and start full again.
    expect(g.admit('new-49', 4)).toBe(false);
    expect(g.admit('a', 4)).toBe(true);
  });
});
