import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './index.js';

describe('captcha configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({}).captcha).toEqual({
      ttlSeconds: 120,
      verificationTtlSeconds: 180,
      tolerancePx: 5,
      decoys: 1,
      backgroundsDir: '',
      rpcTimeoutMs: 3000,
      prefetch: 8,
      rpcQueueMaxLength: 1000,
      getLimitPerFingerprint: 30,
      getLimitPerIp: 300,
      getWindowSeconds: 60,
      failLimitPerFingerprint: 15,
      failLimitPerIp: 100,
      failWindowSeconds: 600,
      lockoutSeconds: 600,
      requireTrajectory: false,
      flood: { burst: 300, perMinute: 300, answerBurst: 600, answerPerMinute: 600 },
      poolSize: 64,
      poolRefillPauseMs: 0,
      renderThreads: 1,
      pow: {
        maxnumber: 1_600_000,
        factor: 10,
        ceiling: 200_000_000,
        velocityPerFingerprint: 5,
        velocityPerIp: 60,
        failuresForHarder: 2,
      },
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      VERIGATE_CAPTCHA_TTL_S: '60',
      VERIGATE_CAPTCHA_VERIFICATION_TTL_S: '90',
      VERIGATE_CAPTCHA_TOLERANCE_PX: '3',
      VERIGATE_CAPTCHA_DECOYS: '2',
      VERIGATE_CAPTCHA_BACKGROUNDS_DIR: '/srv/bg',
      VERIGATE_CAPTCHA_RPC_TIMEOUT_MS: '900',
      VERIGATE_CAPTCHA_PREFETCH: '2',
      VERIGATE_CAPTCHA_RPC_QUEUE_MAX: '50',
      VERIGATE_CAPTCHA_GET_LIMIT_FP: '3',
      VERIGATE_CAPTCHA_GET_LIMIT_IP: '4',
      VERIGATE_CAPTCHA_GET_WINDOW_S: '5',
      VERIGATE_CAPTCHA_FAIL_LIMIT_FP: '6',
      VERIGATE_CAPTCHA_FAIL_LIMIT_IP: '7',
      VERIGATE_CAPTCHA_FAIL_WINDOW_S: '8',
      VERIGATE_CAPTCHA_LOCKOUT_S: '9',
      VERIGATE_CAPTCHA_REQUIRE_TRAJECTORY: 'true',
      VERIGATE_CAPTCHA_POOL_SIZE: '0',
      VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS: '2',
      VERIGATE_CAPTCHA_RENDER_THREADS: '3',
      VERIGATE_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1,fd00::/8',
      VERIGATE_CAPTCHA_FLOOD_BURST: '11',
      VERIGATE_CAPTCHA_FLOOD_PER_MIN: '12',
      VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST: '13',
      VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN: '14',
      VERIGATE_CAPTCHA_POW_MAXNUMBER: '1000',
      VERIGATE_CAPTCHA_POW_FACTOR: '4',
      VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER: '64000',
      VERIGATE_CAPTCHA_VELOCITY_FP: '11',
      VERIGATE_CAPTCHA_VELOCITY_IP: '12',
      VERIGATE_CAPTCHA_POW_FAILURES: '3',
    }).captcha;
    expect(c).toEqual({
      ttlSeconds: 60,
      verificationTtlSeconds: 90,
      tolerancePx: 3,
      decoys: 2,
      backgroundsDir: '/srv/bg',
      rpcTimeoutMs: 900,
      prefetch: 2,
      rpcQueueMaxLength: 50,
      getLimitPerFingerprint: 3,
      getLimitPerIp: 4,
      getWindowSeconds: 5,
      failLimitPerFingerprint: 6,
      failLimitPerIp: 7,
      failWindowSeconds: 8,
      lockoutSeconds: 9,
      requireTrajectory: true,
      flood: { burst: 11, perMinute: 12, answerBurst: 13, answerPerMinute: 14 },
      poolSize: 0,
      poolRefillPauseMs: 2,
      renderThreads: 3,
      pow: {
        maxnumber: 1000,
        factor: 4,
        ceiling: 64000,
        velocityPerFingerprint: 11,
        velocityPerIp: 12,
        failuresForHarder: 3,
      },
    });
  });

  it('names bad captcha variables', () => {
    expect(() =>
      loadConfig({
        VERIGATE_CAPTCHA_DECOYS: '5',
        VERIGATE_TRUSTED_PROXIES: 'proxy.local',
        VERIGATE_CAPTCHA_TOLERANCE_PX: '0',
      }),
    ).toThrow(/VERIGATE_TRUSTED_PROXIES has invalid entries \(proxy.local\)[\s\S]*VERIGATE_CAPTCHA_DECOYS/);
    expect(() => loadConfig({ VERIGATE_CAPTCHA_TOLERANCE_PX: '0' })).toThrow(/VERIGATE_CAPTCHA_TOLERANCE_PX/);
    expect(() => loadConfig({ VERIGATE_CAPTCHA_POOL_SIZE: '-1' })).toThrow(/VERIGATE_CAPTCHA_POOL_SIZE/);
    expect(() => loadConfig({ VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS: 'soon' })).toThrow(
      /VERIGATE_CAPTCHA_POOL_REFILL_PAUSE_MS/,
    );
    expect(() => loadConfig({ VERIGATE_CAPTCHA_POW_MAXNUMBER: '0' })).toThrow(/VERIGATE_CAPTCHA_POW_MAXNUMBER/);
  });

  it('refuses a PoW ceiling below the base difficulty, naming both variables', () => {
    expect(() =>
      loadConfig({ VERIGATE_CAPTCHA_POW_MAXNUMBER: '5000', VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER: '4999' }),
    ).toThrow(/VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER=4999 must not be below VERIGATE_CAPTCHA_POW_MAXNUMBER=5000/);
    expect(() => loadConfig({ VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER: '1000000' })).toThrow(
      /VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER=1000000 must not be below VERIGATE_CAPTCHA_POW_MAXNUMBER=1600000/,
    );
    expect(
      loadConfig({ VERIGATE_CAPTCHA_POW_MAXNUMBER: '5000', VERIGATE_CAPTCHA_POW_MAX_MAXNUMBER: '5000' }).captcha.pow,
    ).toMatchObject({ maxnumber: 5000, ceiling: 5000 });
  });
});
