import { describe, expect, it } from '@jest/globals';
import { attemptOutcome, streamLabel } from './delivery-metrics.js';

const base = { ok: false, httpStatus: null, error: null, permanent: false, aborted: false };

describe('attemptOutcome', () => {
  it('names what an attempt came to with a bounded label', () => {
    expect(attemptOutcome({ ...base, ok: true, httpStatus: 200 })).toBe('ok');
    expect(attemptOutcome({ ...base, httpStatus: 503 })).toBe('http_error');
    expect(attemptOutcome({ ...base, httpStatus: 302, error: 'redirect not followed' })).toBe('http_error');
    expect(attemptOutcome({ ...base, error: 'refused: 10.0.0.1 is a private address', permanent: true })).toBe(
      'refused_address',
    );
    expect(attemptOutcome({ ...base, error: 'invalid URL: no host', permanent: true })).toBe('invalid_url');
    expect(attemptOutcome({ ...base, error: 'unsupported URL scheme ftp:', permanent: true })).toBe('invalid_url');
    expect(attemptOutcome({ ...base, error: 'timeout after 5000 ms' })).toBe('timeout');
    expect(attemptOutcome({ ...base, error: 'connect ECONNREFUSED 127.0.0.1:9' })).toBe('network_error');
    expect(attemptOutcome({ ...base, error: 'aborted by shutdown', aborted: true })).toBeNull();
  });
});

describe('streamLabel', () => {
  it('tells SMS status events from call status events', () => {
    expect(streamLabel({ stream: 'status', body: { eventType: 'smsStatus' } })).toBe('sms');
    expect(streamLabel({ stream: 'status', body: { eventType: 'callout' } })).toBe('status');
    expect(streamLabel({ stream: 'fee', body: { eventType: 'fee' } })).toBe('fee');
  });
});
