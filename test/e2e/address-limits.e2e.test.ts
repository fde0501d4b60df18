import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signAksk } from '#libs/auth';
import { expectEventually } from '#libs/testing';
import { Platform, type TestApp } from './support/platform.js';

/**
 * Per-address limits and bans count an IPv6 client by its /64 (issue 14 item 4): a client that
 * rotates addresses inside its /64 (every subscriber holds one) is held by the captcha `get`
 * limit, the captcha lock-out and the callVerify auth-failure ban exactly as a single address
 * is. Requests come from 127.0.0.1, a trusted proxy that names the client in X-Forwarded-For.
 */
describe('per-address limits count an IPv6 client by its /64', () => {
  const platform = new Platform();
  let app: TestApp;
  let rotation = 0;
  /** SDK headers of a fresh device at the next address inside `prefix` (a /64 written as its first four groups). */
  const rotated = (prefix: string) => {
    rotation += 1;
    return platform.sdkHeaders(
      app.appKey,
      `rotating-device-${rotation}`,
      `${prefix}:${rotation.toString(16)}:${((rotation * 7919) & 0xffff).toString(16)}::${rotation.toString(16)}`,
    );
  };

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        // Each request comes from a new device: only the per-address limits can hold the client.
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '3',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000',
        VERIGATE_CAPTCHA_FAIL_LIMIT_IP: '2',
        VERIGATE_CAPTCHA_FAIL_LIMIT_FP: '100000',
        // The gateway's own flood budget is tested below; here it stays out of the way.
        VERIGATE_CAPTCHA_FLOOD_BURST: '100000',
        VERIGATE_AUTH_FAILURES_BEFORE_BAN: '3',
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    await platform.provideVoicePorts(100);
    app = await platform.createApp();
    // The limits are what is tested here, not proof of work (captcha-pow.e2e.test.ts covers it).
    expect((await platform.admin('PATCH', `/apps/${app.appKey}`, { captchaPow: false })).status).toBe(200);
  });

  afterAll(() => platform.stop());

  it('captcha get limit: the 4th get from a rotating /64 → 429 CAPTCHA.RATE_LIMITED; another /64 is served', async () => {
    const prefix = '2001:db8:10:1';
    for (let i = 0; i < 3; i++) expect((await platform.sdk('GET', '/captcha', rotated(prefix))).status).toBe(200);
    expect(await platform.sdk('GET', '/captcha', rotated(prefix))).toMatchObject({
      status: 429,
      body: { error_code: 'CAPTCHA.RATE_LIMITED' },
    });
    expect((await platform.sdk('GET', '/captcha', rotated('2001:db8:10:2'))).status).toBe(200);
  });

  it('captcha lock-out: failed checks from rotating addresses lock out the whole /64', async () => {
    const prefix = '2001:db8:20:1';
    for (let i = 0; i < 2; i++) {
      const headers = rotated(prefix);
      const got = await platform.sdk('GET', '/captcha', headers);
      expect(got.status).toBe(200);
      const wrong = await platform.sdk('POST', '/captcha/check', headers, {
        captchaType: 'blockPuzzle',
        token: got.body.token,
        pointJson: JSON.stringify({ x: 9999, y: 5 }),
      });
      expect(wrong.body.error_code).toBe('CAPTCHA.CAPTCHA_WRONG');
    }
    expect(await platform.sdk('GET', '/captcha', rotated(prefix))).toMatchObject({
      status: 429,
      body: { error_code: 'CAPTCHA.LOCKED_OUT' },
    });
    const [lock] = await platform.infra.query<{ locked: boolean }>(
      `SELECT locked_until > now() AS locked FROM captcha_limits WHERE key = $1`,
      [`ip:${prefix}::/64`],
    );
    expect(lock?.locked).toBe(true);
    expect(await platform.sdk('GET', '/captcha', rotated('2001:db8:20:2'))).toMatchObject({ status: 200 });
  });

  it('callVerify auth-failure ban (1020176): failures from rotating addresses ban the /64, until an operator lifts it', async () => {
    const prefix = '2001:db8:30:1';
    const callee = (n: number) => `+861380000${String(n).padStart(4, '0')}`;
    const from = (address: string, headers = signAksk(app.appKey, app.appSecret)) => ({
      ...headers,
      'x-forwarded-for': address,
    });
    for (let i = 1; i <= 3; i++) {
      const wrong = await platform.callVerify(
        app,
        platform.callBody(app, callee(i)),
        from(`${prefix}::${i}`, signAksk(app.appKey, 'not-the-secret')),
      );
      expect(wrong.body.resultcode).toBe('1010010');
    }
    await expectEventually(async () => {
      expect(
        await platform.callVerify(app, platform.callBody(app, callee(10)), from(`${prefix}:ffff:ffff:ffff:fffe`)),
      ).toMatchObject({ status: 403, body: { resultcode: '1020176' } });
    });
    const bans = (await (await platform.admin('GET', '/ip-bans')).json()) as Array<{ ip: string }>;
    expect(bans.map((b) => b.ip)).toContain('2001:db8:30:1::/64');
    expect(
      (await platform.callVerify(app, platform.callBody(app, callee(11)), from('2001:db8:30:2::1'))).body.resultcode,
    ).toBe('0');
    // Any address of the /64 names its ban.
    expect((await platform.admin('DELETE', `/ip-bans/${prefix}::abcd`)).status).toBe(200);
    await expectEventually(async () => {
      expect(
        (await platform.callVerify(app, platform.callBody(app, callee(12)), from(`${prefix}::5`))).body.resultcode,
      ).toBe('0');
    });
  });
});

