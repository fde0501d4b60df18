import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './index.js';

describe('verification configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}).verifications).toEqual({
      codeLength: 6,
      ttlSeconds: 600,
      attempts: 5,
      fallbackSeconds: 30,
      sweepIntervalMs: 1000,
      callTimes: 2,
      fraud: { prefixDigits: 6, windowSeconds: 3600, minSends: 50, minApprovalRate: 0.1 },
    });
  });

  it('reads each variable, the approval threshold as a percentage', () => {
    const config = loadConfig({
      VERIGATE_VERIFY_FALLBACK_S: '5',
      VERIGATE_VERIFY_FRAUD_MIN_APPROVAL_PCT: '25',
      VERIGATE_VERIFY_FRAUD_PREFIX_DIGITS: '0',
    }).verifications;
    expect(config).toMatchObject({ fallbackSeconds: 5, fraud: { minApprovalRate: 0.25, prefixDigits: 0 } });
  });

  it('names a bad variable', () => {
    expect(() => loadConfig({ VERIGATE_VERIFY_FALLBACK_S: '0', VERIGATE_VERIFY_CODE_LENGTH: '12' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ VERIGATE_VERIFY_FALLBACK_S: '0' })).toThrow(/VERIGATE_VERIFY_FALLBACK_S/);
  });
});
