import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { signAksk } from '#libs/auth';
import { Platform, type TestApp } from './support/platform.js';
import { violation } from './support/openapi-oracle.js';

/** Opens a raw TCP connection to the gateway. */
function rawSocket(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Everything the server sends until it closes the connection (or `limitMs` passes: then `closed` is false). */
function readUntilClosed(socket: Socket, limitMs: number): Promise<{ text: string; closed: boolean; afterMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, afterMs: Date.now() - started });
    }, limitMs);
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, afterMs: Date.now() - started });
    });
  });
}

/**
 * A hostile or broken client cannot crash, stall or poison the gateway: bodies over the limit,
 * malformed JSON, CR/LF injected into headers, slow headers and bodies, floods from one key or
 * address. Every answer is the endpoint's documented one (the OpenAPI document is the oracle).
 */
describe('hostile clients', () => {
  const platform = new Platform();
  let app: TestApp;
  let sdk: Record<string, string>;
  const logLines: string[] = [];
  const originalWrite = process.stdout.write.bind(process.stdout);
  /** Signed AKSK headers of a client behind the trusted proxy (127.0.0.1), which names it. */
  const restHeaders = () => ({ ...signAksk(app.appKey, app.appSecret), 'x-forwarded-for': '198.51.100.70' });

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        // Short server timeouts so slow clients are cut off within the test (defaults: 10 s / 60 s).
        VERIGATE_HTTP_HEADERS_TIMEOUT_MS: '1500',
        VERIGATE_HTTP_REQUEST_TIMEOUT_MS: '3000',
        VERIGATE_HTTP_IDLE_TIMEOUT_MS: '3000',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '5',
        VERIGATE_SMS_PER_IP_HOUR: '3',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    await platform.provideVoicePorts(1000);
    app = await platform.createApp();
    sdk = platform.sdkHeaders(app.appKey, 'hostile-device', '198.51.100.50');
    // The gateway logs JSON lines on stdout: capture them to prove nothing injected reaches them.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      logLines.push(String(chunk));
      return originalWrite(chunk, ...rest);
    }) as typeof process.stdout.write;
  });

  afterAll(async () => {
    process.stdout.write = originalWrite;
    await platform.stop();
  });

  describe("a body over the 64 KiB limit gets the endpoint's documented answer, not a reset", () => {
    const huge = JSON.stringify({ pad: 'x'.repeat(200 * 1024) });
    it.each([
      ['POST', '/api/v2/sdk/captcha/check', 413, 'CAPTCHA.BODY_TOO_LARGE'],
      ['POST', '/api/v2/sdk/sms/send', 413, 'SMS.BODY_TOO_LARGE'],
      ['POST', '/admin/v1/apps', 413, 'BODY_TOO_LARGE'],
      // The seed's table has no 413: a parameter error (1020001) stands under HTTP 500 there.
      ['POST', '/rest/httpsessions/callVerify/v1.0', 500, '1020001'],
    ])('%s %s → %i %s', async (method, path, status, code) => {
      const headers = path.startsWith('/rest/')
        ? restHeaders()
        : path.startsWith('/admin/')
          ? { authorization: `Bearer ${platform.config.adminToken}` }
          : sdk;
      const response = await fetch(`${platform.baseUrl}${path}`, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: huge,
      });
      const text = await response.text();
      expect(response.status).toBe(status);
      expect(text).toContain(`"${code}"`);
      expect(violation(method, path, response.status, text)).toBeNull();
    });
  });

  describe("malformed JSON gets each API's documented 400 (the seed's 500 1020001 for /rest/)", () => {
    it.each([
      ['POST', '/api/v2/sdk/captcha/verify', 400, 'CAPTCHA.PARAMETER_INVALID'],
      ['POST', '/api/v2/sdk/sms/verify', 400, 'SMS.PARAMETER_INVALID'],
      ['POST', '/admin/v1/lists', 400, 'INVALID_JSON'],
      ['POST', '/rest/httpsessions/callVerify/v1.0', 500, '1020001'],
    ])('%s %s → %i %s', async (method, path, status, code) => {
      const headers = path.startsWith('/rest/')
        ? restHeaders()
        : path.startsWith('/admin/')
          ? { authorization: `Bearer ${platform.config.adminToken}` }
          : sdk;
      for (const body of ['{"mobile":', '{"a":"\\u0000"}', '\u0000\u0001']) {
        const response = await fetch(`${platform.baseUrl}${path}`, {
          method,
          headers: { ...headers, 'content-type': 'application/json;charset=UTF-8' },
          body,
        });
        const text = await response.text();
        expect([body, response.status, text]).toEqual([body, status, expect.stringContaining(`"${code}"`)]);
        expect(violation(method, path, response.status, text)).toBeNull();
      }
    });
  });

  it('CR/LF or NUL injected into a header (raw socket) → 400, nothing reflected into response headers or logs', async () => {
    const marker = `injected${Date.now()}`;
    // [header line, whether Node's parser itself refuses it (then the connection is closed)]
    const cases: Array<[string, boolean]> = [
      // CRLF ends the value: the "injected" header is just another request header; it must not come back.
      [`X-client-id: a\r\nSet-Cookie: ${marker}=1`, false],
      [`X-Request-Id: a\rSet-Cookie: ${marker}=1`, true],
      [`X-L: a\u0000${marker}`, true],
    ];
    for (const [header, refusedByParser] of cases) {
      const socket = await rawSocket(platform.baseUrl);
      const answer = readUntilClosed(socket, 3000);
      socket.write(`GET /api/v2/sdk/captcha HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n`, 'latin1');
      const { text, closed } = await answer;
      const [head = '', body = ''] = text.split('\r\n\r\n');
      expect([header, head.slice(0, 12)]).toEqual([header, 'HTTP/1.1 400']);
      expect(head.toLowerCase()).not.toContain(marker.toLowerCase());
      expect(head.toLowerCase()).not.toContain('set-cookie');
      if (refusedByParser) {
        expect([header, closed]).toEqual([header, true]);
        expect(JSON.parse(body)).toEqual({ error_code: 'BAD_REQUEST', error_msg: expect.any(String) });
      } else {
        expect(JSON.parse(body)).toMatchObject({ error_code: 'CAPTCHA.HEADER_MISSING' });
      }
    }
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
    expect(logLines.join('')).not.toContain(marker);
  });

  it('slowloris: headers trickled in are cut off by the headers timeout (408, closed)', async () => {
    const socket = await rawSocket(platform.baseUrl);
    const answer = readUntilClosed(socket, 15_000);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-a: b\r\n'), 300);
    const { text, closed, afterMs } = await answer;
    clearInterval(drip);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    // Generous bounds: cut off after the 1.5 s headers timeout, well before the 15 s limit.
    expect(afterMs).toBeGreaterThanOrEqual(1000);
    expect(afterMs).toBeLessThan(15_000);
  });

  it('a body trickled in slowly is cut off by the request timeout (408, closed)', async () => {
    const socket = await rawSocket(platform.baseUrl);
    const answer = readUntilClosed(socket, 15_000);
    const head = Object.entries({ ...sdk, 'content-type': 'application/json', 'content-length': '1000', host: 'x' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`POST /api/v2/sdk/captcha/verify HTTP/1.1\r\n${head}\r\n{`);
    const drip = setInterval(() => socket.writable && socket.write(' '), 300);
    const { text, closed, afterMs } = await answer;
    clearInterval(drip);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(15_000);
  });

  it('an idle connection that never sends anything is closed', async () => {
    const socket = await rawSocket(platform.baseUrl);
    const { closed } = await readUntilClosed(socket, 15_000);
    expect(closed).toBe(true);
  });

  describe('floods from one key or address get the documented limit codes', () => {
    it('captcha: gets from one device beyond VERIGATE_CAPTCHA_GET_LIMIT_FP → 429 CAPTCHA.RATE_LIMITED', async () => {
      const headers = platform.sdkHeaders(app.appKey, 'flooding-device', '198.51.100.60');
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${platform.baseUrl}/api/v2/sdk/captcha`, { headers }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
          })),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.status).toBe(429);
        expect(JSON.parse(a.text)).toMatchObject({ error_code: 'CAPTCHA.RATE_LIMITED' });
      }
    });

    it('SMS: sends from one address beyond VERIGATE_SMS_PER_IP_HOUR → 429 SMS.IP_LIMIT', async () => {
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        const headers = platform.sdkHeaders(app.appKey, `sms-device-${i}`, '198.51.100.61');
        const { credential } = await platform.solveCaptcha(
          platform.sdkHeaders(app.appKey, `solver-${i}`, '198.51.100.61'),
        );
        const sent = await platform.sdk('POST', '/sms/send', headers, {
          mobile: `1380013800${i}`,
          type: 'LOGIN_SMS',
          captcha_token: credential,
        });
        codes.push(sent.status === 200 ? 'ok' : `${sent.status} ${sent.body.error_code}`);
      }
      expect(codes).toEqual(['ok', 'ok', 'ok', '429 SMS.IP_LIMIT', '429 SMS.IP_LIMIT']);
    });

    it('voice: requests of one app beyond limits.apiPerMinute → 403 1010009', async () => {
      const patched = await platform.admin('PATCH', `/apps/${app.appKey}`, { limits: { apiPerMinute: 4 } });
      expect(patched.status).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          platform.callVerify(app, platform.callBody(app, `+86138000001${String(i).padStart(2, '0')}`), restHeaders()),
        ),
      );
      const codes = answers.map((a) => `${a.status} ${a.body.resultcode}`).sort();
      expect(codes.filter((c) => c === '200 0')).toHaveLength(4);
      expect(codes.filter((c) => c === '403 1010009')).toHaveLength(6);
    });
  });

  it('afterwards the gateway is healthy', async () => {
    expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
  });
});
