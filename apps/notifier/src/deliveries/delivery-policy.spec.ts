import {
  ADDRESS_REFUSED_CODE,
  AddressRefusedError,
  checkWebhookUrl,
  INVALID_URL_CODE,
  InvalidWebhookUrlError,
} from './address-policy.js';
import { errorText, hostKey, hostKeySql, isPermanentFailure, jitter, retryDelay } from './delivery-policy.js';

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

  it.each(['status', 'fee'] as const)(
    'waits scheduleMs[attempt - 1] (jittered) after a failed %s attempt',
    (stream) => {
      expect(retryDelay(stream, 1, schedule, () => 0.5)).toBe(1000);
      expect(retryDelay(stream, 2, schedule, () => 0)).toBe(4500);
      expect(retryDelay(stream, 3, schedule, () => 0.999999)).toBe(33_000);
    },
  );

  it('gives a status delivery up when the schedule is exhausted', () => {
    expect(retryDelay('status', 4, schedule)).toBeNull();
    expect(retryDelay('status', 100, schedule)).toBeNull();
    expect(retryDelay('status', 2, [1000])).toBeNull();
  });

  it('never gives a CDR up: past the schedule it keeps the last interval, jittered', () => {
    expect(retryDelay('fee', 4, schedule, () => 0.5)).toBe(30_000);
    expect(retryDelay('fee', 5, schedule, () => 0)).toBe(27_000);
    expect(retryDelay('fee', 10_000, schedule, () => 0.999999)).toBe(33_000);
    expect(retryDelay('fee', 7, [1000], () => 0.5)).toBe(1000);
    for (let attempt = 4; attempt < 200; attempt++) {
      const v = retryDelay('fee', attempt, schedule);
      expect(v).toBeGreaterThanOrEqual(27_000);
      expect(v).toBeLessThanOrEqual(33_000);
    }
  });

  it('retries nothing with an empty schedule', () => {
    expect(retryDelay('status', 1, [])).toBeNull();
    expect(retryDelay('fee', 1, [])).toBeNull();
  });
});

describe('isPermanentFailure', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it('is permanent for a refused address, an invalid URL or an unsupported scheme', () => {
    expect(isPermanentFailure(new AddressRefusedError('hooks.internal', '10.0.0.7', 'private'))).toBe(true);
    expect(isPermanentFailure(new InvalidWebhookUrlError('invalid URL'))).toBe(true);
    for (const url of [
      'not a url',
      'ftp://example.com/x',
      'http://127.0.0.1/x',
      'http://[::1]/x',
      'http://169.254.169.254/',
    ]) {
      const checked = checkWebhookUrl(url, false);
      expect('error' in checked && isPermanentFailure(checked.error)).toBe(true);
    }
    expect(isPermanentFailure(new AggregateError([withCode(ADDRESS_REFUSED_CODE), withCode(INVALID_URL_CODE)]))).toBe(
      true,
    );
  });

  it('is transient for network errors, timeouts and anything unknown', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']) {
      expect(isPermanentFailure(withCode(code))).toBe(false);
    }
    expect(isPermanentFailure(new Error('timeout after 5000 ms'))).toBe(false);
    expect(isPermanentFailure(new AggregateError([withCode(ADDRESS_REFUSED_CODE), withCode('ECONNREFUSED')]))).toBe(
      false,
    );
    expect(isPermanentFailure(new AggregateError([]))).toBe(false);
    expect(isPermanentFailure('EWEBHOOKADDRESS')).toBe(false);
    expect(isPermanentFailure(null)).toBe(false);
    expect(isPermanentFailure({ code: 42 })).toBe(false);
  });
});

describe('errorText', () => {
  it('is one bounded line', () => {
    expect(errorText(new Error('connect\nECONNREFUSED   1.2.3.4:80'))).toBe('connect ECONNREFUSED 1.2.3.4:80');
    expect(errorText('x'.repeat(600)).length).toBe(500);
    expect(errorText(42)).toBe('42');
  });
});
