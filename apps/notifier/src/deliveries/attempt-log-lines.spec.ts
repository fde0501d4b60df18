import { attemptFields, droppedLine, parkedLine, recordedLine, unrecordedLine } from './attempt-log-lines.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import { hostKey } from './delivery-policy.js';

const delivery: ClaimedDelivery = {
  id: 'd-1',
  sessionId: 's-1',
  appKey: 'app',
  stream: 'status',
  seq: 2,
  url: 'https://user:s3cret@hooks.example.com/status?token=t0ken',
  body: { eventType: 'answer' },
  attempts: 0,
  requestId: 'req-1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
};
const fields = attemptFields(delivery);
const host = hostKey(delivery.url);
const nextAttemptAt = new Date('2026-01-01T00:00:05Z');

describe('attempt log lines', () => {
  it('name the delivery by its identifiers, with the request id when there is one', () => {
    expect(fields).toEqual({ sessionId: 's-1', deliveryId: 'd-1', stream: 'status', seq: 2, requestId: 'req-1' });
    expect(attemptFields({ ...delivery, requestId: null })).toEqual({
      sessionId: 's-1',
      deliveryId: 'd-1',
      stream: 'status',
      seq: 2,
    });
  });

  it('say a parked delivery was left for later', () => {
    expect(parkedLine({ action: 'park', reason: 'no-slot' }, fields, host, false)).toEqual({
      level: 'info',
      message: 'no request slot for the host; delivery left for later',
      fields: { ...fields, host: 'hooks.example.com' },
    });
    expect(parkedLine({ action: 'park', reason: 'no-slot' }, fields, host, true)).toBeNull();
    expect(
      parkedLine({ action: 'park', reason: 'secrets-unavailable', error: 'connection terminated' }, fields, host, true),
    ).toEqual({
      level: 'warn',
      message: 'could not load the signing secrets; delivery left for later',
      fields: { ...fields, error: 'connection terminated' },
    });
  });

  it('say a dropped or unrecorded attempt will be sent again', () => {
    expect(droppedLine(fields)).toEqual({ level: 'info', message: 'webhook delivery abandoned by shutdown', fields });
    expect(unrecordedLine(fields, true, 'connection refused')).toEqual({
      level: 'error',
      message: 'could not record a webhook attempt; it will be sent again when its lease expires',
      fields: { ...fields, ok: true, error: 'connection refused' },
    });
  });

  it('log a delivered attempt at debug level', () => {
    expect(
      recordedLine(
        fields,
        host,
        { durationMs: 8, httpStatus: 200, error: null, permanent: false },
        { attempt: 1, status: 'delivered', nextAttemptAt, next: null },
      ),
    ).toEqual({
      level: 'debug',
      message: 'webhook delivered',
      fields: { ...fields, attempt: 1, durationMs: 8, host: 'hooks.example.com', httpStatus: 200 },
    });
  });

  it('log a retry with its time, and a failure for good with whether it was permanent', () => {
    expect(
      recordedLine(
        fields,
        host,
        { durationMs: 5000, httpStatus: null, error: 'timeout after 5000 ms', permanent: false },
        { attempt: 2, status: 'pending', nextAttemptAt, next: null },
      ),
    ).toEqual({
      level: 'info',
      message: 'webhook attempt failed; will retry',
      fields: {
        ...fields,
        attempt: 2,
        durationMs: 5000,
        host: 'hooks.example.com',
        error: 'timeout after 5000 ms',
        nextAttemptAt,
      },
    });
    expect(
      recordedLine(
        fields,
        host,
        { durationMs: 3, httpStatus: 500, error: null, permanent: false },
        { attempt: 4, status: 'failed', nextAttemptAt, next: null },
      ),
    ).toEqual({
      level: 'warn',
      message: 'webhook delivery failed for good',
      fields: { ...fields, attempt: 4, durationMs: 3, host: 'hooks.example.com', httpStatus: 500, permanent: false },
    });
  });

  it('warn when the delivery was settled elsewhere meanwhile', () => {
    expect(recordedLine(fields, host, { durationMs: 8, httpStatus: 200, error: null, permanent: false }, null)).toEqual(
      { level: 'warn', message: 'webhook delivery was settled elsewhere while in flight', fields },
    );
  });

  it('never carry the URL, its credentials or the body', () => {
    const lines = [
      parkedLine({ action: 'park', reason: 'no-slot' }, fields, host, false),
      droppedLine(fields),
      recordedLine(
        fields,
        host,
        { durationMs: 8, httpStatus: 200, error: null, permanent: false },
        { attempt: 1, status: 'delivered', nextAttemptAt, next: null },
      ),
    ];
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toContain('s3cret');
      expect(text).not.toContain('t0ken');
      expect(text).not.toContain('answer');
    }
  });
});
