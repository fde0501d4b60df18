import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JsonLogger, redactUrlCredentials } from './logger.js';

describe('redactUrlCredentials', () => {
  it('hides the user info of any URL in a text, keeping the rest', () => {
    expect(redactUrlCredentials('connect amqp://guest:s3cr%40t@rabbit:5672/vh failed')).toBe('connect amqp://***@rabbit:5672/vh failed');
    expect(redactUrlCredentials('{"url":"https://user:pw@hooks.example.com/a?b=c"}')).toBe('{"url":"https://***@hooks.example.com/a?b=c"}');
    expect(redactUrlCredentials('smpp://sys@smsc:2775 and postgres://postgres:pw@127.0.0.1/db')).toBe('smpp://***@smsc:2775 and postgres://***@127.0.0.1/db');
  });

  it('leaves URLs without user info, and e-mail-like text after a path, alone', () => {
    for (const text of ['http://127.0.0.1:3000/health', 'https://example.com/a@b', 'mailto:ops@example.com', 'http://h/p?x=a@b']) {
      expect(redactUrlCredentials(text)).toBe(text);
    }
  });
});

describe('JsonLogger', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('never writes URL credentials, whichever field carries them', () => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { lines.push(String(chunk)); return true; });
    new JsonLogger('test').warn('broker connection failed', { error: new Error('connect ECONNREFUSED amqp://guest:topsecret@10.0.0.5:5672') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('topsecret');
    expect(JSON.parse(lines[0]!).error.message).toBe('connect ECONNREFUSED amqp://***@10.0.0.5:5672');
  });
});
