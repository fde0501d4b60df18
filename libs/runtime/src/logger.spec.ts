import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JsonLogger, redactUrlCredentials } from './logger.js';

describe('redactUrlCredentials', () => {
  it('hides the user info of any URL in a text, keeping the rest', () => {
    expect(redactUrlCredentials('connect amqp://guest:s3cr%40t@rabbit:5672/vh failed')).toBe(
      'connect amqp://***@rabbit:5672/vh failed',
    );
    expect(redactUrlCredentials('{"url":"https://user:pw@hooks.example.com/a?b=c"}')).toBe(
      '{"url":"https://***@hooks.example.com/a?b=c"}',
    );
    expect(redactUrlCredentials('smpp://sys@smsc:2775 and postgres://postgres:pw@127.0.0.1/db')).toBe(
      'smpp://***@smsc:2775 and postgres://***@127.0.0.1/db',
    );
  });

  it('leaves URLs without user info, and e-mail-like text after a path, alone', () => {
    for (const text of [
      'http://127.0.0.1:3000/health',
      'https://example.com/a@b',
      'mailto:ops@example.com',
      'http://h/p?x=a@b',
    ]) {
      expect(redactUrlCredentials(text)).toBe(text);
    }
  });
});

describe('redactUrlCredentials on hostile or unusual text', () => {
  it('hides a password holding a raw @ entirely (URL parsers split user info at the last @)', () => {
    expect(redactUrlCredentials('amqp://guest:p@ss@rabbit:5672/vh')).toBe('amqp://***@rabbit:5672/vh');
  });

  it('hides a password holding a quote or backslash as the JSON line escapes it', () => {
    const line = JSON.stringify({ error: 'connect postgres://app:pa"ss\\word@db:5432/verigate failed' });
    expect(redactUrlCredentials(line)).toBe(
      JSON.stringify({ error: 'connect postgres://***@db:5432/verigate failed' }),
    );
  });

  it('does not run past the end of a JSON string into the next field', () => {
    const line = JSON.stringify({ url: 'http://host:80', note: 'ops@example.com' });
    expect(redactUrlCredentials(line)).toBe(line);
  });

  // Long scheme-like runs (an error quoting a client's input): the former pattern, an optional
  // scheme before "://", backtracked over each "x." of such a run (~7 s for these 100 KB; it
  // now takes one pass). What is asserted is the result: a scheme of any length still redacts.
  it('redacts after, and leaves alone, long scheme-like runs', () => {
    const run = 'a.'.repeat(50_000);
    expect(redactUrlCredentials(run)).toBe(run);
    expect(redactUrlCredentials(`x://${run}`)).toBe(`x://${run}`);
    expect(redactUrlCredentials(`${run}://u:p@h`)).toBe(`${run}://***@h`);
  });
});

describe('JsonLogger', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('never writes URL credentials, whichever field carries them', () => {
    const lines: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      lines.push(String(chunk));
      return true;
    });
    new JsonLogger('test').warn('broker connection failed', {
      error: new Error('connect ECONNREFUSED amqp://guest:topsecret@10.0.0.5:5672'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('topsecret');
    expect(JSON.parse(lines[0]!).error.message).toBe('connect ECONNREFUSED amqp://***@10.0.0.5:5672');
  });
});
