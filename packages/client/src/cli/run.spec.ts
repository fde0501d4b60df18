import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { EXIT, run } from './run.js';

/** Runs the CLI with captured output and a fake fetch that answers `reply` (and records the request). */
async function cli(argv: string[], reply?: { status: number; body: unknown } | Error, tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const fakeFetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply?.body), { status: reply?.status ?? 200 });
  }) as unknown as typeof fetch;
  const stdout = Object.assign(sink(out), { isTTY: tty });
  const code = await run(argv, { stdout, stderr: sink(err), fetch: fakeFetch }, { VERIGATE_URL: 'http://gw:1' });
  return { code, stdout: out.join(''), stderr: err.join(''), requests };
}

describe('verigate CLI', () => {
  it('prints help for everything and for one command, exit 0', async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(EXIT.ok);
    expect(all.stdout).toContain('apps create <name>');
    expect(all.stdout).toContain('Exit codes');
    const one = await cli(['tones', 'upload', '--help']);
    expect(one.stdout).toMatch(/^usage: verigate tones upload <appKey> <file.wav> \[--name …\]/);
    expect(one.requests).toHaveLength(0);
  });

  it('refuses unknown commands, missing arguments, foreign options and bad values with exit 2, sending nothing', async () => {
    for (const argv of [
      ['nope'],
      ['apps', 'get'],
      ['apps', 'get', 'k', 'extra'],
      ['apps', 'list', '--mobile', 'x'],
      ['apps', 'set', 'k', '--limits', 'callsPerDay=lots'],
      ['numbers', 'set', 'k', '+861', 'gone'],
      ['apps', 'list', '--no-such-option'],
    ]) {
      const result = await cli(argv);
      expect([argv, result.code, result.requests.length]).toEqual([argv, EXIT.usage, 0]);
      expect(result.stderr).not.toBe('');
    }
  });

  it('sends the request of the command and prints the answer as JSON when piped', async () => {
    const result = await cli(
      ['apps', 'set', 'k1', '--limits', 'apiPerMinute=60,calleeCallsPerHour=none', '--international', '+86:callout'],
      { status: 200, body: { appKey: 'k1' } },
    );
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toEqual({ appKey: 'k1' });
    expect(result.requests[0]!.url).toBe('http://gw:1/admin/v1/apps/k1');
    expect(result.requests[0]!.init.method).toBe('PATCH');
    expect(JSON.parse(result.requests[0]!.init.body as string)).toEqual({
      limits: { apiPerMinute: 60, calleeCallsPerHour: null },
      international: { homePrefixes: ['+86'], allowCallout: true, allowCallin: false },
    });
    expect(new Headers(result.requests[0]!.init.headers).get('authorization')).toBe('Bearer dev-admin-token');
  });

  it('prints readable lines on a terminal unless --json', async () => {
    const page = { items: [{ messageId: 'm1', status: 'delivered' }], count: 1, nextBefore: null };
    const human = await cli(['sms', 'list'], { status: 200, body: page }, true);
    expect(human.stdout).toBe('messageId  status\nm1         delivered\ncount: 1\nnextBefore: -\n');
    const json = await cli(['sms', 'list', '--json'], { status: 200, body: page }, true);
    expect(JSON.parse(json.stdout)).toEqual(page);
  });

  it('exits 1 with the error body on stderr when the gateway refuses, 3 when it does not answer', async () => {
    const refused = await cli(['apps', 'get', 'k9'], {
      status: 404,
      body: { error_code: 'NOT_FOUND', error_msg: 'no such app' },
    });
    expect(refused.code).toBe(EXIT.apiError);
    expect(JSON.parse(refused.stderr)).toEqual({ error_code: 'NOT_FOUND', error_msg: 'no such app' });
    const readable = await cli(
      ['apps', 'get', 'k9'],
      { status: 404, body: { error_code: 'NOT_FOUND', error_msg: 'no' } },
      true,
    );
    expect(readable.stderr).toBe('verigate: 404 NOT_FOUND: no\n');
    const down = await cli(['apps', 'list'], new TypeError('fetch failed'));
    expect(down.code).toBe(EXIT.noAnswer);
    expect(down.stderr).toMatch(/NETWORK_ERROR: cannot reach http:\/\/gw:1/);
  });
});
