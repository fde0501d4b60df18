import { describe, expect, it } from '@jest/globals';
import { REQUEST_ID_HEADER } from '#libs/runtime';
import { dispositionOfError, reopenDelayMs, RETRY_HEADER, retriesOf, settle, withRequestId } from './disposition.js';

describe('settle (disposition → what the consumer does)', () => {
  it('acks an ack', () => {
    expect(settle({ action: 'ack' }, {}, Infinity)).toEqual({ kind: 'ack' });
  });

  it('retries through the delay queue with the retry count raised, other headers kept', () => {
    expect(settle({ action: 'retry', reason: 'db down' }, { [REQUEST_ID_HEADER]: 'r-1' }, Infinity)).toEqual({
      kind: 'retry',
      headers: { [REQUEST_ID_HEADER]: 'r-1', [RETRY_HEADER]: 1 },
    });
    expect(settle({ action: 'retry', reason: 'db down' }, { [RETRY_HEADER]: 41 }, Infinity)).toEqual({
      kind: 'retry',
      headers: { [RETRY_HEADER]: 42 },
    });
  });

  it('dead-letters a retry past maxRetries, saying how many retries it had', () => {
    expect(settle({ action: 'retry', reason: 'busy' }, { [RETRY_HEADER]: 3 }, 3)).toEqual({
      kind: 'dead',
      reason: 'gave up after 3 retries: busy',
    });
    // RPC queues: maxRetries 0, a failed request is dropped at once.
    expect(settle({ action: 'retry', reason: 'boom' }, {}, 0)).toEqual({
      kind: 'dead',
      reason: 'gave up after 0 retries: boom',
    });
  });

  it('dead-letters a dead disposition with its reason, whatever the retry count', () => {
    expect(settle({ action: 'dead', reason: 'malformed' }, { [RETRY_HEADER]: 2 }, Infinity)).toEqual({
      kind: 'dead',
      reason: 'malformed',
    });
  });
});

describe('retry count, errors, backoff and request ids', () => {
  it('reads the retry header, 0 when absent or not a number', () => {
    expect(retriesOf({})).toBe(0);
    expect(retriesOf({ [RETRY_HEADER]: 5 })).toBe(5);
    expect(retriesOf({ [RETRY_HEADER]: 'x' })).toBe(0);
  });

  it('a thrown error is a retry with its message as the reason', () => {
    expect(dispositionOfError(new Error('connection refused'))).toEqual({
      action: 'retry',
      reason: 'connection refused',
    });
    expect(dispositionOfError('odd')).toEqual({ action: 'retry', reason: 'odd' });
  });

  it('re-opens after 0.5 s, doubling up to 5 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(reopenDelayMs)).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('adds the context request id unless the headers carry a sane one', () => {
    expect(withRequestId(undefined, 'ctx')).toEqual({ [REQUEST_ID_HEADER]: 'ctx' });
    expect(withRequestId({ [REQUEST_ID_HEADER]: 'own', a: 1 }, 'ctx')).toEqual({ [REQUEST_ID_HEADER]: 'own', a: 1 });
    expect(withRequestId({ [REQUEST_ID_HEADER]: 'bad id!' }, 'ctx')).toEqual({ [REQUEST_ID_HEADER]: 'ctx' });
    expect(withRequestId({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});
