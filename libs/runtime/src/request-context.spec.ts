import { describe, expect, it } from '@jest/globals';
import { JsonLogger, redirectLogs } from './logger.js';
import {
  currentRequestId,
  outsideRequestContext,
  requestIdFrom,
  runInRequestContext,
  saneRequestId,
} from './request-context.js';

describe('request ids', () => {
  it('keeps a sane client id', () => {
    for (const id of ['abc', 'req-42', 'a.b_c:d-e', 'x'.repeat(128), '0f8fad5b-d9cb-469f-a165-70867728950e'])
      expect(saneRequestId(id)).toBe(id);
  });

  it('refuses anything that could forge or bloat a log line', () => {
    for (const id of [
      '',
      'x'.repeat(129),
      'a\r\nfake: line',
      'a b',
      'a"b',
      '{"level":"error"}',
      'ünïcode',
      'a/b',
      undefined,
      ['a', 'b'],
      42,
    ]) {
      expect(saneRequestId(id)).toBeNull();
    }
  });

  it('generates a UUID when the client sent none or an unsafe one', () => {
    expect(requestIdFrom('client-1')).toBe('client-1');
    const generated = requestIdFrom('bad\nid');
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(requestIdFrom(undefined)).not.toBe(generated);
  });
});

describe('request context', () => {
  it('follows async work started inside it, and not work started outside it', async () => {
    const seen: Array<string | undefined> = [];
    await runInRequestContext({ requestId: 'r1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(currentRequestId());
      await outsideRequestContext(async () => seen.push(currentRequestId()));
    });
    seen.push(currentRequestId());
    expect(seen).toEqual(['r1', undefined, undefined]);
  });

  it('puts the request id on every log line written inside it; explicit fields win', () => {
    const lines: Array<Record<string, unknown>> = [];
    const restore = redirectLogs((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    try {
      const logger = new JsonLogger('voice', 'debug').child({ sessionId: 's1' });
      runInRequestContext({ requestId: 'r-77' }, () => {
        logger.info('call placed');
        logger.debug('explicit', { requestId: 'other' });
      });
      logger.info('outside');
    } finally {
      restore();
    }
    expect(lines.map((l) => [l.msg, l.requestId, l.sessionId, l.app])).toEqual([
      ['call placed', 'r-77', 's1', 'voice'],
      ['explicit', 'other', 's1', 'voice'],
      ['outside', undefined, 's1', 'voice'],
    ]);
  });
});