/**
 * Flood protection before the queue (issue 13 item 6): the gateway refuses gets beyond its
 * per-address budget (IPv6 by /64) without publishing them to the captcha RPC queue, while
 * another address is still served.
 */
describe('captcha flood protection before the RPC queue', () => {
  const platform = new Platform();
  let appKey: string;

  beforeAll(async () => {
    await platform.start(
      {
        VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
        VERIGATE_CAPTCHA_GET_LIMIT_IP: '100000',
        VERIGATE_CAPTCHA_GET_LIMIT_FP: '100000',
        VERIGATE_CAPTCHA_FLOOD_BURST: '3',
        VERIGATE_CAPTCHA_FLOOD_PER_MIN: '1',
        VERIGATE_CAPTCHA_FLOOD_ANSWER_BURST: '4',
        VERIGATE_CAPTCHA_FLOOD_ANSWER_PER_MIN: '1',
      },
      { voice: false, notifier: false },
    );
    await platform.startCaptcha();
    appKey = (await platform.createApp()).appKey;
  });

  afterAll(() => platform.stop());

  it('beyond the budget gets are refused with 429 and never reach the captcha worker; another address gets its captcha', async () => {
    const prefix = '2001:db8:40:1';
    const answers: Array<{ status: number; code?: string }> = [];
    for (let i = 1; i <= 8; i++) {
      const got = await platform.sdk(
        'GET',
        '/captcha',
        platform.sdkHeaders(appKey, `flood-device-${i}`, `${prefix}::${i}`),
      );
      answers.push({ status: got.status, ...(got.body.error_code ? { code: got.body.error_code } : {}) });
    }
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.slice(3)).toEqual(Array(5).fill({ status: 429, code: 'CAPTCHA.RATE_LIMITED' }));
    // The worker counts every get it receives for the address bucket: only the 3 admitted ones.
    const [counted] = await platform.infra.query<{ gets: number }>(`SELECT gets FROM captcha_limits WHERE key = $1`, [
      `ip:${prefix}::/64`,
    ]);
    expect(counted?.gets).toBe(3);
    const [drawn] = await platform.infra.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM captcha_sessions WHERE client_ip::inet << $1::inet`,
      [`${prefix}::/64`],
    );
    expect(drawn?.n).toBe(3);
    // Another client (IPv4, and another /64) is served.
    expect(
      (await platform.sdk('GET', '/captcha', platform.sdkHeaders(appKey, 'other-device', '198.51.100.9'))).status,
    ).toBe(200);
    expect(
      (await platform.sdk('GET', '/captcha', platform.sdkHeaders(appKey, 'other-device-2', '2001:db8:40:2::1'))).status,
    ).toBe(200);
  });

  it("check, managed and verify draw on the address's answer budget too: made-up tokens beyond it get 429 without reaching the worker", async () => {
    const prefix = '2001:db8:41:1';
    const madeUp = (i: number) => i.toString(16).padStart(32, '0');
    const headers = (i: number) => platform.sdkHeaders(appKey, `answer-flood-${i}`, `${prefix}::${i}`);
    const codes: string[] = [];
    for (let i = 1; i <= 4; i++)
      codes.push(
        (
          await platform.sdk('POST', '/captcha/check', headers(i), {
            captchaType: 'blockPuzzle',
            token: madeUp(i),
            pointJson: '{"x":1,"y":5}',
          })
        ).body.error_code,
      );
    // Answered by the worker (the app has proof of work on: a check without a solution is POW_REQUIRED).
    expect(codes).toEqual(Array(4).fill('CAPTCHA.POW_REQUIRED'));
    // The budget is spent, whichever route and address inside the /64 comes next.
    const refused = [
      await platform.sdk('POST', '/captcha/check', headers(5), {
        captchaType: 'blockPuzzle',
        token: madeUp(5),
        pointJson: '{"x":1,"y":5}',
      }),
      await platform.sdk('POST', '/captcha/managed', headers(6), { token: madeUp(6), powSolution: 'x' }),
      await platform.sdk('POST', '/captcha/verify', headers(7), {
        captchaVerification: `${madeUp(7)}---{"x":1,"y":5}`,
      }),
    ];
    expect(refused.map((r) => ({ status: r.status, code: r.body.error_code }))).toEqual(
      Array(3).fill({ status: 429, code: 'CAPTCHA.RATE_LIMITED' }),
    );
    // Its gets have their own budget; another address's answers still reach the worker.
    expect((await platform.sdk('GET', '/captcha', headers(8))).status).toBe(200);
    expect(
      (
        await platform.sdk('POST', '/captcha/verify', platform.sdkHeaders(appKey, 'answer-other', '198.51.100.77'), {
          captchaVerification: `${madeUp(9)}---{"x":1,"y":5}`,
        })
      ).body.error_code,
    ).toBe('CAPTCHA.VERIFICATION_INVALID');
  });
});
