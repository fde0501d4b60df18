import { describe, expect, it } from '@jest/globals';
import { placeCallCommandSchema, sendSmsCommandSchema, statusEventMessageSchema } from '#libs/contracts';
import { checkPayload } from './payload-check.js';

describe('checkPayload (message payloads against their schemas)', () => {
  it('passes a valid payload through', () => {
    expect(checkPayload(placeCallCommandSchema, { sessionId: 's-1', extra: true })).toEqual({
      ok: true,
      value: { sessionId: 's-1' },
    });
    const messageId = '0b4c6b2e-7a53-4f0e-9b43-0d5f3f1c8a11';
    expect(checkPayload(sendSmsCommandSchema, { messageId })).toEqual({ ok: true, value: { messageId } });
  });

  it.each([
    [placeCallCommandSchema, undefined, 'place-call command without sessionId'],
    [placeCallCommandSchema, null, 'place-call command without sessionId'],
    [placeCallCommandSchema, ['s-1'], 'place-call command without sessionId'],
    [placeCallCommandSchema, { sessionId: '' }, 'place-call command without sessionId'],
    [placeCallCommandSchema, { sessionId: 7 }, 'place-call command without sessionId'],
    [sendSmsCommandSchema, { messageId: 'not-a-uuid' }, 'send command without a valid messageId'],
    [sendSmsCommandSchema, {}, 'send command without a valid messageId'],
  ] as const)('dead-letters %#: %j with its reason', (schema, payload, reason) => {
    expect(checkPayload(schema, payload)).toEqual({ ok: false, disposition: { action: 'dead', reason } });
  });

  it('names the first refused field of a status event, in the order of the schema', () => {
    const event = { eventId: 'e', sessionId: 's', appKey: 'a', body: {}, seq: 0, statusUrl: 5 };
    expect(checkPayload(statusEventMessageSchema, event)).toMatchObject({
      disposition: { reason: 'seq is not a positive integer' },
    });
    expect(checkPayload(statusEventMessageSchema, { ...event, body: [] })).toMatchObject({
      disposition: { reason: 'body is not an object' },
    });
  });
});
