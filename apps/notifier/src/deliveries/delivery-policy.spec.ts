import { errorText, hostKey, hostKeySql, jitter, retryDelay } from './delivery-policy.js';

describe('hostKey', () => {
  it.each([
    ['https://Example.COM/hook?x=1', 'example.com'],
    ['http://user:secret@hooks.example.com:8080/a/b', 'hooks.example.com:8080'],
    ['http://127.0.0.1:3000/status', '127.0.0.1:3000'],
    ['https://[2001:db8::1]:8443/x', '[2001:db8::1]:8443'],
    ['http://example.com', 'example.com'],
    ['http://example.com#frag', 'example.com'],
    ['not a url', ''],
  ])('%s → %p', (url, expected) => {
    expect(hostKey(url)).toBe(expected);
  });

  it('has an SQL twin that never yields NULL', () => {
    expect(hostKeySql('w.url')).toContain('coalesce(lower(substring(w.url from');
  });
});

describe('jitter', () => {
  it('stays within ±10 %', () => {
    expect(jitter(1000, () => 0)).toBe(900);
    expect(jitter(1000, () => 0.5)).toBe(1000);
    expect(jitter(1000, () => 0.999999)).toBe(1100);
    for (let i = 0; i < 1000; i++) {
      const v = jitter(30_000);
      expect(v).toBeGreaterThanOrEqual(27_000);
      expect(v).toBeLessThanOrEqual(33_000);
    }
  });

});

describe('retryDelay', () => {
  const schedule = [1000, 5000, 30_000];

  it('waits scheduleMs[attempt - 1] (jittered) after a failed attempt', () => {
    expect(retryDelay(1, schedule, () => 0.5)).toBe(1000);
    expect(retryDelay(2, schedule, () => 0)).toBe(4500);
    expect(retryDelay(3, schedule, () => 0.999999)).toBe(33_000);
  });

  it('gives up when the schedule is exhausted', () => {
    expect(retryDelay(4, schedule)).toBeNull();
    expect(retryDelay(1, [])).toBeNull();
  });
});

describe('errorText', () => {
  it('is one bounded line', () => {
    expect(errorText(new Error('connect\nECONNREFUSED   1.2.3.4:80'))).toBe('connect ECONNREFUSED 1.2.3.4:80');
    expect(errorText('x'.repeat(600)).length).toBe(500);
    expect(errorText(42)).toBe('42');
  });
});
