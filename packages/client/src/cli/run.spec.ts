import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { EXIT, run } from './run.js';

/** Runs the CLI with captured output and a fake fetch that answers `reply` (and records the request). */
async function cli(
  argv: string[],
  reply?: { status: number; body: unknown } | Error,
  tty = false,
  env: NodeJS.ProcessEnv = {},
) {
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
  const code = await run(
    argv,
    { stdout, stderr: sink(err), fetch: fakeFetch },
    { VERIGATE_URL: 'http://gw:1', ...env },
  );
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

describe('verigate verify and fraud commands', () => {
  const credentials = ['--app-key', 'k1', '--app-secret', 's1'];

  it('verify start signs as the app and sends the defaults channel auto, locale en', async () => {
    const started = { verificationId: 'v1', status: 'pending', channel: 'auto', expiresAt: '2026-12-03T20:00:00Z' };
    const result = await cli(['verify', 'start', '--to', '+447700900001', ...credentials], {
      status: 201,
      body: started,
    });
    expect(result.code).toBe(EXIT.ok);
    expect(JSON.parse(result.stdout)).toEqual(started);
    const [request] = result.requests;
    expect(request!.url).toBe('http://gw:1/api/v3/verifications');
    expect(JSON.parse(request!.init.body as string)).toEqual({ to: '+447700900001', channel: 'auto', locale: 'en' });
    const headers = new Headers(request!.init.headers);
    expect(headers.get('x-aksk')).toMatch(/^UsernameToken Username="k1",PasswordDigest="[^"]+",Nonce="[0-9a-f]{32}"/);
    expect(headers.get('authorization')).toBe('AKSK realm="SDP",profile="UsernameToken",type="Appkey"');
  });

  it('verify start passes channel, locale, code length and time to live', async () => {
    const result = await cli(
      [
        'verify',
        'start',
        '--to',
        '+1',
        '--channel',
        'sms',
        '--locale',
        'zh',
        '--code-length',
        '8',
        '--ttl-seconds',
        '60',
        ...credentials,
      ],
      { status: 201, body: {} },
    );
    expect(JSON.parse(result.requests[0]!.init.body as string)).toEqual({
      to: '+1',
      channel: 'sms',
      locale: 'zh',
      codeLength: 8,
      ttlSeconds: 60,
    });
  });

  it('verify check and resend go to the verification, the credentials may come from the environment', async () => {
    const check = await cli(['verify', 'check', 'v-1', '123456', ...credentials], {
      status: 200,
      body: { status: 'denied' },
    });
    expect(check.code).toBe(EXIT.ok);
    expect(check.requests[0]!.url).toBe('http://gw:1/api/v3/verifications/v-1/check');
    expect(JSON.parse(check.requests[0]!.init.body as string)).toEqual({ code: '123456' });
    const resend = await cli(['verify', 'resend', 'v-1', 'call'], { status: 200, body: {} }, false, {
      VERIGATE_APP_KEY: 'k2',
      VERIGATE_APP_SECRET: 's2',
    });
    expect(resend.code).toBe(EXIT.ok);
    expect(resend.requests[0]!.url).toBe('http://gw:1/api/v3/verifications/v-1/resend');
    expect(JSON.parse(resend.requests[0]!.init.body as string)).toEqual({ channel: 'call' });
    expect(new Headers(resend.requests[0]!.init.headers).get('x-aksk')).toContain('Username="k2"');
  });

  it('refuses a verify command without credentials, --to, a known channel or locale with exit 2, sending nothing', async () => {
    for (const argv of [
      ['verify', 'start', '--to', '+1'],
      ['verify', 'start', ...credentials],
      ['verify', 'start', '--to', '+1', '--channel', 'fax', ...credentials],
      ['verify', 'start', '--to', '+1', '--locale', 'fr', ...credentials],
      ['verify', 'start', '--to', '+1', '--code-length', 'six', ...credentials],
      ['verify', 'check', 'v-1', ...credentials],
      ['verify', 'resend', 'v-1', 'auto', ...credentials],
      ['verify', 'resend', 'v-1', 'call', '--to', '+1', ...credentials],
      ['fraud', 'lift'],
      ['fraud', 'prefixes', '--lifted', 'yes'],
      ['fraud', 'prefixes', '--app-key', 'k'],
    ]) {
      const result = await cli(argv);
      expect([argv, result.code, result.requests.length]).toEqual([argv, EXIT.usage, 0]);
      expect(result.stderr).not.toBe('');
    }
  });

  it('a refusal of the verification API exits 1 with its resultcode', async () => {
    const refused = await cli(
      ['verify', 'resend', 'v-1', 'sms', ...credentials],
      { status: 403, body: { resultcode: '1020180', resultdesc: 'not pending' } },
      true,
    );
    expect(refused.code).toBe(EXIT.apiError);
    expect(refused.stderr).toBe('verigate: 403 1020180: not pending\n');
  });

  it('fraud prefixes takes --lifted as a flag; fraud lift names the prefix', async () => {
    const list = await cli(['fraud', 'prefixes', '--lifted'], { status: 200, body: { prefixes: [] } });
    expect(list.code).toBe(EXIT.ok);
    expect(list.requests[0]!.url).toBe('http://gw:1/admin/v1/fraud/prefixes?lifted=true');
    const current = await cli(['fraud', 'prefixes'], { status: 200, body: { prefixes: [] } });
    expect(current.requests[0]!.url).toBe('http://gw:1/admin/v1/fraud/prefixes');
    const lift = await cli(['fraud', 'lift', '+88213'], { status: 200, body: { prefix: '+88213', lifted: true } });
    expect(lift.requests[0]!.url).toBe('http://gw:1/admin/v1/fraud/prefixes/%2B88213');
    expect(lift.requests[0]!.init.method).toBe('DELETE');
    const help = await cli(['fraud', 'prefixes', '--help']);
    expect(help.stdout).toMatch(/^usage: verigate fraud prefixes \[--lifted\]/);
  });

  it('apps set takes --verification-status-url, none clears it', async () => {
    const result = await cli(['apps', 'set', 'k1', '--verification-status-url', 'none'], { status: 200, body: {} });
    expect(JSON.parse(result.requests[0]!.init.body as string)).toEqual({ verificationStatusUrl: null });
  });
});
