import { describe, expect, it } from '@jest/globals';
import { chooseLogFormat, formatPretty, JsonLogger, redirectLogs } from './logger.js';

describe('chooseLogFormat: readable lines only for a person at a terminal outside production', () => {
  it('is pretty on a terminal in development, JSON on a pipe or file', () => {
    expect(chooseLogFormat({}, true)).toBe('pretty');
    expect(chooseLogFormat({ NODE_ENV: 'development' }, true)).toBe('pretty');
    expect(chooseLogFormat({}, false)).toBe('json');
  });

  it('is JSON in production and under tests, terminal or not', () => {
    expect(chooseLogFormat({ NODE_ENV: 'production' }, true)).toBe('json');
    expect(chooseLogFormat({ NODE_ENV: 'test' }, true)).toBe('json');
  });

  it('follows VERIGATE_LOG_FORMAT when it is json or pretty, and ignores anything else', () => {
    expect(chooseLogFormat({ VERIGATE_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(chooseLogFormat({ VERIGATE_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(chooseLogFormat({ VERIGATE_LOG_FORMAT: 'fancy' }, false)).toBe('json');
  });
});

describe('formatPretty', () => {
  const record = { time: '2026-12-03T16:04:05.123Z', level: 'info' as const, app: 'gateway', msg: 'gateway listening' };

  it('writes time, level, message and key=value fields on one line', () => {
    expect(formatPretty({ ...record, host: '127.0.0.1', port: 3000 })).toBe(
      '16:04:05.123 INFO  gateway listening host=127.0.0.1 port=3000',
    );
  });

  it('quotes values with spaces or quotes and writes objects as JSON', () => {
    expect(formatPretty({ ...record, level: 'warn', reason: 'no idle port', ids: ['a', 'b'], nested: { n: 1 } })).toBe(
      '16:04:05.123 WARN  gateway listening reason="no idle port" ids=["a","b"] nested={"n":1}',
    );
  });

  it("writes an error's name and message, then its stack indented on the lines after", () => {
    const error = new Error('connect ECONNREFUSED');
    error.stack = 'Error: connect ECONNREFUSED\n    at first (a.js:1:1)\n    at second (b.js:2:2)';
    expect(formatPretty({ ...record, level: 'error', msg: 'failed', error })).toBe(
      '16:04:05.123 ERROR failed error="Error: connect ECONNREFUSED"\n    at first (a.js:1:1)\n    at second (b.js:2:2)',
    );
  });

  it('colours the level when asked', () => {
    expect(formatPretty(record, true)).toBe('16:04:05.123 \x1b[36mINFO \x1b[0m gateway listening');
  });
});

describe('JsonLogger in the pretty format', () => {
  it('keeps redacting URL credentials and honours the level', () => {
    const lines: string[] = [];
    const restore = redirectLogs((line) => lines.push(line));
    const noColour = process.env.NO_COLOR;
    process.env.NO_COLOR = '1'; // plain text to match (https://no-color.org)
    try {
      const logger = new JsonLogger('broker', 'info', {}, 'pretty').child({ component: 'broker' });
      logger.debug('not written');
      logger.warn('connection failed', {
        url: 'amqp://guest:topsecret@10.0.0.5:5672',
        error: new Error('refused by amqp://u:pw2@h:1'),
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('topsecret');
      expect(lines[0]).not.toContain('pw2');
      expect(lines[0]).toMatch(
        /^\d\d:\d\d:\d\d\.\d{3} WARN {2}connection failed component=broker url=amqp:\/\/\*\*\*@10\.0\.0\.5:5672 error="Error: refused by amqp:\/\/\*\*\*@h:1"\n/,
      );
    } finally {
      restore();
      if (noColour === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = noColour;
    }
  });
});
