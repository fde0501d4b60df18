import { describe, expect, it } from '@jest/globals';
import { actorOf } from './audit.interceptor.js';
import { redact, requestFields } from './redact.js';

describe('audit redaction', () => {
  it('drops secrets at any depth, and binary data', () => {
    expect(
      redact({
        name: 'x',
        appSecret: 's',
        nested: { password: 'p', token: 't', keep: 1 },
        content: Buffer.from('RIFF'),
        list: [{ secret: 1, a: 2 }],
      }),
    ).toEqual({ name: 'x', nested: { keep: 1 }, list: [{ a: 2 }] });
  });

  it('keeps app keys, numbers and other fields', () => {
    expect(requestFields({ appKey: 'K' }, { name: 'a.wav' }, { status: 'suspended', appKey: 'other' })).toEqual({
      name: 'a.wav',
      status: 'suspended',
      appKey: 'K',
    });
  });

  it('ignores a binary or non-object body', () => {
    expect(requestFields({ appKey: 'K' }, {}, Buffer.from('RIFF....'))).toEqual({ appKey: 'K' });
    expect(requestFields({}, {}, 'text')).toEqual({});
  });

  it('hides the credentials of a URL (smsStatusUrl), keeping the rest of it', () => {
    expect(
      redact({ smsStatusUrl: 'https://hook:s3cret@receiver.example.com/sms?x=1', nested: { url: 'http://u@h/p' } }),
    ).toEqual({ smsStatusUrl: 'https://***@receiver.example.com/sms?x=1', nested: { url: 'http://***@h/p' } });
    expect(requestFields({ appKey: 'K' }, {}, { smsStatusUrl: 'https://a:b@c.example/' })).toEqual({
      appKey: 'K',
      smsStatusUrl: 'https://***@c.example/',
    });
  });

  it('cuts long strings', () => {
    expect((redact('x'.repeat(2000)) as string).length).toBeLessThan(600);
  });
});

describe('actorOf', () => {
  it('is operator and 8 hex digits of the token digest, never the token', () => {
    const actor = actorOf('Bearer dev-admin-token');
    expect(actor).toMatch(/^operator:[0-9a-f]{8}$/);
    expect(actor).not.toContain('dev-admin-token');
    expect(actorOf('Bearer other-token-123')).not.toBe(actor);
    expect(actorOf(undefined)).toBe('operator');
  });
});
