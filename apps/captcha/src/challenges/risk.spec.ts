import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '#libs/runtime';
import { behaviourSuspicious, powMaxnumber, riskSignals } from './risk.js';

describe('risk signals and proof-of-work difficulty', () => {
  const pow = loadConfig({}).captcha.pow;
  const calm = { fingerprintGets: 1, ipGets: 1, fingerprintFailures: 0, ipFailures: 0, underAttack: false };

  it('a calm client raises nothing and gets the base difficulty', () => {
    expect(riskSignals(calm, pow)).toEqual([]);
    expect(powMaxnumber([], pow)).toBe(1_600_000);
  });

  it('velocity per device or per address, failures per device (or ten times as many per address), the operator switch', () => {
    expect(riskSignals({ ...calm, fingerprintGets: 5 }, pow)).toEqual([]);
    expect(riskSignals({ ...calm, fingerprintGets: 6 }, pow)).toEqual(['velocity']);
    expect(riskSignals({ ...calm, ipGets: 61 }, pow)).toEqual(['velocity']);
    expect(riskSignals({ ...calm, fingerprintFailures: 1 }, pow)).toEqual([]);
    expect(riskSignals({ ...calm, fingerprintFailures: 2 }, pow)).toEqual(['failures']);
    expect(riskSignals({ ...calm, ipFailures: 19 }, pow)).toEqual([]);
    expect(riskSignals({ ...calm, ipFailures: 20 }, pow)).toEqual(['failures']);
    expect(riskSignals({ ...calm, underAttack: true, fingerprintGets: 9 }, pow)).toEqual(['velocity', 'under-attack']);
  });

  it('ten times harder per signal, never above the ceiling', () => {
    expect(powMaxnumber(['velocity'], pow)).toBe(16_000_000);
    expect(powMaxnumber(['velocity', 'failures'], pow)).toBe(160_000_000);
    expect(powMaxnumber(['velocity', 'failures', 'under-attack'], pow)).toBe(200_000_000);
  });

  it('managed mode: a page seen for less than a second, or no signals at all, is suspicious', () => {
    expect(behaviourSuspicious(undefined)).toBe(true);
    expect(behaviourSuspicious({ elapsedMs: 999 })).toBe(true);
    expect(behaviourSuspicious({ elapsedMs: Number.NaN })).toBe(true);
    expect(behaviourSuspicious({ elapsedMs: 1000 })).toBe(false);
  });
});
