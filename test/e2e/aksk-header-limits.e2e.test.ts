import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAksk } from '#libs/auth';
import { Platform, type TestApp } from './support/platform.js';

/**
 * Hostile AKSK headers against a real gateway (in this process, so its CPU is measured here):
 * a 16 KiB header is answered at once with its fault's code, and header faults count towards the
 * auth-failure ban (1020176) like invalid digests do (issue 14, item 2).
 */
describe('AKSK header limits', () => {
  const platform = new Platform();
  let app: TestApp;

  beforeAll(async () => {
    await platform.start(
      { VERIGATE_TRUSTED_PROXIES: '127.0.0.1,::1', VERIGATE_AUTH_FAILURES_BEFORE_BAN: '3' },
      { voice: false, notifier: false },
    );
    await platform.provideVoicePorts(10);
    app = await platform.createApp();
  });

  afterAll(async () => {
    await platform.stop();
  });

  /** One callVerify from `ip` (the trusted proxy 127.0.0.1 names the client). */
  async function call(
    ip: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; resultcode: string; resultdesc: string }> {
    const response = await fetch(`${platform.baseUrl}/rest/httpsessions/callVerify/v1.0`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=UTF-8', 'x-forwarded-for': ip, ...headers },
      body: JSON.stringify(platform.callBody(app, '+8613800000031')),
    });
    const body = (await response.json()) as { resultcode: string; resultdesc: string };
    return { status: response.status, resultcode: body.resultcode, resultdesc: body.resultdesc };
  }

  // Node refuses a request whose headers together exceed 16 KiB (431): these are as long as it lets through.
  const NEAR_16_KIB = 15_500;

  it("answers a ~16 KiB Authorization or X-AKSK in well under 50 ms of CPU, with that header's fault", async () => {
    const signed = signAksk(app.appKey, app.appSecret);
    await call('198.51.100.10', signed); // warm-up: connection, JIT, caches
    const cases: Array<[Record<string, string>, string, string]> = [
      [
        { ...signed, authorization: 'AKSK ' + 'w'.repeat(NEAR_16_KIB) },
        '1023006',
        'Authorization not contained in the HTTP header: Authorization is longer than 1024 characters',
      ],
      [
        { ...signed, 'x-aksk': 'UsernameToken ' + 'w'.repeat(NEAR_16_KIB) },
        '1023033',
        'HTTP header not found X-AKSK field: X-AKSK is longer than 1024 characters',
      ],
    ];
    for (const [i, [headers, code, desc]] of cases.entries()) {
      // The least of three tries: a busy machine adds CPU time to one try, a quadratic parser to all.
      let leastCpuMs = Infinity;
      for (let attempt = 0; attempt < 3; attempt++) {
        const start = process.cpuUsage();
        const answer = await call(`198.51.100.${20 + i}`, headers);
        const used = process.cpuUsage(start);
        expect(answer).toEqual({ status: 400, resultcode: code, resultdesc: desc });
        leastCpuMs = Math.min(leastCpuMs, (used.user + used.system) / 1000);
      }
      // Client and server together, in this process (before the fix the parser alone took 300+ ms).
      expect(leastCpuMs).toBeLessThan(50);
    }
  });

  it('malformed and oversized headers count towards the auth-failure ban like invalid digests', async () => {
    const ip = '198.51.100.40';
    const signed = signAksk(app.appKey, app.appSecret);
    expect(await call(ip, { authorization: 'AKSK realm="SDP"' })).toMatchObject({ status: 400, resultcode: '1023008' });
    expect(await call(ip, { ...signed, 'x-aksk': 'UsernameToken ' + 'w'.repeat(2000) })).toMatchObject({
      status: 400,
      resultcode: '1023033',
    });
    expect(
      await call(ip, { ...signed, authorization: 'AKSK realm="SDP-PUSH",profile="UsernameToken",type="Appkey"' }),
    ).toMatchObject({ status: 400, resultcode: '1023009' });
    // The third failure banned the address: even a correct request is refused now.
    expect(await call(ip, signAksk(app.appKey, app.appSecret))).toMatchObject({ status: 403, resultcode: '1020176' });
    // Another address is not affected.
    expect(await call('198.51.100.41', signAksk(app.appKey, app.appSecret))).toMatchObject({
      status: 200,
      resultcode: '0',
    });
  });
});
